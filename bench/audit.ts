import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import { signToken } from "../src/access/token.js";
import { loadConfig } from "../src/config.js";
import { loadExamples } from "../tests/helpers/examples.js";

/**
 * `tsx bench/audit.ts`: what the read audit costs under load, this checkout beside another one
 * (BENCH_BEFORE_DIR, e.g. an export of main with node_modules linked), in interleaved rounds on one
 * database. The audit WRITES: point BENCH_DATABASE_URL at a copy of the city tier
 * (`createdb -T xg_bench xg_bench_copy`), never at the shared one.
 *
 * For the officer page (RURAL_REVITALIZATION, 8 clients): req/s, p99, audit statements per request
 * amortized over the whole run (the server's own counter, BEGIN/COMMIT not included: drizzle does
 * not see them), group commits per request and entries per commit (xg_audit_batch_entries on
 * /metrics: a commit of the locked transaction is BEGIN, lock, head, INSERT, COMMIT; a one-statement
 * commit is the INSERT alone), data statements per request, and the server's CPU per request.
 */
const url = process.env.BENCH_DATABASE_URL;
if (!url || /\/xg_bench$/.test(url)) throw new Error("BENCH_DATABASE_URL: a copy of the city tier (the audit writes)");
const before = process.env.BENCH_BEFORE_DIR;
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const port = Number(process.env.BENCH_PORT ?? 4130);
const jwtSecret = randomBytes(24).toString("hex");
const config = loadConfig({ NODE_ENV: "development", JWT_SECRET: jwtSecret });

// One set of audit keys for every server of the run, outside both checkouts.
const keysDir = mkdtempSync(join(tmpdir(), "xg-bench-audit-"));
const { privateKey } = generateKeyPairSync("ed25519");
writeFileSync(join(keysDir, "signing.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
const auditEnv = {
  AUDIT_HMAC_KEY: randomBytes(32).toString("hex"),
  AUDIT_SIGNING_KEY_FILE: join(keysDir, "signing.key"),
  AUDIT_CHECKPOINT_DIR: join(keysDir, "checkpoints"),
};

async function startServer(cwd: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/server.ts", "jit", String(port), "document"], {
    cwd,
    env: { ...process.env, DATABASE_URL: url, JWT_SECRET: jwtSecret, ...auditEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((ready, fail) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && ready());
    child.on("exit", (code) => fail(new Error(`server in ${cwd} exited with ${code}`)));
  });
  return child;
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

/** User + system CPU of a process so far, ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Figures {
  rps: number;
  p99: number;
  requests: number;
  errors: number;
  audit: number;
  data: number;
  cpu: number;
  /** Group commits per request, and entries per group commit. */
  flushes: number;
  batch: number;
}

async function measure(cwd: string, query: string, headers: Record<string, string>): Promise<Figures> {
  const child = await startServer(cwd);
  try {
    const counters = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/__statements`)).json()) as { data: number; audit: number };
    const body = JSON.stringify({ query });
    const requestInit = { method: "POST" as const, headers: { "content-type": "application/json", ...headers }, body };
    // Warm: plans compiled, pool opened.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, requestInit);
      const answer = (await res.json()) as { errors?: unknown };
      if (answer.errors) throw new Error(JSON.stringify(answer.errors).slice(0, 500));
    }
    const batches = async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
      return { flushes: value("xg_audit_batch_entries_count"), entries: value("xg_audit_batch_entries_sum") };
    };
    const start = await counters();
    const batchStart = await batches();
    const cpuStart = cpuMs(child.pid!);
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/graphql`,
      ...requestInit,
      connections,
      duration,
    });
    const cpu = cpuMs(child.pid!) - cpuStart;
    const end = await counters();
    const batchEnd = await batches();
    const flushes = batchEnd.flushes - batchStart.flushes;
    const requests = result.requests.total;
    return {
      rps: result.requests.average,
      p99: result.latency.p99,
      requests,
      errors: result.errors + result.non2xx,
      audit: (end.audit - start.audit) / requests,
      data: (end.data - start.data) / requests,
      cpu: cpu / requests,
      flushes: flushes / requests,
      batch: (batchEnd.entries - batchStart.entries) / flushes,
    };
  } finally {
    await stopServer(child);
  }
}

async function main() {
  const query = new Map(loadExamples().map((e) => [e.name, e.query])).get("officer-households-page")!;
  const headers = {
    authorization: `Bearer ${await signToken(config, { sub: "bench-officer", department: "RURAL_REVITALIZATION", region: "" }, "2h")}`,
    "x-purpose": "MONITORING: benchmark",
  };
  const variants: [string, string][] = [
    ...(before ? ([["before", resolve(before)]] as [string, string][]) : []),
    ["after (this checkout)", process.cwd()],
  ];
  console.log(`officer page, RURAL_REVITALIZATION, ${connections} clients, ${duration}s per run, ${rounds} rounds\n`);
  console.log(
    "| round | variant | req/s | p99 ms | requests | errors | audit statements/request (counted) | group commits/request | entries/commit | data statements/request | server CPU ms/request |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [name, dir] of variants) {
        const f = await measure(dir, query, headers);
        console.log(
          `| ${round} | ${name} | ${f.rps.toFixed(1)} | ${f.p99} | ${f.requests} | ${f.errors} | ${f.audit.toFixed(3)} | ${f.flushes.toFixed(3)} | ${f.batch.toFixed(2)} | ${f.data.toFixed(2)} | ${f.cpu.toFixed(2)} |`,
        );
      }
    }
  } finally {
    rmSync(keysDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
