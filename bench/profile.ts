import "reflect-metadata";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { signToken } from "../src/access/token.js";
import { loadConfig } from "../src/config.js";
import { INTEGRATOR, planScenarios } from "./plan.js";
import { serverNodeFlags } from "./node-flags.js";
import { loadExamples } from "../tests/helpers/examples.js";

/**
 * `npx tsx bench/profile.ts`: one API server under `node --cpu-prof`, loaded with one scenario of
 * the read-path suite (bench/plan.ts) for BENCH_SECONDS (10) by BENCH_CONNECTIONS (8) clients as
 * RURAL_REVITALIZATION; then the profile's top functions by self time and the time by where the
 * code lives (a package, or a folder of src/), over the load only and without idle time, and the
 * server's CPU per request.
 *
 * BENCH_DATABASE_URL (default xg_bench; the audit appends entries: prefer a copy),
 * BENCH_PLAN_SCENARIO (a part of a scenario's name; default "officer"; "walk": one client walking
 * the households by pages of 1,000 with cursors for BENCH_SECONDS, as the suite's walk does),
 * READ_PATH (plan | resolvers),
 * BENCH_PLAN_WARM_SECONDS (2: load before the measured one, unmeasured),
 * BENCH_PORTS=first (the server's port; default any), BENCH_PROFILE_DIR (where the .cpuprofile goes),
 * BENCH_PROFILE_TOP (30), BENCH_PROFILE=0 (no profiler: the CPU per request alone).
 */
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/xg_bench";
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const wanted = process.env.BENCH_PLAN_SCENARIO ?? "officer";
const top = Number(process.env.BENCH_PROFILE_TOP ?? 30);
const port = Number((process.env.BENCH_PORTS ?? "0").split("-")[0]);
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "xg-profile-"));
/** BENCH_PROFILE=0: no profiler, only the CPU per request (what the profiler costs left out). */
const profiling = process.env.BENCH_PROFILE !== "0";
const jwtSecret = randomBytes(24).toString("hex");
const config = loadConfig({ NODE_ENV: "development", JWT_SECRET: jwtSecret });
const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Now on the monotonic clock V8's profiles use (µs), shared by every process of the machine. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Where a frame's code lives: a package, a folder of src/, node itself, or V8's own categories. */
function place(frameUrl: string, name: string): string {
  if (!frameUrl) return name.startsWith("(") ? name : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frameUrl);
  if (pkg) return pkg[1]!;
  const src = /\/src\/([^/]+)\//.exec(frameUrl) ?? /\/(src|bench)\/[^/]+$/.exec(frameUrl);
  if (src) return `src/${src[1]}`;
  if (frameUrl.startsWith("node:")) return `node:${frameUrl.slice(5).split("/")[0]}`;
  return frameUrl;
}

/** Self time by function and by place, of the samples taken between `from` and `to` (the load), idle left out. */
function summarise(profile: Profile, from: number, to: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<number, number>();
  const inclusive = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from || at > to || byId.get(id)!.callFrame.functionName === "(idle)") return;
    self.set(id, (self.get(id) ?? 0) + delta);
    const onStack = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const node = byId.get(n)!;
      if (node.callFrame.url.includes("/src/")) onStack.add(label(node));
    }
    for (const l of onStack) inclusive.set(l, (inclusive.get(l) ?? 0) + delta);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const fn = label(node);
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const where = place(f.url, f.functionName);
    places.set(where, (places.get(where) ?? 0) + us);
  }
  const pct = (us: number) => ((us * 100) / total).toFixed(1);
  console.log(`\n| self % | function |\n|---|---|`);
  for (const [fn, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${pct(us)} | ${fn} |`);
  console.log(`\n| total % | function of src/ (with what it calls) |\n|---|---|`);
  for (const [fn, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`| ${pct(us)} | ${fn} |`);
  console.log(`\n| self % | where |\n|---|---|`);
  for (const [where, us] of [...places].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`| ${pct(us)} | ${where} |`);
}

/** One client walking the households by pages (starting again after the last) for `seconds`. */
async function walk(target: string, ask: { method: "POST"; headers: Record<string, string> }, seconds: number) {
  const end = performance.now() + seconds * 1000;
  let after: string | null = null;
  let total = 0;
  while (performance.now() < end) {
    const body = JSON.stringify({ query: INTEGRATOR, variables: { after } });
    const answer = (await (await fetch(target, { ...ask, body })).json()) as {
      data: { households: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    };
    total += 1;
    const info = answer.data.households.pageInfo;
    after = info.hasNextPage ? info.endCursor : null;
  }
  return { requests: { total }, errors: 0, non2xx: 0 };
}

async function main() {
  const walking = wanted === "walk";
  const scenario = walking
    ? { name: "walk of households by pages of 1,000", query: INTEGRATOR, variables: undefined }
    : planScenarios(loadExamples().find((e) => e.name === "village-overview")!.query).find((s) =>
        s.name.includes(wanted),
      );
  if (!scenario) throw new Error(`no scenario named like "${wanted}"`);
  const token = await signToken(
    config,
    { sub: "bench-RURAL_REVITALIZATION", department: "RURAL_REVITALIZATION", region: "" },
    "2h",
  );
  const headers = { authorization: `Bearer ${token}`, "x-purpose": "MONITORING: benchmark" };
  const child = spawn(
    process.execPath,
    [
      ...(profiling ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : []),
      ...serverNodeFlags,
      "--import",
      "tsx",
      "bench/server.ts",
      "jit",
      String(port),
      "document",
    ],
    {
      env: { ...process.env, DATABASE_URL: url, JWT_SECRET: jwtSecret },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const listening = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const ready = /ready (\d+)/.exec(d.toString());
      if (ready) resolve(Number(ready[1]));
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const body = JSON.stringify({ query: scenario.query, variables: scenario.variables });
  const target = `http://127.0.0.1:${listening}/graphql`;
  const ask = { method: "POST" as const, headers: { "content-type": "application/json", ...headers }, body };
  for (let i = 0; i < 20; i++) {
    const answer = (await (await fetch(target, ask)).json()) as { errors?: unknown[] };
    if (answer.errors) throw new Error(JSON.stringify(answer.errors).slice(0, 500));
  }
  // Warmed as bench/plan.ts warms (BENCH_PLAN_WARM_SECONDS, 2): V8's compilation is not the request's cost.
  const warmSeconds = Number(process.env.BENCH_PLAN_WARM_SECONDS ?? 2);
  if (warmSeconds > 0) {
    if (walking) await walk(target, ask, warmSeconds);
    else await autocannon({ url: target, ...ask, connections, duration: warmSeconds, timeout: 120 });
  }
  /** The server's user and system CPU time so far, ms. */
  const cpu = () => {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: (Number(f[11]) * 1000) / ticks, system: (Number(f[12]) * 1000) / ticks };
  };
  const before = cpu();
  const from = monotonicUs();
  const result = walking
    ? await walk(target, ask, seconds)
    : await autocannon({ url: target, ...ask, connections, duration: seconds, timeout: 120 });
  const after = cpu();
  const user = (after.user - before.user) / result.requests.total;
  const system = (after.system - before.system) / result.requests.total;
  const to = monotonicUs();
  console.log(
    `${scenario.name} (READ_PATH=${process.env.READ_PATH ?? "plan"}): ${result.requests.total} requests, ` +
      `${(result.requests.total / seconds).toFixed(1)} req/s, ${(user + system).toFixed(2)} ms CPU/request ` +
      `(user ${user.toFixed(2)}, system ${system.toFixed(2)}) ` +
      `(whole process${profiling ? ", profiler on" : ""}), errors ${result.errors + result.non2xx}`,
  );
  child.kill("SIGTERM");
  await exited;
  if (!profiling) return;
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no profile in ${dir}`);
  console.log(`profile: ${join(dir, file)}`);
  summarise(JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile, from, to);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
