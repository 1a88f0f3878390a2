import { execFileSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import postgres from "postgres";

/**
 * The read path side by side: two servers over the same database, one executing reads by their
 * compiled plans (READ_PATH=plan) and one by the field resolvers kept as the reference
 * (READ_PATH=resolvers), loaded in interleaved rounds (the order swapped each round) with the
 * scenarios of issue 10 — the officer page (50 households of a county with members, village,
 * township and totalCount), the same without totalCount, the integrator page (1,000 households
 * with members and village), the village overview example and a first page of 50 households —
 * then the walk of every household by pages of 1,000 (households/s, one client) and the server's
 * peak RSS under `connections` concurrent 1,000-household pages.
 *
 * Per scenario and path: req/s, p99, data and audit statements per request (the server's own
 * counters: of one request alone, and amortized over the load — the audit's group commit shows
 * there), the API process's CPU per request (utime + stime from
 * /proc/<pid>/stat around the load, divided by the requests answered) and plan ÷ resolvers.
 * Both paths must answer each scenario with the same data, or the suite stops.
 *
 * BENCH_SECONDS is the load per scenario and path, split over BENCH_PLAN_ROUNDS rounds (2);
 * BENCH_PLAN_SCENARIO keeps only the scenarios whose name contains one of its |-separated parts
 * (e.g. "village overview|first page");
 * BENCH_PLAN_PARTS keeps only some parts of the suite: a comma-separated list of "scenarios" (the
 * loaded scenarios and the ceiling line), "walk" and "rss" (default: all three; e.g. "walk" for
 * the walk alone, "scenarios,walk" with BENCH_PLAN_SCENARIO=integrator for the 1,000-household page);
 * BENCH_WALK_HOUSEHOLDS caps the walk (default: every household);
 * BENCH_PLAN_WARM_SECONDS (2) of load per scenario and path, and a walk of 20 pages per path,
 * warm each server before it is measured (0: none): without it the first scenario measured
 * carries the process's compilation by V8 (0.5 ms of CPU per request more on the officer page,
 * 1.80 against 1.26 ms for the same scenario measured first and second). The audit appends entries:
 * point BENCH_DATABASE_URL at a copy of the city tier when the original must stay untouched.
 */
export interface PlanDeps {
  startServer(
    port: number,
    execution: string,
    access?: string,
    env?: Record<string, string>,
  ): Promise<ChildProcess & { port: number }>;
  registry: Record<string, string>;
  /** The database the servers use: the ceiling line asks it directly. */
  url: string;
  duration: number;
  connections: number;
}

const PATHS = ["resolvers", "plan"] as const;
type Path = (typeof PATHS)[number];

interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

interface Load {
  requests: number;
  seconds: number;
  p99: number;
  errors: number;
  data: number;
  audit: number;
  cpuMs: number;
}

const rounds = Number(process.env.BENCH_PLAN_ROUNDS ?? 2);
const only = (process.env.BENCH_PLAN_SCENARIO ?? "").split("|");
const parts = new Set((process.env.BENCH_PLAN_PARTS ?? "scenarios,walk,rss").split(",").map((p) => p.trim()));
const walkLimit = Number(process.env.BENCH_WALK_HOUSEHOLDS ?? Infinity);
const warmSeconds = Number(process.env.BENCH_PLAN_WARM_SECONDS ?? 2);
const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

const OFFICER_NODES = `nodes { id householdNumber status attribute primaryCause identifiedYear exitedYear
      village { name township { name } }
      members { name gender birthDate relation schoolingStatus healthStatus } }`;

export const INTEGRATOR = `query IntegratorPage($after: String) {
  households(first: 1000, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id householdNumber villageCode status attribute primaryCause identifiedYear exitedYear
      village { code name }
      members { id name idNumber gender birthDate relation schoolingStatus healthStatus } }
  }
}`;

export function planScenarios(villageOverview: string): Scenario[] {
  return [
    {
      name: "officer page: 50 households of a county, members, village, township, totalCount",
      query: `query OfficerPage { households(first: 50, filter: { regionCode: "431221" }) { totalCount ${OFFICER_NODES} } }`,
    },
    {
      name: "the same without totalCount",
      query: `query OfficerPageNoCount { households(first: 50, filter: { regionCode: "431221" }) { ${OFFICER_NODES} } }`,
    },
    {
      // The city tier registers its counties one after the other: the last one's households have
      // the highest ids, where a page ordered by id over a range of codes finds them last.
      name: "officer page of the last county (431281)",
      query: `query OfficerPageLastCounty { households(first: 50, filter: { regionCode: "431281" }) { totalCount ${OFFICER_NODES} } }`,
    },
    { name: "integrator page: 1,000 households with members and village", query: INTEGRATOR },
    { name: "village overview (schema/examples/village-overview.graphql)", query: villageOverview },
    {
      name: "first page of 50 households",
      query: `query FirstPage { households(first: 50) { nodes { id householdNumber villageCode status attribute primaryCause identifiedYear exitedYear } } }`,
    },
  ];
}

/** The server process's CPU time so far, ms (user + system). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

interface Counters {
  data: number;
  audit: number;
  answered: number;
  inFlight: number;
}

async function statements(port: number) {
  return (await (await fetch(`http://127.0.0.1:${port}/__statements`)).json()) as Counters;
}

/** The counters once the server has finished every request (the load generator hangs up on some at its end). */
async function settled(port: number): Promise<Counters> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const counters = await statements(port);
    if (counters.inFlight === 0 || Date.now() > deadline) return counters;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Data and audit statements of one request on an otherwise idle server (asked again as `warm` is). */
async function statementsOfOne(port: number, headers: Record<string, string>, scenario: Scenario) {
  for (let attempt = 1; ; attempt++) {
    const before = await settled(port);
    try {
      await post(port, headers, scenario);
    } catch (error) {
      if (attempt >= 10 || !(error instanceof RequestFailed && error.transient)) throw error;
      await new Promise((r) => setTimeout(r, 500));
      console.error(`(retrying the counted request: ${String(error).slice(0, 200)})`);
      continue;
    }
    const after = await settled(port);
    return { data: after.data - before.data, audit: after.audit - before.audit };
  }
}

async function post(port: number, headers: Record<string, string>, scenario: Scenario) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
  if (body.errors) throw new RequestFailed(scenario.name, body.errors);
  return body.data;
}

/** A request answered with errors; `transient` when each is one a loaded machine may give (a timeout, a 503). */
class RequestFailed extends Error {
  readonly transient: boolean;
  constructor(name: string, errors: { extensions?: { code?: unknown } }[]) {
    super(`${name}: ${JSON.stringify(errors).slice(0, 500)}`);
    this.transient = errors.every(
      (e) => e.extensions?.code === "DEADLINE_EXCEEDED" || e.extensions?.code === "SERVICE_UNAVAILABLE",
    );
  }
}

/**
 * The first answer, asked again (up to ten times, half a second apart) only when a loaded machine
 * timed it out or answered 503: any other error — an INTERNAL one after a load whose requests were
 * cancelled included — fails the run.
 */
async function warm(port: number, headers: Record<string, string>, scenario: Scenario) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post(port, headers, scenario);
    } catch (error) {
      if (attempt >= 10 || !(error instanceof RequestFailed && error.transient)) throw error;
      await new Promise((r) => setTimeout(r, 500));
      console.error(`(retrying the first request: ${String(error).slice(0, 200)})`);
    }
  }
}

async function load(
  server: ChildProcess & { port: number },
  headers: Record<string, string>,
  scenario: Scenario,
  seconds: number,
  connections: number,
): Promise<Load> {
  const before = await settled(server.port);
  const cpuBefore = cpuMs(server.pid!);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/graphql`,
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: scenario.query, variables: scenario.variables }),
    connections,
    duration: seconds,
    // A 1,000-household page on a busy machine may take longer than autocannon's 10 s default.
    timeout: 120,
  });
  const after = await settled(server.port);
  const cpuAfter = cpuMs(server.pid!);
  return {
    requests: after.answered - before.answered,
    seconds: result.duration,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    data: after.data - before.data,
    audit: after.audit - before.audit,
    cpuMs: cpuAfter - cpuBefore,
  };
}

function add(a: Load | undefined, b: Load): Load {
  if (!a) return b;
  return {
    requests: a.requests + b.requests,
    seconds: a.seconds + b.seconds,
    p99: Math.max(a.p99, b.p99),
    errors: a.errors + b.errors,
    data: a.data + b.data,
    audit: a.audit + b.audit,
    cpuMs: a.cpuMs + b.cpuMs,
  };
}

const perRequest = (l: Load) => ({
  rps: l.requests / l.seconds,
  data: l.data / Math.max(1, l.requests),
  audit: l.audit / Math.max(1, l.requests),
  cpu: l.cpuMs / Math.max(1, l.requests),
});

/** Walks every household by pages of 1,000 with one client: households per second and CPU per page. */
async function walk(server: ChildProcess & { port: number }, headers: Record<string, string>, limit = walkLimit) {
  let after: string | null = null;
  let households = 0;
  let pages = 0;
  const cpuBefore = cpuMs(server.pid!);
  const start = performance.now();
  for (;;) {
    const data = (await post(server.port, headers, { name: "walk", query: INTEGRATOR, variables: { after } })) as {
      households: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
    };
    households += data.households.nodes.length;
    pages += 1;
    if (!data.households.pageInfo.hasNextPage || households >= limit) break;
    after = data.households.pageInfo.endCursor;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    households,
    pages,
    seconds,
    perSecond: households / seconds,
    cpuPerPage: (cpuMs(server.pid!) - cpuBefore) / pages,
  };
}

/** Peak resident memory while `connections` clients ask for 1,000-household pages. */
async function peakRss(
  server: ChildProcess & { port: number },
  headers: Record<string, string>,
  seconds: number,
  connections: number,
) {
  const idle = rssMb(server.pid!);
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 50);
  try {
    await load(server, headers, { name: "rss", query: INTEGRATOR }, seconds, connections);
  } finally {
    clearInterval(timer);
  }
  return { idle, peak };
}

/**
 * The officer page built whole by PostgreSQL in one statement (json_build_object/json_agg, the
 * count included): what the data allows with no API in front, the ceiling the plan aims under. Its
 * county is asked for as the API asks (src/shared/region-code.ts `underRegion`), on the index of
 * its level.
 */
const OFFICER_PAGE_SQL = `SELECT json_build_object('data', json_build_object('households', json_build_object(
  'totalCount', (SELECT count(*) FROM households WHERE left(village_code, 6) = '431221'),
  'nodes', (SELECT coalesce(json_agg(json_build_object(
      'id', h.id, 'householdNumber', h.household_number, 'status', h.status, 'attribute', h.attribute,
      'primaryCause', h.primary_cause, 'identifiedYear', h.identified_year, 'exitedYear', h.exited_year,
      'village', (SELECT json_build_object('name', v.name, 'township',
          (SELECT json_build_object('name', r.name) FROM regions r WHERE r.code = v.township_code))
        FROM villages v WHERE v.code = h.village_code),
      'members', (SELECT coalesce(json_agg(json_build_object('name', m.name, 'gender', m.gender,
          'birthDate', m.birth_date, 'relation', m.relation, 'schoolingStatus', m.schooling_status,
          'healthStatus', m.health_status) ORDER BY m.id), '[]') FROM members m WHERE m.household_id = h.id)
    ) ORDER BY h.id), '[]')
    FROM (SELECT * FROM households WHERE left(village_code, 6) = '431221' ORDER BY id LIMIT 50) h))))::text AS page`;

/** Statements per second of the ceiling statement, `connections` clients at once for `seconds`. */
async function ceiling(url: string, seconds: number, connections: number) {
  const sql = postgres(url, { max: connections, onnotice: () => {} });
  try {
    await sql.unsafe(OFFICER_PAGE_SQL);
    let done = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          await sql.unsafe(OFFICER_PAGE_SQL);
          done += 1;
        }
      }),
    );
    return done / seconds;
  } finally {
    await sql.end();
  }
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—");

export async function planSuite(deps: PlanDeps, villageOverview: string) {
  const { registry, connections } = deps;
  const scenarios = planScenarios(villageOverview).filter((s) => only.some((part) => s.name.includes(part)));
  const servers = {} as Record<Path, ChildProcess & { port: number }>;
  for (const path of PATHS) servers[path] = await deps.startServer(0, "jit", "document", { READ_PATH: path });
  const per = Math.max(1, Math.round(deps.duration / rounds));
  try {
    console.log(
      `## Read path: compiled plans vs the reference resolvers (RURAL_REVITALIZATION, policy on; ${connections} connections, ${rounds} interleaved rounds of ${per}s per scenario and path)\n`,
    );
    console.log(
      "| scenario | path | req/s | p99 ms | data statements/request: alone (under load) | audit statements/request: alone (under load) | API CPU ms/request | errors | plan ÷ resolvers req/s | plan ÷ resolvers CPU |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const scenario of parts.has("scenarios") ? scenarios : []) {
      // Warm both (compile, plan) and require the same data from both paths.
      const answers = [];
      for (const path of PATHS) answers.push(await warm(servers[path].port, registry, scenario));
      if (!isDeepStrictEqual(answers[0], answers[1]))
        throw new Error(`${scenario.name}: the two paths answer differently`);
      const one: Partial<Record<Path, { data: number; audit: number }>> = {};
      for (const path of PATHS) one[path] = await statementsOfOne(servers[path].port, registry, scenario);
      if (warmSeconds > 0) {
        for (const path of PATHS) await load(servers[path], registry, scenario, warmSeconds, connections);
      }
      const totals: Partial<Record<Path, Load>> = {};
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? PATHS : [...PATHS].reverse();
        for (const path of order) {
          totals[path] = add(totals[path], await load(servers[path], registry, scenario, per, connections));
        }
      }
      const ref = perRequest(totals.resolvers!);
      for (const path of PATHS) {
        const t = totals[path]!;
        const f = perRequest(t);
        const ratio = path === "plan" ? `${fixed(f.rps / ref.rps, 2)}× | ${fixed(f.cpu / ref.cpu, 2)}×` : "1 | 1";
        console.log(
          `| ${scenario.name} | ${path} | ${fixed(f.rps)} | ${t.p99} | ${one[path]!.data} (${fixed(f.data, 2)}) | ${one[path]!.audit} (${fixed(f.audit, 2)}) | ${fixed(f.cpu, 2)} | ${t.errors} | ${ratio} |`,
        );
      }
    }
    if (parts.has("scenarios")) {
      const top = await ceiling(deps.url, per, connections);
      console.log(
        `| ceiling: the officer page built by PostgreSQL in one statement, no API (json_build_object/json_agg) | — | ${fixed(top)} | | 1 | | | | | |`,
      );
    }
    console.log("");
    if (parts.has("walk")) {
      const walks: Partial<Record<Path, Awaited<ReturnType<typeof walk>>>> = {};
      if (warmSeconds > 0) for (const path of PATHS) await walk(servers[path], registry, 20_000);
      for (const path of PATHS) walks[path] = await walk(servers[path], registry);
      console.log(
        "| walk of households by pages of 1,000 (one client) | path | households | seconds | households/s | API CPU ms/page | plan ÷ resolvers |",
      );
      console.log("|---|---|---|---|---|---|---|");
      for (const path of PATHS) {
        const w = walks[path]!;
        const ratio = path === "plan" ? `${fixed(w.perSecond / walks.resolvers!.perSecond, 2)}×` : "1";
        console.log(
          `| | ${path} | ${w.households} | ${fixed(w.seconds)} | ${fixed(w.perSecond, 0)} | ${fixed(w.cpuPerPage)} | ${ratio} |`,
        );
      }
      console.log("");
    }

    if (parts.has("rss")) {
      const rssSeconds = Math.max(3, per);
      console.log(
        `| server RSS, ${connections} concurrent 1,000-household pages for ${rssSeconds}s | path | idle MB | peak MB |`,
      );
      console.log("|---|---|---|---|");
      for (const path of PATHS) {
        // A fresh server of each path, warmed by one page: what the earlier loads left behind is not counted.
        servers[path].kill("SIGTERM");
        servers[path] = await deps.startServer(0, "jit", "document", { READ_PATH: path });
        await warm(servers[path].port, registry, { name: "warm", query: INTEGRATOR });
        const r = await peakRss(servers[path], registry, rssSeconds, connections);
        console.log(`| | ${path} | ${fixed(r.idle, 0)} | ${fixed(r.peak, 0)} |`);
      }
      console.log("");
    }
  } finally {
    for (const path of PATHS) servers[path]?.kill("SIGTERM");
  }
}
