import "reflect-metadata";
import { createServer } from "node:http";
import { isEmpty, seedDatabase } from "../seeds/index.js";
import { createApp } from "./app.js";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { migrate } from "./db/migrate.js";
import { forLog } from "./shared/error-masking.js";
import { log, setLogLevel } from "./shared/log.js";

const SAMPLE_QUERY = `{ villages(first: 3, filter: { regionCode: "431221" }) { totalCount nodes { name povertyStatus township { name } } } }`;

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.LOG_LEVEL);
  // A rejection nobody handled is a bug to fix, not a reason to drop every request in flight.
  process.on("unhandledRejection", (reason) =>
    log("error", "unhandled promise rejection", {
      error: forLog(String(reason)),
      stack: forLog((reason as Error | undefined)?.stack ?? ""),
    }),
  );
  const database = await openDatabase(
    config.DATABASE_URL
      ? { url: config.DATABASE_URL, statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS }
      : { dataDir: config.PGLITE_DIR },
  );
  const where = config.DATABASE_URL ? "PostgreSQL" : `embedded PGlite (${config.PGLITE_DIR})`;
  await migrate(database);
  if (config.AUTO_SEED === "demo" && (await isEmpty(database))) {
    log("info", "empty database: loading the demo tier", { where });
    const { counts, ms } = await seedDatabase(database, { tier: "demo" });
    log("info", "demo tier loaded", { ms, households: counts.households, members: counts.members });
  }
  const app = await createApp(config, database);
  const server = createServer(app.handle);
  app.serveSubscriptions(server);
  server.listen(config.PORT, config.HOST, () => {
    const url = `http://localhost:${config.PORT}/graphql`;
    process.stdout.write(
      `Xiangcun Graph is serving GraphQL at ${url} on ${where}\n` +
        `Try:\n  curl -s ${url} -H 'content-type: application/json' \\\n` +
        `    -d '${JSON.stringify({ query: SAMPLE_QUERY })}'\n`,
    );
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    const started = Date.now();
    // Subscriptions first: their open sockets would otherwise hold the HTTP server open.
    await app.stopSubscriptions();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    log("debug", "http server closed", { ms: Date.now() - started });
    await app.stop();
    log("debug", "graphql server stopped", { ms: Date.now() - started });
    // Closing PGlite flushes and releases its data folder: killing it mid-write can corrupt it.
    await database.close();
    log("info", "stopped", { ms: Date.now() - started });
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
