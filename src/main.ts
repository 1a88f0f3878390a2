import "reflect-metadata";
import { createServer } from "node:http";
import { isEmpty, repairCommand, seedDatabase, unfinishedSeed } from "../seeds/index.js";
import { loadAuditKeys, type AuditKeys } from "./access/audit-keys.js";
import { createApp } from "./app.js";
import { isLoopback, loadConfig, usesDevelopmentSecret, type Config } from "./config.js";
import { describeDatabase, openConfiguredDatabase } from "./db/open.js";
import { migrate } from "./db/migrate.js";
import { ensureBundle } from "./graphiql/bundle.js";
import { startScreeningSchedule } from "./modules/screening/screening.schedule.js";
import { forLog } from "./shared/error-masking.js";
import { exitWithFailure, UserFacingError } from "./shared/fatal.js";
import { log, setLogLevel } from "./shared/log.js";

const SAMPLE_QUERY = `{ villages(first: 3, filter: { regionCode: "431221" }) { totalCount nodes { name povertyStatus township { name } } } }`;

/** Where the database is, once known: named in a failure's sentence. */
let where: string | undefined;

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
  const auditKeys = loadAuditKeys(config);
  warnAboutDevelopmentCredentials(config, auditKeys);
  where = describeDatabase(config);
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  // A seed load that never finished: its data is partial, and serving it would answer wrongly.
  const unfinished = await unfinishedSeed(database);
  if (unfinished) {
    await database.close();
    throw new UserFacingError(
      `Refusing to serve ${where}: it holds an unfinished seed load (tier ${unfinished.tier}, started ${unfinished.startedAt}, interrupted before the end). Replace it with: ${repairCommand(unfinished)}`,
    );
  }
  if (config.AUTO_SEED === "demo" && (await isEmpty(database))) {
    log("info", "empty database: loading the demo tier", { where });
    const { counts, ms } = await seedDatabase(database, { tier: "demo" });
    log("info", "demo tier loaded", { ms, households: counts.households, members: counts.members });
  }
  const app = await createApp(config, database, { auditKeys });
  const server = createServer(app.handle);
  // Listening first: a port in use fails here, before WebSocket handlers are attached to the server.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await app.stop().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  });
  const stopScreening = startScreeningSchedule(database, config);
  app.serveSubscriptions(server);
  // The signal handlers before the announcement: a supervisor may stop the server as soon as it reads
  // it, and a SIGTERM that came before them would kill the process with PGlite mid-write.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    stopScreening();
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

  const url = `http://localhost:${config.PORT}/graphql`;
  process.stdout.write(
    `Xiangcun Graph is serving GraphQL at ${url} on ${where}\n` +
      `Query page (GraphiQL): http://localhost:${config.PORT}/\n` +
      `Try:\n  curl -s ${url} -H 'content-type: application/json' \\\n` +
      `    -d '${JSON.stringify({ query: SAMPLE_QUERY })}'\n`,
  );
  // Built when missing or stale, once GraphQL is served: neither waits for the other.
  void ensureBundle((level, message, fields) => log(level, message, fields));
}

/** Loud, on stderr whatever LOG_LEVEL says: credentials anyone can read are no credentials. */
function warnAboutDevelopmentCredentials(config: Config, keys: AuditKeys): void {
  const lines: string[] = [];
  if (usesDevelopmentSecret(config)) {
    lines.push(
      isLoopback(config.HOST)
        ? "Bearer tokens are verified with the DEVELOPMENT SECRET printed in src/config.ts: anyone on this machine can mint one. Set JWT_SECRET (or JWT_PUBLIC_KEY_FILE / JWKS_FILE)."
        : `No JWT_SECRET and HOST=${config.HOST} is not loopback: ALL BEARER TOKENS ARE REFUSED (the development secret is public). Set JWT_SECRET (or JWT_PUBLIC_KEY_FILE / JWKS_FILE).`,
    );
  }
  if (keys.generated.length) {
    lines.push(
      `The read audit uses keys GENERATED FOR DEVELOPMENT (${keys.generated.join(", ")}): whoever can read them can rewrite the audit. Configure AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY_FILE, kept away from the database.`,
    );
  }
  if (!lines.length) return;
  const bar = "!".repeat(100);
  process.stderr.write(`${bar}\n${lines.map((l) => `!! WARNING: ${l}`).join("\n")}\n${bar}\n`);
}

main().catch((error: unknown) => exitWithFailure(error, "Xiangcun Graph cannot start", where));
