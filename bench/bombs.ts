import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { BOMBS } from "../tests/helpers/bombs.js";

/**
 * Each bomb of tests/helpers/bombs.ts fired at a server of its own (bench/server.ts), `volley`
 * copies at once, `rounds` times, unauthenticated and as an officer, while /health is asked every
 * 10 ms. Printed per bomb: the server's resident memory before, at its peak (sampled every 10 ms
 * from /proc) and after, /health latency (p50/p99) idle before and during, and the answers' codes.
 * BENCH_BOMBS_LIMITS=off starts the server with every bound lifted (and its heap capped at
 * BENCH_BOMBS_HEAP_MB, 1024): the state before the bounds, to compare; run it with care.
 */
export interface BombsDeps {
  startServer(port: number, execution: string, access?: string, env?: Record<string, string>): Promise<ChildProcess>;
  officer: Record<string, string>;
}

const PORT = 4102;
const volley = Number(process.env.BENCH_BOMBS_VOLLEY ?? 20);
const rounds = Number(process.env.BENCH_BOMBS_ROUNDS ?? 5);
const unbounded = process.env.BENCH_BOMBS_LIMITS === "off";
const LIFTED = {
  MAX_TOKENS: "10000000",
  MAX_DEPTH: "1000",
  MAX_ALIASES: "100000",
  MAX_ROOT_FIELDS: "100000",
  MAX_DIRECTIVES: "100000",
  COST_LIMIT_PUBLIC: "1000000000000",
  COST_LIMIT_OFFICER: "1000000000000",
  COST_LIMIT_INTEGRATOR: "1000000000000",
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** Asks /health every 10 ms until stopped; each answer's latency (a request that never answers counts when stopped). */
function watchHealth(port: number) {
  const latencies: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(60_000) });
        await res.text();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      latencies.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { latencies, failures };
    },
  };
}

function watchRss(pid: number) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone: its peak is what was seen.
    }
  }, 10);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

export async function bombsSuite(deps: BombsDeps) {
  const env: Record<string, string> = unbounded
    ? { ...LIFTED, NODE_OPTIONS: `--max-old-space-size=${process.env.BENCH_BOMBS_HEAP_MB ?? 1024}` }
    : {};
  const child = await deps.startServer(PORT, "jit", "document", env);
  const pid = child.pid!;
  const rows: string[] = [];
  try {
    const idle = watchHealth(PORT);
    await new Promise((r) => setTimeout(r, 2000));
    const baseline = await idle.stop();
    rows.push(
      `| (idle, before) | – | ${rssMb(pid).toFixed(0)} | – | – | ${percentile(baseline.latencies, 50).toFixed(1)} / ${percentile(baseline.latencies, 99).toFixed(1)} | – | – |`,
    );
    for (const [name, bomb] of Object.entries(BOMBS)) {
      for (const [who, headers] of [
        ["anonymous", {}],
        ["officer", deps.officer],
      ] as const) {
        if (child.exitCode !== null) break;
        const before = rssMb(pid);
        const peak = watchRss(pid);
        const health = watchHealth(PORT);
        const codes = new Map<string, number>();
        const started = performance.now();
        for (let round = 0; round < rounds; round++) {
          await Promise.all(
            Array.from({ length: volley }, async () => {
              let code: string;
              try {
                const res = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
                  method: "POST",
                  headers: { "content-type": "application/json", ...headers },
                  body: JSON.stringify({ query: bomb.query, variables: bomb.variables }),
                  signal: AbortSignal.timeout(120_000),
                });
                const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
                code = body.errors?.[0]?.extensions?.code ?? `data (${res.status})`;
              } catch (error) {
                code = (error as Error).name;
              }
              codes.set(code, (codes.get(code) ?? 0) + 1);
            }),
          );
        }
        const seconds = (performance.now() - started) / 1000;
        const { latencies, failures } = await health.stop();
        const peakMb = peak();
        const after = child.exitCode === null ? rssMb(pid).toFixed(0) : `died (${child.exitCode ?? child.signalCode})`;
        rows.push(
          `| ${name} | ${who} | ${before.toFixed(0)} | ${peakMb.toFixed(0)} | ${after} | ${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} (${latencies.length} asked${failures ? `, ${failures} failed` : ""}) | ${seconds.toFixed(1)} | ${[...codes].map(([c, n]) => `${c}×${n}`).join(", ")} |`,
        );
      }
    }
  } finally {
    child.kill("SIGTERM");
  }
  console.log(
    `## Bombs (${unbounded ? "bounds LIFTED: the state before" : "bounds on"}): ${volley} at once × ${rounds} rounds per bomb and caller\n`,
  );
  console.log(
    "| bomb | caller | RSS before MB | RSS peak MB | RSS after MB | /health p50 / p99 ms | seconds | answers |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log("");
}
