import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { signToken } from "../src/access/token.js";
import { loadConfig } from "../src/config.js";
import { loadExamples } from "../src/graphiql/examples.js";

const url = "postgres://postgres@127.0.0.1:5432/xg_bench_plan";
const jwtSecret = "b".repeat(48);
const config = loadConfig({ JWT_SECRET: jwtSecret, NODE_ENV: "development" });
const token = await signToken(config, { sub: "bench", department: "RURAL_REVITALIZATION", region: "", name: "bench" });
const headers = { "content-type": "application/json", authorization: `Bearer ${token}`, "x-purpose": "MONITORING: benchmark" };
const examples = new Map(loadExamples().map((e) => [e.name, e.query]));
const duration = Number(process.env.DURATION ?? 15);

function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10; // ms (100 Hz ticks)
}
async function start(readPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/scratch-server.ts", "jit", "4110", "document"], {
    env: { ...process.env, DATABASE_URL: url, JWT_SECRET: jwtSecret, READ_PATH: readPath },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}
async function stop(child: ChildProcess) {
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
}
for (const round of [1, 2]) {
  for (const scenario of ["officer-households-page", "integrator-households"]) {
    for (const readPath of ["plan", "resolvers"]) {
      const child = await start(readPath);
      const body = JSON.stringify({ query: examples.get(scenario) });
      const stmts = async () => (await (await fetch("http://127.0.0.1:4110/__statements")).json()) as { data: number; audit: number };
      for (let i = 0; i < 20; i++) {
        const r = (await (await fetch("http://127.0.0.1:4110/graphql", { method: "POST", headers, body })).json()) as { errors?: unknown };
        if (r.errors) throw new Error(JSON.stringify(r.errors));
      }
      const s0 = await stmts();
      await fetch("http://127.0.0.1:4110/graphql", { method: "POST", headers, body });
      const s1 = await stmts();
      const cpu0 = cpuOf(child.pid!);
      const result = await autocannon({ url: "http://127.0.0.1:4110/graphql", method: "POST", headers, body, connections: 8, duration });
      const cpu1 = cpuOf(child.pid!);
      const n = result.requests.total;
      console.log(
        `| ${round} | ${scenario} | ${readPath} | ${result.requests.average.toFixed(1)} | ${result.latency.p99} | ${s1.data - s0.data} | ${s1.audit - s0.audit} | ${((cpu1 - cpu0) / n).toFixed(2)} | ${result.errors + result.non2xx} |`,
      );
      await stop(child);
    }
  }
}
