import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import postgres from "postgres";
import { signToken } from "../src/access/token.js";
import { bombsSuite } from "./bombs.js";
import { exportSuite } from "./export.js";
import { changesSuite } from "./changes.js";
import { planSuite } from "./plan.js";
import { serverNodeFlags } from "./node-flags.js";
import { screeningSuite } from "./screening.js";
import { writesSuite } from "./writes.js";
import { loadConfig } from "../src/config.js";
import { loadExamples } from "../tests/helpers/examples.js";

/**
 * `npm run bench`: against PostgreSQL with the city tier (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/xg_bench; load it first with
 * `DATABASE_URL=… npm run seed -- --tier city --reset`). Two suites, each side by side in one run:
 *   execution    the example operations on the compiled executor and on plain graphql-js;
 *   permissions  a 200-household page with members with the policy off, on (registry owner and
 *                health), and on with graphql-shield wrapping every resolver (the "before");
 *   writes       batch writes: 5,000-record batches of schooling and of insurance updates
 *                (records/s, statements per batch), beside the same records as single mutations;
 *   bombs        each kind of bomb (tests/helpers/bombs.ts) fired at a server: its peak memory and
 *                /health latency meanwhile (bench/bombs.ts);
 *   plan         the read path: compiled plans vs the reference field resolvers (READ_PATH), side by
 *                side in interleaved rounds — issue 10's five scenarios (req/s, p99, data and audit
 *                statements per request, API CPU per request, plan ÷ resolvers), the walk of every
 *                household by pages of 1,000 and the server's RSS under concurrent 1,000-household
 *                pages (bench/plan.ts; the audit appends entries, so a copy of the tier is kinder);
 *   screening    a cross-department screening run over every household, and income batch writes
 *                (bench/screening.ts; writes, so only on a copy: BENCH_SCREENING_DATABASE_URL).
 *   export       POST /export of every household with its members beside COPY of the same JSON, and
 *                peak RSS exporting all members vs 10,000 (bench/export.ts; on a copy: BENCH_EXPORT_DATABASE_URL).
 *   changes      the change feed: capture cost on batch writes, lag from commit to the feed, changes/s
 *                read (bench/changes.ts; writes, so only on a copy: BENCH_CHANGES_DATABASE_URL).
 * BENCH_SUITE=execution|permissions|writes|bombs|plan|screening|export|changes runs one (screening, export and changes only when named); BENCH_SECONDS and BENCH_CONNECTIONS tune the load.
 */
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/xg_bench";
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const suite = process.env.BENCH_SUITE ?? "all";
// A secret of the run, shared with the server it starts: the development secret cannot grant region "".
const jwtSecret = randomBytes(24).toString("hex");
const config = loadConfig({ NODE_ENV: "development", JWT_SECRET: jwtSecret });

interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statements: number;
  audit: number;
}

const examples = new Map(loadExamples().map((e) => [e.name, e.query]));

/** BENCH_PORTS=first-last: the ports servers asked to take any port (0) take instead, in turn. */
const [firstPort, lastPort] = (process.env.BENCH_PORTS ?? "").split("-").map(Number);
let nextPort = firstPort;

export async function startServer(
  port: number,
  execution: string,
  access = "document",
  env: Record<string, string> = {},
  databaseUrl = url,
): Promise<ChildProcess & { port: number }> {
  if (port === 0 && firstPort && lastPort) {
    port = nextPort!;
    nextPort = nextPort! >= lastPort ? firstPort : nextPort! + 1;
  }
  const child = spawn(
    process.execPath,
    [...serverNodeFlags, "--import", "tsx", "bench/server.ts", execution, String(port), access],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  // The server says `ready <port>`: the port it listens on (the one asked for, or a free one for 0).
  const listening = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const ready = /ready(?: (\d+))?/.exec(d.toString());
      if (ready) resolve(Number(ready[1] ?? port));
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return Object.assign(child, { port: listening });
}

function requestOf(scenario: Scenario) {
  return {
    method: "POST" as const,
    headers: { "content-type": "application/json", ...scenario.headers },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
  };
}

async function post(port: number, scenario: Scenario) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, requestOf(scenario));
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`${scenario.name}: ${JSON.stringify(body.errors).slice(0, 500)}`);
}

async function measure(port: number, scenario: Scenario): Promise<Figures> {
  const read = async () =>
    (await (await fetch(`http://127.0.0.1:${port}/__statements`)).json()) as { data: number; audit: number };
  await post(port, scenario); // warm: compile and plan once
  const before = await read();
  await post(port, scenario);
  const after = await read();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    ...requestOf(scenario),
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    statements: after.data - before.data,
    audit: after.audit - before.audit,
  };
}

function table(rows: { scenario: string; variant: string; f: Figures; ratio: number }[]) {
  console.log(
    "| scenario | variant | req/s | p50 ms | p99 ms | statements/request | audit statements | errors | ratio |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const { scenario, variant, f, ratio } of rows) {
    console.log(
      `| ${scenario} | ${variant} | ${f.rps.toFixed(1)} | ${f.p50} | ${f.p99} | ${f.statements} | ${f.audit} | ${f.errors} | ${ratio.toFixed(2)}× |`,
    );
  }
  console.log("");
}

async function executionSuite(registry: Record<string, string>) {
  const scenarios: Scenario[] = [
    { name: "officer page of 50 households", query: examples.get("officer-households-page")!, headers: registry },
    { name: "village overview with counts", query: examples.get("village-overview")!, headers: registry },
    { name: "integrator page of 1,000 households", query: examples.get("integrator-households")!, headers: registry },
  ];
  const servers = [await startServer(4101, "jit"), await startServer(4102, "graphql-js")];
  const rows = [];
  try {
    for (const scenario of scenarios) {
      const jit = await measure(4101, scenario);
      const js = await measure(4102, scenario);
      rows.push({ scenario: scenario.name, variant: "graphql-jit (production)", f: jit, ratio: jit.rps / js.rps });
      rows.push({ scenario: scenario.name, variant: "graphql-js", f: js, ratio: 1 });
    }
  } finally {
    for (const child of servers) child.kill("SIGTERM");
  }
  console.log("## Execution: compiled vs graphql-js (registry owner, policy on)\n");
  table(rows);
}

async function permissionsSuite(registry: Record<string, string>, health: Record<string, string>) {
  const query = `query Page200 { households(first: 200) { nodes { householdNumber status village { name }
    members { name gender birthDate idNumber healthStatus hasBasicMedicalInsurance } } } }`;
  const servers = [
    await startServer(4111, "jit", "off"),
    await startServer(4112, "jit", "document"),
    await startServer(4113, "jit", "middleware"),
  ];
  const rows = [];
  try {
    const off = await measure(4111, { name: "off", query, headers: registry });
    const onRegistry = await measure(4112, { name: "on", query, headers: registry });
    const onHealth = await measure(4112, { name: "on", query, headers: health });
    const shieldHealth = await measure(4113, { name: "shield", query, headers: health });
    const name = "200 households with members";
    rows.push({ scenario: name, variant: "permissions off", f: off, ratio: 1 });
    rows.push({ scenario: name, variant: "on, RURAL_REVITALIZATION", f: onRegistry, ratio: onRegistry.rps / off.rps });
    rows.push({
      scenario: name,
      variant: "on, HEALTH (rules once per operation)",
      f: onHealth,
      ratio: onHealth.rps / off.rps,
    });
    rows.push({
      scenario: name,
      variant: "on, HEALTH (shield wrapping every field)",
      f: shieldHealth,
      ratio: shieldHealth.rps / off.rps,
    });
  } finally {
    for (const child of servers) child.kill("SIGTERM");
  }
  console.log("## Permissions: cost of enforcement (ratio = req/s vs permissions off)\n");
  table(rows);
}

async function main() {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM households`;
  await sql.end();
  const n = row?.n ?? 0;
  if (n < 100_000) throw new Error(`${url} holds ${n} households: load the city tier first (see bench/run.ts).`);
  console.log(`city tier: ${n} households; ${connections} connections, ${duration}s per run\n`);
  const headers = async (department: string) => ({
    authorization: `Bearer ${await signToken(config, { sub: `bench-${department}`, department, region: "" }, "2h")}`,
    "x-purpose": "MONITORING: benchmark",
  });
  const registry = await headers("RURAL_REVITALIZATION");
  const health = await headers("HEALTH");
  if (suite === "all" || suite === "execution") await executionSuite(registry);
  if (suite === "all" || suite === "permissions") await permissionsSuite(registry, health);
  if (suite === "all" || suite === "writes") {
    await writesSuite({ url, startServer, education: await headers("EDUCATION"), health });
  }
  if (suite === "all" || suite === "bombs") await bombsSuite({ startServer, officer: registry });
  if (suite === "all" || suite === "plan") {
    await planSuite({ startServer, registry, url, duration, connections }, examples.get("village-overview")!);
  }
  // It writes: only on the copy named by BENCH_SCREENING_DATABASE_URL, and only when asked for.
  if (suite === "screening") await screeningSuite({ startServer, registry });
  // It writes an audit entry per export: only on the copy (BENCH_EXPORT_DATABASE_URL), only when asked for.
  if (suite === "export") await exportSuite({ url, startServer, registry });
  // It writes too: only on the copy named by BENCH_CHANGES_DATABASE_URL, and only when asked for.
  if (suite === "changes") await changesSuite({ startServer, registry, education: await headers("EDUCATION") });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
