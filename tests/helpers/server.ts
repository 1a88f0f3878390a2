import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type App } from "../../src/app.js";
import { newApiKey } from "../../src/access/authenticate.js";
import type { Database } from "../../src/db/client.js";
import { apiKeys } from "../../src/db/schema.js";
import { configWithKeys, testConfig } from "./app.js";

export interface RunningServer {
  app: App;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * The app listening on a free port, configured as an operator would (`env`: CORS_ORIGINS,
 * RATE_LIMIT_*, METRICS_TOKEN …), verifying the suite's tokens (tests/helpers/app.ts `tokenFor`).
 */
export async function serve(database: Database, env: Record<string, string> = {}): Promise<RunningServer> {
  const app = await createApp(configWithKeys({ JWT_SECRET: testConfig.JWT_SECRET!, ...env }), database);
  // Longer than a test's pauses: a kept-alive connection closed by the server as the client reuses it resets the request.
  const server: Server = createServer({ keepAliveTimeout: 120_000 }, app.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    app,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await app.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An integrator's API key, as `npm run api-key -- create` makes one: its number and the key itself. */
export async function createApiKey(
  database: Database,
  department: string,
  name = "integrator",
): Promise<{ id: number; key: string }> {
  const { key, prefix, hash } = newApiKey();
  const [row] = await database.db
    .insert(apiKeys)
    .values({ name, prefix, keyHash: hash, department, region: "" })
    .returning({ id: apiKeys.id });
  return { id: row!.id, key };
}

/** POSTs a GraphQL operation to the running server. */
export function post(origin: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
