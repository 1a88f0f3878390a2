import "reflect-metadata";
import { createServer } from "node:http";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { openConfiguredDatabase } from "../src/db/open.js";
import { migrate } from "../src/db/migrate.js";
import type { ExecutionMode } from "../src/executor.js";
import { setLogLevel } from "../src/shared/log.js";

/**
 * One API server for a benchmark run, in its own process so the load generator does not share
 * its CPU. `/__statements` reports the statements issued so far (bench only, not in the app).
 * Arguments: execution (jit | graphql-js), port, access (document | middleware | off).
 */
const [execution = "jit", port = "4100", access = "document"] = process.argv.slice(2);
setLogLevel("error");
// Throughput is measured, not the rate limits: off unless the environment sets them.
const unlimited = { RATE_LIMIT_PUBLIC: "off", RATE_LIMIT_TOKEN: "off", RATE_LIMIT_API_KEY: "off" };
const config = loadConfig({ ...unlimited, ...process.env, AUTO_SEED: "none", NODE_ENV: "development" });
const database = await openConfiguredDatabase(config, { max: 10 });
await migrate(database);
const app = await createApp(config, database, {
  readPath: (process.env.READ_PATH ?? "plan") as "plan" | "resolvers",
  execution: execution as ExecutionMode,
  guard: access === "middleware" ? "middleware" : "document",
  unrestricted: access === "off",
});
const server = createServer((req, res) => {
  if (req.url === "/__statements") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ data: database.statements.count, audit: database.statements.audit }));
    return;
  }
  // Counted until the handler ends the response (it does, even for a client that hung up).
  inFlight += 1;
  const end = res.end.bind(res);
  res.end = ((...args: Parameters<typeof res.end>) => {
    inFlight -= 1;
    return end(...args);
  }) as typeof res.end;
  app.handle(req, res);
});
let inFlight = 0;
server.listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => {
  server.closeIdleConnections();
  server.close(async () => {
    // The load generator may have hung up on requests that are still running: let them finish.
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
    void app
      .stop()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
});
