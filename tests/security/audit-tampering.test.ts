import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { AuditWriter } from "../../src/access/audit.js";
import { unkeyedLink, type EntryContent } from "../../src/access/audit-chain.js";
import { loadAuditKeys, type AuditKeys } from "../../src/access/audit-keys.js";
import { verifyAuditChain } from "../../src/access/audit-verify.js";
import type { Config } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { configWithKeys } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

// Starting tsx and a database in a child process is slow on a busy machine.
const SPAWNS_A_SERVER_OR_TOOL = 180_000;

/**
 * The database superuser (the README connects as `postgres`) wants a read to disappear from the
 * audit, or to look like another read. The trigger stops UPDATE and DELETE, so the first thing
 * they do is switch it off; then they change, delete or rewrite entries — re-hashing the chain the
 * way it used to be hashed (plain SHA-256). They hold the database, not the server's HMAC key nor
 * the checkpoint signing key, and the checkpoints are not in the database.
 */

interface Row extends EntryContent {
  id: number;
  seq: number | null;
  keyId: string | null;
  prevHash: string;
  hash: string;
}

const CHECKPOINT_EVERY = 4;

describe("an audit a superuser cannot quietly rewrite", () => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.dispose();
  });

  /** A fresh database with `reads` audit entries written by the server's writer, checkpoints and all. */
  async function auditedDatabase(reads = 10) {
    const database = await openTestDatabase({ seed: false });
    opened.push(database);
    const config = configWithKeys({ AUDIT_CHECKPOINT_EVERY: String(CHECKPOINT_EVERY) });
    const keys = loadAuditKeys(config);
    await appendReads(database, keys, config, reads);
    return { database, config, keys };
  }

  async function appendReads(database: Database, keys: AuditKeys, config: Config, reads: number, from = 0) {
    const writer = new AuditWriter(database, keys, { every: config.AUDIT_CHECKPOINT_EVERY, seconds: 3600 });
    await writer.start();
    for (let i = from; i < from + reads; i++) {
      await writer.append({
        principal: `officer-${i % 3}`,
        department: i % 2 ? "HEALTH" : "CIVIL_AFFAIRS",
        region: "431221",
        operationName: `Read${i}`,
        document: `{ members { name } } # ${i}`,
        fields: ["Member.idNumber", "Member.name"],
        recordCount: 10 + i,
        householdIds: [100 + i, 200 + i],
        purpose: { code: "ASSISTANCE_REVIEW", text: `第${i}次核查` },
        requestId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        correlationId: null,
      });
    }
    await writer.stop();
  }

  /** What the superuser does first: the append-only trigger off, the change, the trigger on again. */
  async function asSuperuser(database: TestDatabase, ...statements: ReturnType<typeof sql>[]) {
    await database.rows(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    for (const statement of statements) await database.rows(statement);
    await database.rows(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  }

  const entries = (database: TestDatabase) =>
    database.rows<Row>(
      sql`SELECT id::int, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, principal, department,
                 region, operation_name AS "operationName", document_hash AS "documentHash", fields,
                 record_count AS "recordCount", household_ids AS "householdIds", purpose, purpose_text AS "purposeText",
                 request_id AS "requestId", correlation_id AS "correlationId", seq::int, key_id AS "keyId",
                 prev_hash AS "prevHash", hash
          FROM audit_log ORDER BY id`,
    );

  /**
   * The old, unkeyed way of linking — what anyone with the database can recompute — applied to the
   * entries from index `from` to `to` (exclusive) after `change`, each linked to the one before.
   */
  async function rehashWithoutKey(database: TestDatabase, change: (rows: Row[]) => Row[], from = 0, to = Infinity) {
    const all = change(await entries(database));
    const rows = all.slice(from, to);
    let prev = from ? all[from - 1]!.hash : "0".repeat(64);
    const updates = rows.map((row) => {
      const hash = unkeyedLink(prev, row);
      const statement = sql`UPDATE audit_log SET principal = ${row.principal}, record_count = ${row.recordCount},
                              seq = ${row.seq}, key_id = ${row.keyId}, prev_hash = ${prev}, hash = ${hash}
                            WHERE id = ${row.id}`;
      prev = hash;
      return statement;
    });
    // Links are unique: park them first so that rewriting one never collides with another's old value.
    const ids = rows.map((r) => r.id);
    await asSuperuser(
      database,
      sql`UPDATE audit_log SET hash = md5(hash) || md5(id::text) WHERE id BETWEEN ${ids[0]} AND ${ids[ids.length - 1]}`,
      ...updates,
    );
  }

  it("verifies the untouched chain as intact, every checkpoint matching", async () => {
    const { database, keys } = await auditedDatabase();
    const report = await verifyAuditChain(database, keys);
    expect(report).toMatchObject({ ok: true, entries: 10, unkeyed: 0, problems: [] });
    // At start (0 entries), after 4 and 8, and at stop (10).
    expect(report.checkpoints).toBe(4);
    expect(report.latest?.statement).toMatchObject({ entries: 10, unkeyedEntries: 0, keyId: keys.chain.id });
  });

  it("detects a changed entry: its HMAC no longer matches, and nobody without the key can make it match", async () => {
    const { database, keys } = await auditedDatabase();
    const [victim] = await entries(database).then((rows) => rows.slice(4, 5));
    await asSuperuser(database, sql`UPDATE audit_log SET principal = 'someone-else' WHERE id = ${victim!.id}`);
    const report = await verifyAuditChain(database, keys);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ id: victim!.id, reason: expect.stringMatching(/differs from its HMAC/) });
  });

  it("detects an entry deleted from the middle: the next one no longer links to the one before it", async () => {
    const { database, keys } = await auditedDatabase();
    const rows = await entries(database);
    await asSuperuser(database, sql`DELETE FROM audit_log WHERE id = ${rows[5]!.id}`);
    const report = await verifyAuditChain(database, keys);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ id: rows[6]!.id, reason: expect.stringMatching(/does not link/) });
    expect(report.entries).toBe(5);
  });

  it("detects entries deleted from the end, which leave a valid but shorter chain, by the last checkpoint", async () => {
    const { database, keys } = await auditedDatabase();
    const rows = await entries(database);
    await asSuperuser(database, sql`DELETE FROM audit_log WHERE id >= ${rows[9]!.id}`);
    const report = await verifyAuditChain(database, keys);
    expect(report.brokenAt).toBeUndefined();
    expect(report.entries).toBe(9);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/covers 10 entries up to entry \d+, which is no longer there; the chain now ends after 9/),
    ]);
  });

  it("detects a rewrite that re-hashes every later entry the old way, and a whole chain passed off as pre-key", async () => {
    const { database, keys } = await auditedDatabase();
    // One read is made to look like another principal's, and the chain after it recomputed.
    await rehashWithoutKey(database, (rows) => rows.map((r, i) => (i === 3 ? { ...r, principal: "officer-x" } : r)), 3);
    const rows = await entries(database);
    let report = await verifyAuditChain(database, keys);
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toEqual({ id: rows[3]!.id, reason: expect.stringMatching(/differs from its HMAC/) });

    // Cleverer: every entry made "from before the chain was keyed" (no seq, no key), so the whole
    // chain verifies by plain SHA-256, and the last read dropped. The checkpoints remember.
    await asSuperuser(database, sql`DELETE FROM audit_log WHERE id = ${rows[9]!.id}`);
    await rehashWithoutKey(database, (all) => all.map((r) => ({ ...r, seq: null, keyId: null })));
    report = await verifyAuditChain(database, keys);
    expect(report.brokenAt).toBeUndefined();
    expect(report.unkeyed).toBe(9);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/says the first 0 entries predate the keyed chain; the database has 9/),
        expect.stringMatching(/no longer there/),
      ]),
    );
  });

  it("refuses entries linked with a key guessed by the tamperer", async () => {
    const { database, keys } = await auditedDatabase(3);
    // A forged entry appended by someone running the writer with a key of their own.
    const forger = loadAuditKeys(configWithKeys());
    await appendReads(database, forger, configWithKeys(), 1, 50);
    const rows = await entries(database);
    const report = await verifyAuditChain(database, keys);
    expect(report.brokenAt).toEqual({ id: rows[3]!.id, reason: expect.stringMatching(/linked with another key/) });
  });

  it("refuses a checkpoint edited, or re-signed with another key, to cover up a deleted tail", async () => {
    const { database, keys } = await auditedDatabase();
    const rows = await entries(database);
    await asSuperuser(database, sql`DELETE FROM audit_log WHERE id >= ${rows[8]!.id}`);
    // Someone who can write to the checkpoint folder, but holds no signing key, makes the newest
    // checkpoint say the chain ended at the 8th entry: as it stands, and re-signed with a key of their own.
    const dir = keys.checkpointDir!;
    const newest = readdirSync(dir).filter((n) => n.startsWith("000000000010"))[0]!;
    const file = JSON.parse(readFileSync(join(dir, newest), "utf8")) as { statement: Record<string, unknown> };
    const statement = { ...file.statement, entries: 8, lastId: rows[7]!.id, head: rows[7]!.hash };
    writeFileSync(join(dir, newest), JSON.stringify({ ...file, statement }));
    const { privateKey } = generateKeyPairSync("ed25519");
    const signature = sign(null, Buffer.from(JSON.stringify(statement)), privateKey).toString("base64");
    writeFileSync(join(dir, "000000000008-resigned.json"), JSON.stringify({ statement, signature }));
    const report = await verifyAuditChain(database, keys);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.stringMatching(/000000000008-resigned\.json: its signature does not hold/),
      expect.stringMatching(new RegExp(`${newest}: its signature does not hold`)),
    ]);
  });

  it("keeps entries from before the keyed chain verifiable, and sealed from the first keyed entry on", async () => {
    const database = await openTestDatabase({ seed: false });
    opened.push(database);
    // Three entries as the writer before migration 0009 wrote them: plain SHA-256 links, no seq, no key.
    let prev = "0".repeat(64);
    for (let i = 0; i < 3; i++) {
      const entry: EntryContent = {
        at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        principal: "legacy-officer",
        department: "HEALTH",
        region: "431221",
        operationName: null,
        documentHash: "a".repeat(64),
        fields: ["Member.name"],
        recordCount: 1,
        householdIds: [i],
        purpose: "参保核查",
        purposeText: null,
        requestId: `legacy-${i}`,
        correlationId: null,
      };
      const hash = unkeyedLink(prev, entry);
      await database.rows(
        sql`INSERT INTO audit_log (at, principal, department, region, operation_name, document_hash, fields, record_count,
                                   household_ids, purpose, request_id, prev_hash, hash)
            VALUES (${entry.at}, ${entry.principal}, ${entry.department}, ${entry.region}, NULL, ${entry.documentHash},
                    ARRAY['Member.name'], 1, ARRAY[${i}]::int[], ${entry.purpose}, ${entry.requestId}, ${prev}, ${hash})`,
      );
      prev = hash;
    }
    const config = configWithKeys({ AUDIT_CHECKPOINT_EVERY: String(CHECKPOINT_EVERY) });
    const keys = loadAuditKeys(config);
    await appendReads(database, keys, config, 5);
    const report = await verifyAuditChain(database, keys);
    expect(report).toMatchObject({ ok: true, entries: 8, unkeyed: 3, problems: [] });
    expect(report.latest?.statement).toMatchObject({ entries: 8, unkeyedEntries: 3 });
    const [first] = await entries(database).then((rows) => rows.filter((r) => r.seq !== null));
    expect(first!.seq).toBe(4);

    // A pre-key entry rewritten and its prefix re-hashed: the first keyed entry no longer links to it.
    await rehashWithoutKey(database, (rows) => rows.map((r, i) => (i === 1 ? { ...r, recordCount: 0 } : r)), 1, 3);
    const tampered = await verifyAuditChain(database, keys);
    expect(tampered.ok).toBe(false);
    expect(tampered.brokenAt).toEqual({ id: first!.id, reason: expect.stringMatching(/does not link/) });
  });

  it("does not serve when it cannot write its checkpoints: an unanchored audit is no audit", async () => {
    const database = await openTestDatabase({ seed: false });
    opened.push(database);
    const notAFolder = join(process.env.XG_TEST_AUDIT_DIR!, `file-${randomBytes(4).toString("hex")}`);
    writeFileSync(notAFolder, "");
    const keys = loadAuditKeys(configWithKeys({ AUDIT_CHECKPOINT_DIR: join(notAFolder, "checkpoints") }));
    await expect(new AuditWriter(database, keys).start()).rejects.toThrow(
      /^The audit checkpoint folder .*checkpoints is not writable: ENOTDIR/,
    );
  });

  it(
    "has `npm run audit:verify` say so, with the keys and the checkpoints, and exit 1 after tampering",
    async () => {
      // The command opens the database itself: a PGlite folder here (PostgreSQL is the same code).
      const dataDir = join(process.env.XG_TEST_AUDIT_DIR!, `pglite-${randomBytes(4).toString("hex")}`);
      const config = configWithKeys({ PGLITE_DIR: dataDir });
      const database = await openDatabase({ dataDir });
      await migrate(database);
      await appendReads(database, loadAuditKeys(config), config, 6);
      const [last] = await database.rows<{ id: number }>(sql`SELECT max(id)::int AS id FROM audit_log`);
      await database.close();

      const env = {
        ...process.env,
        DATABASE_URL: "",
        NODE_ENV: "test",
        PGLITE_DIR: dataDir,
        AUDIT_HMAC_KEY: config.AUDIT_HMAC_KEY!,
        AUDIT_SIGNING_KEY_FILE: "",
        AUDIT_VERIFY_KEY_FILE: config.AUDIT_SIGNING_KEY_FILE!.replace(/\.key$/, ".pub"),
        AUDIT_CHECKPOINT_DIR: config.AUDIT_CHECKPOINT_DIR!,
      };
      const verify = () =>
        promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/audit-verify.ts"], { env }).then(
          (out) => ({ code: 0, stdout: out.stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      const intact = await verify();
      expect(intact.stdout).toMatch(/6 entries verified with HMAC key [0-9a-f]{16}\./);
      expect(intact.stdout).toMatch(/Audit log intact\./);
      expect(intact.code).toBe(0);

      const again = await openDatabase({ dataDir });
      await again.rows(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await again.rows(sql`DELETE FROM audit_log WHERE id = ${last!.id}`);
      await again.close();
      const tampered = await verify();
      expect(tampered.stdout).toMatch(/TAMPERING: .*deleted from its end/);
      expect(tampered.stdout).toMatch(/Audit log NOT intact\./);
      expect(tampered.code).toBe(1);
    },
    SPAWNS_A_SERVER_OR_TOOL,
  );
});
