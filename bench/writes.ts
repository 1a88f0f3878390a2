import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { toGlobalId } from "../src/shared/global-id.js";

/**
 * Batch write throughput at the city tier: BENCH_BATCHES (default 4) batches of 5,000 records for
 * each kind, one after another (an integrator's import), beside 500 of the same records sent as
 * single mutations from 8 concurrent clients. Every record really changes a value (a school name
 * carrying the run's stamp; family-doctor contract flipped), so each is locked, versioned, updated and
 * recorded in the history; neither kind raises alerts, which the rules tests cover.
 */
interface Deps {
  url: string;
  startServer: (port: number, execution: string, access?: string) => Promise<ChildProcess>;
  education: Record<string, string>;
  health: Record<string, string>;
}

const BATCH = 5000;
const batches = Number(process.env.BENCH_BATCHES ?? 4);
const PORT = 4121;

interface Member {
  id: number;
  version: number;
  doctor: boolean;
}

async function call(headers: Record<string, string>, query: string, variables: object) {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
  return body.data!;
}

async function statements(): Promise<number> {
  const r = (await (await fetch(`http://127.0.0.1:${PORT}/__statements`)).json()) as { data: number };
  return r.data;
}

const SCHOOLING = `mutation($input: RecordSchoolingBatchInput!) { recordSchoolingBatch(input: $input) { applied unchanged rejected } }`;
const HEALTH = `mutation($input: RecordHealthBatchInput!) { recordHealthBatch(input: $input) { applied unchanged rejected } }`;
const SINGLE_HEALTH = `mutation($input: RecordHealthInput!) { recordHealth(input: $input) { ok } }`;

export async function writesSuite(deps: Deps): Promise<void> {
  const sql = postgres(deps.url, { max: 1, onnotice: () => {} });
  const stamp = Date.now().toString(36);
  const need = BATCH * batches;
  const pupils = await sql<Member[]>`
    SELECT id, version, has_family_doctor_contract AS doctor FROM members
    WHERE schooling_status = 'IN_SCHOOL' ORDER BY id LIMIT ${need}`;
  const adults = await sql<Member[]>`
    SELECT id, version, has_family_doctor_contract AS doctor FROM members
    WHERE schooling_status <> 'IN_SCHOOL' ORDER BY id LIMIT ${need + 500}`;
  const [eventsBefore] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM household_events`;
  const server = await deps.startServer(PORT, "jit");
  const rows: string[] = [];
  try {
    const kinds: {
      name: string;
      headers: Record<string, string>;
      query: string;
      members: Member[];
      record: (m: Member) => object;
    }[] = [
      {
        name: "schooling (recordSchoolingBatch, EDUCATION)",
        headers: deps.education,
        query: SCHOOLING,
        members: pupils,
        record: (m: Member) => ({
          memberId: toGlobalId("Member", m.id),
          version: m.version,
          schoolingStatus: "IN_SCHOOL",
          school: `中方县第一中学 ${stamp}`,
          reason: "学籍系统季度同步",
        }),
      },
      {
        name: "family doctors (recordHealthBatch, HEALTH)",
        headers: deps.health,
        query: HEALTH,
        members: adults.slice(0, need),
        record: (m: Member) => ({
          memberId: toGlobalId("Member", m.id),
          version: m.version,
          hasFamilyDoctorContract: !m.doctor,
          reason: "家庭医生签约季度同步",
        }),
      },
    ];
    for (const kind of kinds) {
      if (kind.members.length < need) throw new Error(`only ${kind.members.length} members for ${kind.name}`);
      const times: number[] = [];
      let applied = 0;
      let perBatch = 0;
      for (let b = 0; b < batches; b += 1) {
        const records = kind.members.slice(b * BATCH, (b + 1) * BATCH).map(kind.record);
        const before = await statements();
        const started = performance.now();
        const data = await call(kind.headers, kind.query, {
          input: { records, idempotencyKey: `bench-${stamp}-${kind.name}-${b}` },
        });
        times.push(performance.now() - started);
        perBatch = (await statements()) - before;
        applied += (Object.values(data)[0] as { applied: number }).applied;
      }
      const total = times.reduce((a, t) => a + t, 0);
      const sorted = [...times].sort((a, b) => a - b);
      rows.push(
        `| ${kind.name} | ${batches} × ${BATCH} | ${applied} | ${((applied / total) * 1000).toFixed(0)} | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} | ${perBatch} |`,
      );
    }

    // The same kind of write, one record per mutation, 8 clients at once.
    const singles = adults.slice(need, need + 500);
    let next = 0;
    const started = performance.now();
    const before = await statements();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < singles.length) {
          const m = singles[next++]!;
          await call(deps.health, SINGLE_HEALTH, {
            input: {
              memberId: toGlobalId("Member", m.id),
              version: m.version,
              hasFamilyDoctorContract: !m.doctor,
              reason: "逐条同步",
            },
          });
        }
      }),
    );
    const single = performance.now() - started;
    const perRecord = ((await statements()) - before) / singles.length;
    rows.push(
      `| family doctors, single recordHealth × 8 clients | 500 × 1 | 500 | ${((500 / single) * 1000).toFixed(0)} | — | ${perRecord.toFixed(1)} per record |`,
    );
  } finally {
    server.kill("SIGTERM");
  }
  const [eventsAfter] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM household_events`;
  await sql.end();
  console.log("## Batch writes (city tier, sequential batches)\n");
  console.log("| writes | batches | records applied | records/s | p50 batch ms | statements per batch |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log(`\nhistory events appended: ${eventsAfter!.n - eventsBefore!.n}\n`);
}
