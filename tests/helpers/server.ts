import { createServer, type RequestListener, type Server } from "node:http";
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
  const listening = await listen(app.handle);
  return {
    app,
    origin: listening.origin,
    async close() {
      await app.stop();
      await listening.close();
    },
  };
}

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * An HTTP server for an app's handler (not yet listening) that keeps an idle connection longer
 * than a test pauses between requests (see `listen`), and ends them all when it is closed.
 */
export function testServer(handle: RequestListener): Server {
  const server = createServer({ keepAliveTimeout: 120_000 }, handle);
  // Closing it ends the connections kept alive too: close() alone waits for them, up to the 120 s.
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    server.closeAllConnections();
    return close(callback);
  };
  return server;
}

/**
 * An app's handler listening on a free port. The server keeps an idle connection longer than a
 * test pauses between requests: with Node's default (5 s), a kept-alive connection the server
 * closes just as the client reuses it resets that request (ECONNRESET) on a loaded machine.
 */
export async function listen(handle: RequestListener): Promise<Listening> {
  const server = testServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    async close() {
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
