import { spawn, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import postgres from "postgres";
import { loadExamples } from "../tests/helpers/examples.js";

/**
 * `npm run bench`: against PostgreSQL with the city tier (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/xg_bench; load it first with
 * `DATABASE_URL=… npm run seed -- --tier city --reset`). Each scenario runs on the compiled
 * executor and on plain graphql-js side by side, printing req/s, latency and statements/request.
 */
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/xg_bench";
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);

interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

const examples = new Map(loadExamples().map((e) => [e.name, e.query]));
const scenarios: Scenario[] = [
  {
    name: "officer page of 50 households",
    query: examples.get("officer-households-page")!,
    variables: { regionCode: "431221" },
  },
  { name: "village overview with counts", query: examples.get("village-overview")! },
  { name: "integrator page of 1,000 households", query: examples.get("integrator-households")! },
];

async function startServer(execution: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/server.ts", execution, String(port)], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

async function post(port: number, scenario: Scenario) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`${scenario.name}: ${JSON.stringify(body.errors).slice(0, 500)}`);
}

async function statementsPerRequest(port: number, scenario: Scenario): Promise<number> {
  const read = async () => Number(await (await fetch(`http://127.0.0.1:${port}/__statements`)).json());
  await post(port, scenario); // warm: compile and plan once
  const before = await read();
  await post(port, scenario);
  return (await read()) - before;
}

async function load(port: number, scenario: Scenario) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function main() {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM households`;
  const n = row?.n ?? 0;
  await sql.end();
  if (n < 100_000) throw new Error(`${url} holds ${n} households: load the city tier first (see bench/run.ts).`);
  console.log(`city tier: ${n} households; ${connections} connections, ${duration}s per run\n`);

  const servers = { jit: await startServer("jit", 4101), "graphql-js": await startServer("graphql-js", 4102) };
  const ports = { jit: 4101, "graphql-js": 4102 } as const;
  const rows: string[] = [];
  try {
    for (const scenario of scenarios) {
      const figures: Record<string, Awaited<ReturnType<typeof load>> & { statements: number }> = {};
      for (const mode of ["jit", "graphql-js"] as const) {
        const statements = await statementsPerRequest(ports[mode], scenario);
        figures[mode] = { ...(await load(ports[mode], scenario)), statements };
      }
      const ratio = figures.jit!.rps / figures["graphql-js"]!.rps;
      for (const mode of ["jit", "graphql-js"] as const) {
        const f = figures[mode]!;
        rows.push(
          `| ${scenario.name} | ${mode} | ${f.rps.toFixed(1)} | ${f.p50} | ${f.p99} | ${f.statements} | ${f.errors} | ${mode === "jit" ? `${ratio.toFixed(2)}×` : "1.00×"} |`,
        );
      }
    }
  } finally {
    for (const child of Object.values(servers)) child.kill("SIGTERM");
  }
  console.log("| scenario | execution | req/s | p50 ms | p99 ms | statements/request | errors | vs graphql-js |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
