import { createApp, type App, type AppOptions, type GraphQLBody } from "../../src/app.js";
import { signToken } from "../../src/access/token.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";

export const testConfig = loadConfig({ NODE_ENV: "test" });

/** A bearer token for a department and region, signed with the configured secret. */
export async function tokenFor(department: string, region = "", sub = `test-${department.toLowerCase()}`) {
  return signToken(testConfig, { sub, department, region, name: `测试${department}` });
}

/** Credentials and a declared purpose (some field groups are served only with one). */
export async function authHeaders(department: string, region = ""): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(department, region)}`, "x-purpose": "automated test" };
}

/**
 * The app as the registry owner (RURAL_REVITALIZATION, whole city) uses it: the stories of the
 * read API are told by the bureau that sees every field; access stories pass their own headers.
 */
export async function createTestApp(database: Database, options: AppOptions = {}): Promise<App> {
  const app = await createApp(testConfig, database, options);
  const registry = await authHeaders("RURAL_REVITALIZATION");
  const graphql = app.graphql;
  return {
    ...app,
    graphql: (body: GraphQLBody, headers?: Record<string, string>) => graphql(body, headers ?? registry),
  };
}
