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
import { TIERS, type Tier } from "./plan.js";
import { DEFAULT_SEED, isEmpty, seedDatabase } from "./index.js";

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
const config = loadConfig();
const database = await openConfiguredDatabase(config);
const target = describeDatabase(config);

try {
  if (opts.reset) {
    process.stderr.write(`Resetting ${target} …\n`);
    await database.rows(sql.raw("DROP SCHEMA IF EXISTS drizzle CASCADE"));
    await database.rows(sql.raw("DROP SCHEMA IF EXISTS public CASCADE"));
    await database.rows(sql.raw("CREATE SCHEMA public"));
  }
  await migrate(database);
  if (!(await isEmpty(database))) {
    process.stderr.write(`Refusing to seed: ${target} already holds data. Re-run with --reset to replace it.\n`);
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
    const result = await seedDatabase(database, {
      tier: opts.tier,
      seed: opts.seed,
      onProgress: (p) => {
        if (!bar) return;
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
} finally {
  await database.close();
}
