import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import postgres from "postgres";
import { signToken } from "../src/access/token.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { toGlobalId } from "../src/shared/global-id.js";
import { seedDatabase } from "../seeds/index.js";
import { example } from "../tests/helpers/examples.js";
import { TcpProxy } from "../tests/helpers/tcp-proxy.js";

/**
 * `npx tsx bench/outage.ts`: a PostgreSQL outage under load, staged through a TCP proxy between the
 * server (`src/main.ts`, its own process) and PostgreSQL — never by stopping PostgreSQL itself.
 * Each run: 20 readers (an audited officer page), 10 writers (each on its own member) and a light
 * public query every 100 ms; the database cut for 10 s, then restored. Printed per run: whether the
 * server died (and why), what the requests under way at the cut and those sent during it got
 * (statuses, codes, slowest answer), when /ready flipped, how long after the restore the server
 * logged the database back and answered again, and every acknowledged write looked up afterwards.
 *
 * OUTAGE_DATABASE_URL  an admin URL; a database OUTAGE_DATABASE_NAME (xg_outage_bench) is created
 *                      beside it for the runs and dropped afterwards
 * OUTAGE_RUNS (5) OUTAGE_CUT_SECONDS (10) OUTAGE_WARM_SECONDS (8) OUTAGE_READERS (20) OUTAGE_WRITERS (10)
 * OUTAGE_MODE          stop (connections reset, new ones refused) | blackhole (packets dropped)
 * OUTAGE_PORT (4110) OUTAGE_PROXY_PORT (0: any)
 * OUTAGE_SERVER_LOG    a path: the server's log of run N is written to <path>.N (OUTAGE_LOG_LEVEL: warn)
 */
const adminUrl = process.env.OUTAGE_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const runs = Number(process.env.OUTAGE_RUNS ?? 5);
const cutMs = Number(process.env.OUTAGE_CUT_SECONDS ?? 10) * 1000;
const readerCount = Number(process.env.OUTAGE_READERS ?? 20);
const writerCount = Number(process.env.OUTAGE_WRITERS ?? 10);
const mode = (process.env.OUTAGE_MODE ?? "stop") as "stop" | "blackhole";
const port = Number(process.env.OUTAGE_PORT ?? 4110);
const proxyPort = Number(process.env.OUTAGE_PROXY_PORT ?? 0);
const warmMs = Number(process.env.OUTAGE_WARM_SECONDS ?? 8) * 1000;
const CLIENT_TIMEOUT_MS = 20_000;
const config = loadConfig({ NODE_ENV: "development" });

interface Outcome {
  kind: "read" | "write" | "light";
  start: number;
  end: number;
  status: number;
  code: string;
}

const dbName = process.env.OUTAGE_DATABASE_NAME ?? "xg_outage_bench";
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function prepareDatabase() {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const database = await openDatabase({ url: dbUrl });
  await migrate(database);
  await seedDatabase(database, { tier: "demo" });
  await database.close();
}

async function dropDatabase() {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}

async function startServer(
  databaseUrl: string,
): Promise<{ child: ChildProcess; stderr: string[]; exited: Promise<string> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      AUTO_SEED: "none",
      LOG_LEVEL: process.env.OUTAGE_LOG_LEVEL ?? "warn",
      NODE_ENV: "development",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => resolve(`exit ${code ?? ""}${signal ?? ""}`)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("serving GraphQL") && resolve());
    void exited.then((how) => reject(new Error(`server ${how} before serving: ${stderr.join("")}`)));
  });
  return { child, stderr, exited };
}

interface Reply {
  errors?: { extensions?: { code?: string } }[];
  data?: {
    recordHealth?: {
      ok: boolean;
      unchanged: boolean;
      error: { code: string; currentVersion: number | null } | null;
      record: { version: number } | null;
    };
  };
}

async function post(body: unknown, headers: Record<string, string>): Promise<{ status: number; json: Reply }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) as Reply };
  } catch {
    return { status: res.status, json: { errors: [{ extensions: { code: `non-JSON ${text.slice(0, 40)}` } }] } };
  }
}

const median = (xs: Outcome[]) => {
  const ms = xs.map((o) => o.end - o.start).sort((a, b) => a - b);
  return ms.length ? ms[Math.floor(ms.length / 2)] : NaN;
};

const codeOf = (json: Reply): string => json.errors?.[0]?.extensions?.code ?? "OK";

async function run(index: number) {
  const proxy = new TcpProxy({ host: new URL(adminUrl).hostname, port: Number(new URL(adminUrl).port || 5432) });
  await proxy.listen(proxyPort);
  const server = await startServer(proxy.url(dbUrl));
  let died: string | null = null;
  void server.exited.then((how) => (died = how));

  const direct = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const members = await direct<{ id: number; version: number }[]>`
    SELECT DISTINCT ON (m.household_id) m.id, m.version FROM members m JOIN households h ON h.id = m.household_id
    WHERE h.village_code LIKE '431221%' ORDER BY m.household_id, m.id LIMIT ${writerCount}`;
  const reader = {
    authorization: `Bearer ${await signToken(config, { sub: "bench-reader", department: "RURAL_REVITALIZATION", region: "4312" })}`,
    "x-purpose": "MONITORING: outage benchmark",
  };
  const writer = {
    authorization: `Bearer ${await signToken(config, { sub: "bench-writer", department: "HEALTH", region: "431221" })}`,
    "x-purpose": "MONITORING: outage benchmark",
  };
  const page = example("officer-households-page");
  const outcomes: Outcome[] = [];
  const acknowledged: string[] = [];
  let stop = false;
  let healthMax = 0;
  const readiness: { at: number; status: number }[] = [];

  const readLoop = async () => {
    while (!stop) {
      const start = Date.now();
      let status = 0;
      let code: string;
      try {
        const res = await post({ query: page }, reader);
        status = res.status;
        code = codeOf(res.json);
      } catch (error) {
        code = (error as Error).name === "TimeoutError" ? "CLIENT_TIMEOUT" : "NETWORK";
      }
      outcomes.push({ kind: "read", start, end: Date.now(), status, code });
      if (code !== "OK") await new Promise((r) => setTimeout(r, 50));
    }
  };
  const writeLoop = async (w: number) => {
    const member = members[w]!;
    let version = member.version;
    let contract = false;
    let n = 0;
    while (!stop) {
      contract = !contract;
      const reason = `outage-${index}-w${w}-${n++}`;
      const start = Date.now();
      let status = 0;
      let code: string;
      try {
        const res = await post(
          {
            query: `mutation($input: RecordHealthInput!) { recordHealth(input: $input) {
              ok unchanged error { code currentVersion } record { version } } }`,
            variables: {
              input: { memberId: toGlobalId("Member", member.id), version, hasFamilyDoctorContract: contract, reason },
            },
          },
          writer,
        );
        status = res.status;
        code = codeOf(res.json);
        const result = res.json.data?.recordHealth;
        if (result?.ok) {
          if (!result.unchanged) acknowledged.push(reason);
          version = result.record!.version;
        } else if (result?.error?.code === "CONFLICT") {
          // An earlier write whose answer was lost did commit: take its version and go on.
          version = result.error.currentVersion!;
          code = "CONFLICT";
        }
      } catch (error) {
        code = (error as Error).name === "TimeoutError" ? "CLIENT_TIMEOUT" : "NETWORK";
      }
      outcomes.push({ kind: "write", start, end: Date.now(), status, code });
      if (code !== "OK") await new Promise((r) => setTimeout(r, 50));
    }
  };
  // A light public query every 100 ms: when serving resumes, apart from how long the heavy page takes under load.
  const lightLoop = async () => {
    while (!stop) {
      const start = Date.now();
      let status = 0;
      let code: string;
      try {
        const res = await post({ query: "{ villages(first: 1) { totalCount } }" }, {});
        status = res.status;
        code = codeOf(res.json);
      } catch (error) {
        code = (error as Error).name === "TimeoutError" ? "CLIENT_TIMEOUT" : "NETWORK";
      }
      outcomes.push({ kind: "light", start, end: Date.now(), status, code });
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const healthLoop = async () => {
    while (!stop) {
      const start = Date.now();
      await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS) }).catch(
        () => {},
      );
      healthMax = Math.max(healthMax, Date.now() - start);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`, {
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      }).catch(() => null);
      readiness.push({ at: Date.now(), status: ready?.status ?? 0 });
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const loops = [
    ...Array.from({ length: readerCount }, readLoop),
    ...Array.from({ length: writerCount }, (_, w) => writeLoop(w)),
    healthLoop(),
    lightLoop(),
  ];
  await new Promise((r) => setTimeout(r, warmMs));
  const cutAt = Date.now();
  proxy.cut(mode);
  await new Promise((r) => setTimeout(r, cutMs));
  const restoredAt = Date.now();
  await proxy.restore();
  const served = (kind: Outcome["kind"]) =>
    outcomes.find((o) => o.kind === kind && o.start >= restoredAt && o.code === "OK");
  while (!died && (!served("read") || !served("write") || !served("light")) && Date.now() - restoredAt < 30_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 2000));
  stop = true;
  await Promise.all(loops);

  const during = outcomes.filter((o) => o.start >= cutAt && o.start < restoredAt);
  const tally = (xs: Outcome[]) =>
    Object.entries(
      xs.reduce<Record<string, number>>(
        (t, o) => ((t[`${o.status} ${o.code}`] = (t[`${o.status} ${o.code}`] ?? 0) + 1), t),
        {},
      ),
    )
      .map(([k, v]) => `${k}×${v}`)
      .join(", ");
  const straddling = outcomes.filter((o) => o.start < cutAt && o.end > cutAt);
  const straddlingLast = straddling.reduce((m, o) => Math.max(m, o.end - cutAt), 0);
  const slowest = during.reduce((m, o) => Math.max(m, o.end - o.start), 0);
  const before = (kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind && o.end < cutAt && o.code === "OK");
  const reachableLine = server.stderr
    .join("")
    .split("\n")
    .find((l) => l.includes("database reachable again"));
  const reachable = reachableLine ? Date.parse((JSON.parse(reachableLine) as { time: string }).time) : null;
  const read = served("read");
  const write = served("write");
  const light = served("light");
  const present = acknowledged.length
    ? (
        await direct<
          { n: number }[]
        >`SELECT count(DISTINCT reason)::int AS n FROM household_events WHERE reason IN ${direct(acknowledged)}`
      )[0]!.n
    : 0;
  await direct.end();
  if (process.env.OUTAGE_SERVER_LOG)
    writeFileSync(`${process.env.OUTAGE_SERVER_LOG}.${index + 1}`, server.stderr.join(""));
  const crash = server.stderr.join("").match(/TypeError[^\n]*/)?.[0];
  const unhandled = server.stderr.join("").split("unhandled promise rejection").length - 1;
  const notReady = readiness.find((r) => r.at > cutAt && r.status !== 200);
  const readyAgain = readiness.find((r) => r.at > restoredAt && r.status === 200);
  console.log(
    `run ${index + 1} (cut ${new Date(cutAt).toISOString()}, restored ${new Date(restoredAt).toISOString()}): ${died ? `SERVER DIED (${died}${crash ? `: ${crash}` : ""})` : "server alive"}\n` +
      `  in flight at the cut: ${straddling.length} [${tally(straddling)}], the last answered ${straddlingLast} ms after it\n` +
      `  sent during the cut: ${during.length} answers [${tally(during)}], slowest ${slowest} ms, /health slowest ${healthMax} ms\n` +
      `  served again after restore (first answer to a request sent after it): light query ${light ? `${light.end - restoredAt} ms` : "never"}, ` +
      `officer page ${read ? `${read.end - restoredAt} ms` : "never"}, write ${write ? `${write.end - restoredAt} ms` : "never"}; ` +
      `before the cut, median: light ${median(before("light"))} ms, page ${median(before("read"))} ms, write ${median(before("write"))} ms\n` +
      `  the server logged the database reachable again ${reachable ? `${reachable - restoredAt} ms` : "never"} after the restore\n` +
      `  /ready: ${notReady ? `${notReady.status} ${notReady.at - cutAt} ms after the cut` : "never flipped"}, ` +
      `200 again ${readyAgain ? `${readyAgain.at - restoredAt} ms after the restore` : "never"}; unhandled rejections logged: ${unhandled}\n` +
      `  acknowledged writes: ${acknowledged.length}, found in the database: ${present}`,
  );
  const crashed = Boolean(died);
  if (!died) {
    server.child.kill("SIGTERM");
    const timer = setTimeout(() => server.child.kill("SIGKILL"), 10_000);
    await server.exited;
    clearTimeout(timer);
  }
  await proxy.close();
  return { died: crashed, lost: acknowledged.length - present };
}

await prepareDatabase();
let deaths = 0;
let lost = 0;
try {
  for (let i = 0; i < runs; i++) {
    const r = await run(i);
    deaths += Number(r.died);
    lost += r.lost;
  }
} finally {
  await dropDatabase();
}
console.log(
  `${runs} runs (${mode}, ${cutMs / 1000} s): server died in ${deaths}, acknowledged writes missing: ${lost}`,
);
