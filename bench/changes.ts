import type { ChildProcess } from "node:child_process";
import postgres from "postgres";
import { toGlobalId } from "../src/shared/global-id.js";

/**
 * The change feed at the city tier. It WRITES, so it runs on a copy of the benchmark database
 * (BENCH_CHANGES_DATABASE_URL, e.g. `createdb -T xg_bench xg_bench_feed`; drop it afterwards):
 *   capture    BENCH_BATCHES (default 4) batches of 5,000 recordSchoolingBatch records (EDUCATION)
 *              with the feed's triggers off, then the same with them on: records/s of each;
 *   lag        while those batches run, a reader follows the feed back to back (pages of 1,000):
 *              for each record, the time from its batch's answer (the commit is before it) to the
 *              entry being read — p50, p95, max;
 *   read       the whole feed of the run read again from its start, pages of 1,000: entries/s as
 *              the registry owner (every field) and as EDUCATION (masked id number), with the
 *              node's fields selected, and with ids only.
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
  education: Record<string, string>;
}

const BATCH = 5000;
const batches = Number(process.env.BENCH_BATCHES ?? 4);
const PORT = Number(process.env.BENCH_CHANGES_PORT ?? 4140);

const SCHOOLING = `mutation($input: RecordSchoolingBatchInput!) { recordSchoolingBatch(input: $input) { applied unchanged rejected } }`;
const FEED = (node: string) => `query($after: String, $first: Int!) {
  changes(after: $after, types: ["Member"], first: $first) {
    position caughtUp entries { position operation id changedFields node { id ${node} } }
  }
}`;
const MEMBER_FIELDS = "... on Member { name idNumber schoolingStatus school version }";

interface Page {
  position: string;
  caughtUp: boolean;
  entries: { id: string }[];
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

const page = async (headers: Record<string, string>, query: string, after: string) =>
  (await call(headers, query, { after, first: 1000 })).changes as Page;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function changesSuite(deps: Deps): Promise<void> {
  const url = process.env.BENCH_CHANGES_DATABASE_URL;
  if (!url) throw new Error("set BENCH_CHANGES_DATABASE_URL to a copy of the benchmark database: this suite writes");
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const server = await deps.startServer(PORT, "jit", "document", { CHANGES_RETENTION: "30d" }, url);
  const stamp = Date.now().toString(36);
  try {
    const need = BATCH * batches * 2;
    const pupils = await sql<{ id: number; version: number }[]>`
      SELECT id, version FROM members WHERE schooling_status = 'IN_SCHOOL' ORDER BY id LIMIT ${need}`;
    if (pupils.length < need) throw new Error(`only ${pupils.length} pupils`);
    const write = async (b: number, members: { id: number; version: number }[], tag: string) => {
      const records = members.slice(b * BATCH, (b + 1) * BATCH).map((m) => ({
        memberId: toGlobalId("Member", m.id),
        version: m.version,
        schoolingStatus: "IN_SCHOOL",
        school: `中方县第一中学 ${stamp} ${tag}`,
        reason: "学籍系统季度同步",
      }));
      const started = performance.now();
      const data = await call(deps.education, SCHOOLING, {
        input: { records, idempotencyKey: `bench-feed-${stamp}-${tag}-${b}` },
      });
      const applied = (data.recordSchoolingBatch as { applied: number }).applied;
      return {
        ms: performance.now() - started,
        applied,
        answeredAt: performance.now(),
        ids: records.map((r) => r.memberId),
      };
    };

    // Capture cost: the same batches with the feed's member triggers off, then on.
    const off = pupils.slice(0, BATCH * batches);
    const on = pupils.slice(BATCH * batches);
    await sql`ALTER TABLE members DISABLE TRIGGER members_changes_update`;
    let offMs = 0;
    let offApplied = 0;
    try {
      for (let b = 0; b < batches; b++) {
        const r = await write(b, off, "off");
        offMs += r.ms;
        offApplied += r.applied;
      }
    } finally {
      await sql`ALTER TABLE members ENABLE TRIGGER members_changes_update`;
    }

    // Lag: a reader follows the feed back to back while the batches commit.
    const start = (await call(deps.registry, `{ changesPosition }`, {})).changesPosition as string;
    const seenAt = new Map<string, number>();
    let writing = true;
    let readerPosition = start;
    const reader = (async () => {
      const query = FEED("");
      while (writing || seenAt.size < BATCH * batches) {
        const p = await page(deps.registry, query, readerPosition);
        const now = performance.now();
        for (const e of p.entries) if (!seenAt.has(e.id)) seenAt.set(e.id, now);
        readerPosition = p.position;
        if (p.caughtUp) await new Promise((r) => setTimeout(r, 50));
        if (!writing && p.caughtUp && seenAt.size >= BATCH * batches) break;
      }
    })();
    // The horizon sampled every 20 ms on a connection of its own: when it passes a batch's
    // transaction id, the batch's entries are readable (whatever the reader's own pace).
    const probe = postgres(url, { max: 1, onnotice: () => {} });
    const horizons: { at: number; xmin: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await probe<{ h: string }[]>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h`;
        horizons.push({ at: performance.now(), xmin: Number(row!.h) });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let onMs = 0;
    let onApplied = 0;
    const lags: number[] = [];
    const answered: { at: number; ids: string[] }[] = [];
    for (let b = 0; b < batches; b++) {
      const r = await write(b, on, "on");
      onMs += r.ms;
      onApplied += r.applied;
      answered.push({ at: r.answeredAt, ids: r.ids });
    }
    writing = false;
    await reader;
    sampling = false;
    await sampler;
    await probe.end();
    const visible: number[] = [];
    for (const batch of answered) {
      const [row] = await sql<{ xid: string }[]>`
        SELECT max(xid)::text AS xid FROM change_log WHERE table_name = 'members' AND row_id = ${Number(
          Buffer.from(batch.ids[0]!, "base64url").toString("utf8").split(":")[1],
        )}`;
      const xid = Number(row!.xid);
      const passed = horizons.find((h) => h.xmin > xid);
      visible.push(passed ? passed.at - batch.at : NaN);
    }
    // Per batch: its first entry read (the commit became visible to the feed) and its last one (the
    // reader has also paged through the batch's 5,000 entries).
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (const batch of answered) {
      const seen = batch.ids.map((id) => Math.max(0, (seenAt.get(id) ?? NaN) - batch.at));
      lags.push(...seen);
      firsts.push(Math.min(...seen));
      lasts.push(Math.max(...seen));
    }
    lags.sort((a, b) => a - b);

    console.log("## Change feed (city tier, PostgreSQL, a copy of the benchmark database)\n");
    console.log("| batch writes (recordSchoolingBatch) | records | records/s |");
    console.log("|---|---|---|");
    console.log(`| feed triggers off | ${offApplied} | ${((offApplied / offMs) * 1000).toFixed(0)} |`);
    console.log(`| feed triggers on | ${onApplied} | ${((onApplied / onMs) * 1000).toFixed(0)} |`);
    console.log("");
    console.log(
      `Per batch, from its answer to the horizon passing its transaction (its entries readable; sampled every 20 ms, negative = before the answer arrived): ${visible.map((v) => v.toFixed(0)).join(", ")} ms.\n`,
    );
    console.log(
      `Per batch (${batches}), from its answer: first entry read ${firsts.map((v) => v.toFixed(0)).join(", ")} ms; last entry read ${lasts.map((v) => v.toFixed(0)).join(", ")} ms.\n`,
    );
    console.log(
      `Lag from a batch's answer to its entries read by a reader following the feed (pages of 1,000, 50 ms pause when caught up), ${lags.length} entries: p50 ${quantile(lags, 0.5).toFixed(0)} ms, p95 ${quantile(lags, 0.95).toFixed(0)} ms, max ${lags[lags.length - 1]!.toFixed(0)} ms.\n`,
    );

    console.log("| read the run's feed again (pages of 1,000) | entries | ms | changes/s |");
    console.log("|---|---|---|---|");
    for (const [label, headers, node] of [
      ["registry owner, ids only", deps.registry, ""],
      ["registry owner, member fields", deps.registry, MEMBER_FIELDS],
      ["EDUCATION, member fields (id number masked)", deps.education, MEMBER_FIELDS],
    ] as const) {
      const query = FEED(node);
      let position = start;
      let entries = 0;
      const started = performance.now();
      for (;;) {
        const p = await page(headers, query, position);
        entries += p.entries.length;
        position = p.position;
        if (p.caughtUp) break;
      }
      const ms = performance.now() - started;
      console.log(`| ${label} | ${entries} | ${ms.toFixed(0)} | ${((entries / ms) * 1000).toFixed(0)} |`);
    }
    console.log("");
  } finally {
    server.kill("SIGTERM");
    await sql.end();
  }
}
