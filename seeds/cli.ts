/**
 * `npm run seed -- --tier city [--seed 42] [--reset]`: migrates, then loads a generated tier into
 * DATABASE_URL (PostgreSQL) or the PGlite folder PGLITE_DIR. Refuses a non-empty database unless
 * --reset, which drops and recreates the public and drizzle schemas (household_events refuses
 * TRUNCATE and DELETE by design) before migrating again.
 */
import { SingleBar, Presets } from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config.js";
import { describeDatabase, openConfiguredDatabase } from "../src/db/open.js";
import { migrate } from "../src/db/migrate.js";
import { exitWithFailure, failureSentence, UserFacingError } from "../src/shared/fatal.js";
import { TIERS, type Tier } from "./plan.js";
import { DEFAULT_SEED, isEmpty, repairCommand, seedDatabase, unfinishedSeed } from "./index.js";

const program = new Command()
  .name("seed")
  .description("Load deterministic seed data (demo, city or province tier).")
  .option(
    "--tier <tier>",
    `one of ${TIERS.join(", ")}`,
    (v) => {
      if (!(TIERS as readonly string[]).includes(v))
        throw new InvalidArgumentError(`expected one of ${TIERS.join(", ")}`);
      return v;
    },
    "demo",
  )
  .option(
    "--seed <n>",
    "random seed",
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
      return n;
    },
    DEFAULT_SEED,
  )
  .option("--reset", "drop everything (public and drizzle schemas) and migrate again before loading", false)
  .parse();

const opts = program.opts<{ tier: Tier; seed: number; reset: boolean }>();
let config;
try {
  config = loadConfig();
} catch (error) {
  exitWithFailure(error, "Cannot seed");
}
const target = describeDatabase(config);
const database = await openConfiguredDatabase(config).catch((error: unknown) =>
  exitWithFailure(error, "Cannot seed", target),
);

// Ctrl-C or a kill: stop between two batches and close the database properly (PGlite's folder
// survives only a clean close). What was loaded stays, marked unfinished: `npm start` refuses it.
const interrupt = new AbortController();
/** Whether rows may have been written: a failure after that leaves a marked, partial load. */
let loading = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping after the current batch …\n`);
    interrupt.abort(new UserFacingError(signal));
  });
}

try {
  if (opts.reset) {
    process.stderr.write(`Resetting ${target} …\n`);
    await database.rows(sql.raw("DROP SCHEMA IF EXISTS drizzle CASCADE"));
    await database.rows(sql.raw("DROP SCHEMA IF EXISTS public CASCADE"));
    await database.rows(sql.raw("CREATE SCHEMA public"));
  }
  await migrate(database);
  const unfinished = await unfinishedSeed(database);
  if (unfinished) {
    process.stderr.write(
      `Refusing to seed: ${target} holds an unfinished load of tier ${unfinished.tier} (started ${unfinished.startedAt}). Replace it with: ${repairCommand(unfinished)}\n`,
    );
    process.exitCode = 1;
  } else if (!(await isEmpty(database))) {
    process.stderr.write(
      `Refusing to seed: ${target} already holds data. Replace it with: npm run seed -- --tier ${opts.tier} --reset\n`,
    );
    process.exitCode = 1;
  } else {
    const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
    const bar = interactive
      ? new SingleBar(
          {
            format: "{bar} {value}/{total} scopes | {scope} {table} | {rows} rows",
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : null;
    let started = false;
    loading = true;
    const result = await seedDatabase(database, {
      tier: opts.tier,
      seed: opts.seed,
      signal: interrupt.signal,
      onProgress: (p) => {
        if (!bar) {
          // Without a terminal (CI, a log file): one line per table written.
          process.stderr.write(
            `[${p.scopeIndex}/${p.scopes}] ${p.scope} ${p.table}: ${p.rows.toLocaleString("en-US")} rows (${p.totalRows.toLocaleString("en-US")} in all)\n`,
          );
          return;
        }
        if (!started) {
          bar.start(p.scopes, 0, { scope: "", table: "", rows: 0 });
          started = true;
        }
        bar.update(p.scopeIndex - 1, { scope: p.scope, table: p.table, rows: p.totalRows.toLocaleString("en-US") });
      },
    });
    if (bar) {
      bar.update(bar.getTotal(), { scope: "done", table: "" });
      bar.stop();
    }
    const width = Math.max(...Object.keys(result.counts).map((t) => t.length));
    let total = 0;
    for (const [table, n] of Object.entries(result.counts)) {
      total += n;
      process.stdout.write(`${table.padEnd(width)}  ${n.toLocaleString("en-US").padStart(10)}\n`);
    }
    process.stdout.write(`${"total".padEnd(width)}  ${total.toLocaleString("en-US").padStart(10)}\n`);
    process.stdout.write(
      `Seeded tier ${opts.tier} (seed ${opts.seed}) into ${target} in ${(result.ms / 1000).toFixed(1)} s\n`,
    );
  }
} catch (error) {
  await database.close().catch(() => {});
  const again = `npm run seed -- --tier ${opts.tier}${opts.seed === DEFAULT_SEED ? "" : ` --seed ${opts.seed}`} --reset`;
  if (interrupt.signal.aborted && loading) {
    process.stderr.write(
      `Seeding interrupted: ${target} holds a partial load, marked unfinished (npm start refuses it). Replace it with: ${again}\n`,
    );
    process.exit(130);
  }
  if (!loading) exitWithFailure(error, "Seeding failed", target);
  // A load cut short by a failure is marked unfinished like an interrupted one.
  exitWithFailure(
    new UserFacingError(`${failureSentence(error, "Seeding failed", target)} To start over: ${again}`, {
      cause: error,
    }),
    "Seeding failed",
  );
}
await database.close();
