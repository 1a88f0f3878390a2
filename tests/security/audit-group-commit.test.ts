import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { AUDIT_LOCK, AuditWriter } from "../../src/access/audit.js";
import { loadAuditKeys } from "../../src/access/audit-keys.js";
import { verifyAuditChain } from "../../src/access/audit-verify.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";
import { authHeaders, configWithKeys, createTestApp, testConfig } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { startProcess, type Started } from "../helpers/processes.js";
import { post, testServer } from "../helpers/server.js";

// Starting tsx and a server in a child process is slow on a busy machine.
const SPAWNS_A_SERVER = 300_000;

/**
 * Every read of personal data waits for its audit entry to be durable, but the reads of many
 * officers at once do not each pay for a transaction behind one lock: the entries that queue while
 * one write is under way are written together by the next, one statement for the lot. The chain
 * stays one chain — whatever the batching, whatever number of servers share the database — and a
 * write that fails withholds the data of every read it carried and leaves no hole.
 */

const NAMES = `query Names($first: Int!) { members(first: $first) { nodes { name idNumber } } }`;

/** The audit entry of an officer's read of one household's names, as the writer is given it. */
const namesRead = (principal: string, correlationId: string, i: number) => ({
  principal,
  department: "HEALTH",
  region: "431221",
  operationName: "Names",
  document: NAMES,
  fields: ["Member.name"],
  recordCount: 1,
  householdIds: [i],
  purpose: null,
  requestId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  correlationId,
});

interface Entry {
  id: number;
  seq: number;
  correlationId: string;
}

describe("the read audit under many requests at once", () => {
  let database: TestDatabase;
  let app: App;
  const anchor = loadAuditKeys(testConfig, { generate: false });

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  const entries = () =>
    database.rows<Entry>(sql`SELECT id::int, seq::int, correlation_id AS "correlationId" FROM audit_log ORDER BY id`);
  const read = async (correlationId: string, first = 3) =>
    app.graphql(
      { query: NAMES, operationName: "Names", variables: { first } },
      { ...(await authHeaders("HEALTH", "431221")), "x-request-id": correlationId },
    );

  it("writes a lone read's entry at once, with one statement", async () => {
    const before = database.statements.audit;
    const { body } = await read("lone-read");
    expect(body.errors).toBeUndefined();
    expect(database.statements.audit - before).toBe(1);
    const all = await entries();
    expect(all[all.length - 1]!.correlationId).toBe("lone-read");
  });

  it("writes 40 officers' simultaneous reads with no more statements than reads, one entry each, in one chain", async () => {
    const before = database.statements.audit;
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(ids.map((id, i) => read(id, 1 + (i % 5))));
    for (const { body } of answers) expect(body.errors).toBeUndefined();
    const statements = database.statements.audit - before;
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(ids.length);
    // PGlite answers in this very thread, so each read is done before the next one reaches the audit:
    // nothing queues behind a write there. Over a network connection, reads queue and share writes.
    if (onPostgres) expect(statements).toBeLessThan(ids.length);

    const all = await entries();
    const burst = all.filter((e) => e.correlationId.startsWith("burst-"));
    expect(burst.map((e) => e.correlationId).sort()).toEqual([...ids].sort());
    // Positions follow the order of the rows, with nothing skipped.
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(await verifyAuditChain(database, anchor)).toMatchObject({ ok: true, entries: all.length, problems: [] });
  });

  it("writes the entries that queue while a write is under way together: one statement for the lot, batches capped", async () => {
    const writer = new AuditWriter(database, anchor, { every: 1000, seconds: 3600, batchMax: 16 });
    await writer.start();
    const before = database.statements.audit;
    // 40 reads reach the audit in the same instant: the first is written at once, alone; the other
    // 39 wait for that write and then go in batches of at most 16.
    await Promise.all(Array.from({ length: 40 }, (_, i) => writer.append(namesRead("officer-batch", `batch-${i}`, i))));
    expect(database.statements.audit - before).toBe(1 + 3);
    await writer.stop();
    const all = await entries();
    expect(all.filter((e) => e.correlationId.startsWith("batch-")).map((e) => e.correlationId)).toEqual(
      Array.from({ length: 40 }, (_, i) => `batch-${i}`),
    );
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(await verifyAuditChain(database, anchor)).toMatchObject({ ok: true, entries: all.length, problems: [] });
  });

  it("still gives away an entry changed in the middle of a batch", async () => {
    const burst = (await entries()).filter((e) => e.correlationId.startsWith("batch-"));
    const victim = burst[Math.floor(burst.length / 2)]!;
    await database.rows(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await database.rows(sql`UPDATE audit_log SET record_count = record_count + 1 WHERE id = ${victim.id}`);
    await database.rows(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    const report = await verifyAuditChain(database, anchor);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ id: victim.id, reason: expect.stringMatching(/differs from its HMAC/) });
    // Put back as it was, for the story after this one.
    await database.rows(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await database.rows(sql`UPDATE audit_log SET record_count = record_count - 1 WHERE id = ${victim.id}`);
    await database.rows(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    expect((await verifyAuditChain(database, anchor)).ok).toBe(true);
  });

  it.skipIf(!onPostgres)(
    "gives up a write that cannot finish (stuck behind the audit's lock): its read is answered 503 in time, and the next write goes through once the lock is free",
    async () => {
      const writer = new AuditWriter(database, anchor, { every: 1000, seconds: 3600, writeTimeoutMs: 500 });
      await writer.start();
      // Another session holds the lock the writer needs once it finds its head taken.
      const holder = await openDatabase({ url: database.url! });
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = holder.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isLocked;
      try {
        const started = Date.now();
        await expect(writer.append(namesRead("officer-stuck", "stuck-0", 40))).rejects.toMatchObject({
          extensions: { code: "SERVICE_UNAVAILABLE" },
          message: expect.stringMatching(/could not be recorded in the audit/),
        });
        // Given up at its bound, not held until the lock is released.
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        release();
        await holding;
        await holder.close();
      }
      await writer.append(namesRead("officer-stuck", "after-stuck", 41));
      await writer.stop();
      const all = await entries();
      expect(all.some((e) => e.correlationId === "stuck-0")).toBe(false);
      expect(all[all.length - 1]!.correlationId).toBe("after-stuck");
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      expect(await verifyAuditChain(database, anchor)).toMatchObject({ ok: true, entries: all.length, problems: [] });
    },
  );

  describe("when the database refuses the audit's writes", () => {
    afterEach(async () => {
      await database.rows(sql`DROP TRIGGER IF EXISTS audit_log_refused ON audit_log`);
    });

    it("withholds the data of every read the failed write carried, and the chain goes on without a hole", async () => {
      const before = await entries();
      // An administrator's trigger, a full disk, a broken constraint: the INSERT fails.
      await database.rows(
        sql`CREATE TRIGGER audit_log_refused BEFORE INSERT ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`,
      );
      const refused = await Promise.all(Array.from({ length: 6 }, (_, i) => read(`refused-${i}`)));
      for (const { status, body } of refused) {
        expect(body.data ?? null).toBeNull();
        expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
        expect(body.errors?.[0]?.message).toMatch(/could not be recorded in the audit/);
        expect(status).toBe(503);
      }
      expect(await entries()).toEqual(before);

      await database.rows(sql`DROP TRIGGER audit_log_refused ON audit_log`);
      const again = await Promise.all(Array.from({ length: 6 }, (_, i) => read(`after-${i}`)));
      for (const { body } of again) expect(body.errors).toBeUndefined();
      const after = await entries();
      expect(after.length).toBe(before.length + 6);
      expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
      expect(after.some((e) => e.correlationId.startsWith("refused-"))).toBe(false);
      expect(await verifyAuditChain(database, anchor)).toMatchObject({ ok: true, entries: after.length });
    });
  });
});

describe.skipIf(!onPostgres)("two API servers appending to one database's audit", () => {
  let database: TestDatabase;
  let app: App | undefined;
  let server: Server | undefined;
  let other: Started | undefined;
  // Both servers hold the same keys and write checkpoints to the same folder (this story's own).
  const keys = configWithKeys({ JWT_SECRET: testConfig.JWT_SECRET! });
  const env = {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    AUTO_SEED: "none",
    JWT_SECRET: testConfig.JWT_SECRET!,
    AUDIT_HMAC_KEY: keys.AUDIT_HMAC_KEY!,
    AUDIT_SIGNING_KEY_FILE: keys.AUDIT_SIGNING_KEY_FILE!,
    AUDIT_CHECKPOINT_DIR: keys.AUDIT_CHECKPOINT_DIR!,
    RATE_LIMIT_PUBLIC: "off",
    RATE_LIMIT_TOKEN: "off",
    RATE_LIMIT_API_KEY: "off",
  };

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    other?.child.kill("SIGKILL");
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await app?.stop();
    await database?.dispose();
  });

  it(
    "keeps one chain when both serve officers at once: every read recorded once, the chain verified",
    async () => {
      // This process serves with its own pool; the other is a separate server process on the same database.
      app = await createApp(loadConfig(env), database);
      server = testServer(app.handle);
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      const here = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const port = 4130;
      other = startProcess({ ...process.env, ...env, DATABASE_URL: database.url!, PORT: String(port) });
      await other.serving;
      const there = `http://127.0.0.1:${port}`;

      const headers = await authHeaders("HEALTH", "431221");
      const readAt = async (origin: string, id: string) => {
        const response = await post(
          origin,
          { query: NAMES, variables: { first: 2 } },
          { ...headers, "x-request-id": id },
        );
        const body = (await response.json()) as { errors?: unknown[] };
        expect(body.errors).toBeUndefined();
      };
      // Eight clients on each server, 25 reads each: the two servers' batches interleave.
      const clients = (origin: string, name: string) =>
        Array.from({ length: 8 }, async (_, c) => {
          for (let i = 0; i < 25; i++) await readAt(origin, `${name}-${c}-${i}`);
        });
      await Promise.all([...clients(here, "here"), ...clients(there, "there")]);

      // The other server stops as an operator stops it: its last checkpoint written.
      other.child.kill("SIGTERM");
      expect(await other.exited).toBe(0);
      await app.stop();
      app = undefined;

      const rows = await database.rows<Entry>(
        sql`SELECT id::int, seq::int, correlation_id AS "correlationId" FROM audit_log ORDER BY id`,
      );
      const ids = rows.map((r) => r.correlationId);
      expect(ids.filter((id) => id.startsWith("here-"))).toHaveLength(200);
      expect(ids.filter((id) => id.startsWith("there-"))).toHaveLength(200);
      expect(new Set(ids).size).toBe(ids.length);
      // The two servers' writes took turns in the chain (else this story would not have tested sharing).
      const turns = ids.filter((id, i) => i > 0 && id.split("-")[0] !== ids[i - 1]!.split("-")[0]).length;
      expect(turns).toBeGreaterThan(1);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const report = await verifyAuditChain(database, loadAuditKeys(keys, { generate: false }));
      expect(report).toMatchObject({ ok: true, entries: 400, problems: [] });
      // Both servers signed checkpoints of the one chain, the last of them at its end.
      expect(report.latest?.statement.entries).toBe(400);
    },
    SPAWNS_A_SERVER,
  );
});
