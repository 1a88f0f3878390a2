import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { loadConfig } from "../src/config.js";
import { openConfiguredDatabase } from "../src/db/open.js";
import { migrate } from "../src/db/migrate.js";
import { screenEverything } from "../src/modules/screening/screening.schedule.js";
import { toGlobalId } from "../src/shared/global-id.js";

/**
 * Cross-department screening and income writes at the city tier. Both WRITE (alerts, incomes), so
 * they run on a copy of the benchmark database, never on it: BENCH_SCREENING_DATABASE_URL, e.g.
 * `createdb -T xg_bench xg_copy` and drop it afterwards.
 *   screening  a run over every household (first run: raises; second run: finds the same, raises
 *              nothing): households screened per second, statements per run, alerts raised;
 *   incomes    BENCH_BATCHES (default 4) batches of 5,000 recordHouseholdIncome records through the
 *              API (engine, history, the income rules): records/s, statements per batch.
 */
interface Deps {
  startServer: (
    port: number,
    execution: string,
    access?: string,
    env?: Record<string, string>,
    databaseUrl?: string,
  ) => Promise<ChildProcess>;
  registry: Record<string, string>;
}

const BATCH = 5000;
const batches = Number(process.env.BENCH_BATCHES ?? 4);
const PORT = 4122;

const INCOMES = `mutation($input: RecordHouseholdIncomeBatchInput!) { recordHouseholdIncomeBatch(input: $input) { applied unchanged rejected } }`;

export async function screeningSuite(deps: Deps): Promise<void> {
  const url = process.env.BENCH_SCREENING_DATABASE_URL;
  if (!url) throw new Error("set BENCH_SCREENING_DATABASE_URL to a copy of the benchmark database: this suite writes");
  const config = loadConfig({ ...process.env, DATABASE_URL: url, AUTO_SEED: "none", LOG_LEVEL: "error" });
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  const runs: string[] = [];
  try {
    for (const label of ["first run", "second run (nothing new)"]) {
      const before = database.statements.count;
      const started = performance.now();
      const result = await screenEverything(database, config, "bench");
      const ms = performance.now() - started;
      const perRule = result.rules.map((r) => `${r.rule} ${r.found}/${r.raised}`).join(", ");
      runs.push(
        `| ${label} | ${result.householdsScreened} | ${ms.toFixed(0)} | ${((result.householdsScreened / ms) * 1000).toFixed(0)} | ${database.statements.count - before} | ${result.alertsRaised} | ${perRule} |`,
      );
    }
  } finally {
    await database.close();
  }
  console.log("## Screening (city tier, every household, PostgreSQL)\n");
  console.log("| run | households | ms | households/s | statements | alerts raised | per rule found/raised |");
  console.log("|---|---|---|---|---|---|---|");
  for (const row of runs) console.log(row);
  console.log("");

  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const households = await sql<{ id: number; version: number; persons: number; pc: string }[]>`
    SELECT h.id, h.version, greatest(1, (SELECT count(*) FROM members m WHERE m.household_id = h.id))::int AS persons,
           coalesce((SELECT i.per_capita_net_income FROM household_incomes i WHERE i.household_id = h.id
                     ORDER BY i.year DESC LIMIT 1), 8000) AS pc
    FROM households h ORDER BY h.id LIMIT ${BATCH * batches}`;
  const [alertsBefore] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM risk_alerts`;
  const server = await deps.startServer(PORT, "jit", "document", {}, url);
  const stamp = Date.now().toString(36);
  const statements = async () =>
    ((await (await fetch(`http://127.0.0.1:${PORT}/__statements`)).json()) as { data: number }).data;
  const times: number[] = [];
  let applied = 0;
  let perBatch = 0;
  try {
    for (let b = 0; b < batches; b += 1) {
      const records = households.slice(b * BATCH, (b + 1) * BATCH).map((h, i) => {
        // Mostly a little growth; every seventh household a sharp drop (the rules have work to do).
        const pc = Number(h.pc) * (i % 7 === 0 ? 0.5 : 1.05);
        return {
          householdId: toGlobalId("Household", h.id),
          version: h.version,
          year: 2024,
          wages: Math.round(pc * h.persons * 0.7),
          production: Math.round(pc * h.persons * 0.2),
          property: 0,
          transfer: Math.round(pc * h.persons * 0.1),
          productionCosts: 0,
          persons: h.persons,
          verifiedBy: "村两委核实小组",
          verifiedOn: "2025-01-15",
          reason: "2024年度收入核实",
        };
      });
      const before = await statements();
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...deps.registry },
        body: JSON.stringify({
          query: INCOMES,
          variables: { input: { records, idempotencyKey: `bench-${stamp}-${b}` } },
        }),
      });
      const body = (await response.json()) as {
        data?: { recordHouseholdIncomeBatch: { applied: number } };
        errors?: unknown[];
      };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
      times.push(performance.now() - started);
      perBatch = (await statements()) - before;
      applied += body.data!.recordHouseholdIncomeBatch.applied;
    }
  } finally {
    server.kill("SIGTERM");
  }
  const [alertsAfter] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM risk_alerts`;
  await sql.end();
  const total = times.reduce((a, t) => a + t, 0);
  const sorted = [...times].sort((a, b) => a - b);
  console.log("## Income batch writes (recordHouseholdIncomeBatch, city tier)\n");
  console.log("| batches | records applied | records/s | p50 batch ms | statements per batch | alerts raised |");
  console.log("|---|---|---|---|---|---|");
  console.log(
    `| ${batches} × ${BATCH} | ${applied} | ${((applied / total) * 1000).toFixed(0)} | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} | ${perBatch} | ${alertsAfter!.n - alertsBefore!.n} |\n`,
  );
}
