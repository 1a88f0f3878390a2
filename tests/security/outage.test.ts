import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { readiness } from "../../src/db/readiness.js";
import { alertHub } from "../../src/modules/monitoring/alert.stream.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, testConfig } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { testServer } from "../helpers/server.js";

/** The bounds the service promises while PostgreSQL is away (issue: outages survived). */
const FAILS_WITHIN_MS = 2000;
const SERVES_AGAIN_WITHIN_MS = 5000;

interface Answer {
  kind: "read" | "write";
  start: number;
  end: number;
  status: number;
  code: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const READ = `{ households(first: 5, filter: { regionCode: "431221" }) { nodes { householdNumber members { name } } } }`;
const WRITE = `mutation($input: RecordHealthInput!) {
  recordHealth(input: $input) { ok unchanged error { code currentVersion } record { version } } }`;
/** Medical expenses are medical insurance's (医保) to record. */
const EXPENSE = `mutation($input: RecordMedicalInsuranceInput!) {
  recordMedicalInsurance(input: $input) { ok unchanged error { code currentVersion } record { version } } }`;

/**
 * The database is closed to new connections for maintenance (`ALLOW_CONNECTIONS false`) and the
 * server's connections are ended: an officer's read is a 503 she can retry, not an internal error,
 * and once the database opens again she is served without a restart.
 */
describe.skipIf(!onPostgres)("a database closed to new connections for maintenance (PostgreSQL only)", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let base: string;
  const admin = () => openDatabase({ url: process.env.DATABASE_URL! });

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.stop();
    await database?.dispose();
  });

  it("answers 503 SERVICE_UNAVAILABLE while it is closed, and serves again once it opens", async () => {
    const headers = { "content-type": "application/json", ...(await authHeaders("RURAL_REVITALIZATION", "431221")) };
    const read = async () => {
      const response = await fetch(base, { method: "POST", headers, body: JSON.stringify({ query: READ }) });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      return { status: response.status, code: body.errors?.[0]?.extensions?.code ?? null };
    };
    expect(await read()).toEqual({ status: 200, code: null });
    const name = new URL(database.url!).pathname.slice(1);
    const other = await admin();
    try {
      await other.db.execute(sql.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`));
      await other.db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name}`);
      // Right away, and after the server has had time to notice and try to connect again.
      for (const wait of [0, 1500, 0]) {
        await sleep(wait);
        expect(await read()).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" });
      }
    } finally {
      await other.db.execute(sql.raw(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`));
      await other.close();
    }
    let again = await read();
    for (let i = 0; i < 200 && again.status !== 200; i++) {
      await sleep(25);
      again = await read();
    }
    expect(again).toEqual({ status: 200, code: null });
  });
});

/**
 * An officer keeps working while the city's PostgreSQL goes away and comes back. The outage is
 * staged by cutting a TCP proxy between the server and PostgreSQL (connections reset, new ones
 * refused, as when PostgreSQL stops); the database itself is never touched.
 */
describe.skipIf(!onPostgres)(
  "a PostgreSQL outage, through a proxy the test cuts (PostgreSQL only: PGlite runs in this process, with no connection to cut)",
  () => {
    let database: TestDatabase;
    let proxy: TcpProxy;
    let proxied: Database;
    let app: App;
    let other: App;
    let server: Server;
    let base: string;
    const clients: Client[] = [];

    beforeAll(async () => {
      database = await openTestDatabase();
      const target = new URL(database.url!);
      proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      await proxy.listen();
      proxied = await openDatabase({ url: proxy.url(database.url!) });
      app = await createTestApp(proxied);
      // Another API server on the same database, with its own path to it: it goes on writing during the cut.
      other = await createTestApp(database);
      server = testServer(app.handle);
      app.serveSubscriptions(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const client of clients) await client.dispose();
      await app?.stop();
      await other?.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await proxied?.close();
      await proxy?.close();
      await database?.dispose();
    });

    it("answers 503 SERVICE_UNAVAILABLE while PostgreSQL is away, says not ready but alive, serves again when it returns, and keeps every acknowledged write", async () => {
      const members = await database.rows<{ id: number; version: number }>(sql`
        SELECT DISTINCT ON (m.household_id) m.id, m.version FROM members m JOIN households h ON h.id = m.household_id
        WHERE h.village_code LIKE '431221%' ORDER BY m.household_id, m.id LIMIT 4`);
      const registry = await authHeaders("RURAL_REVITALIZATION", "4312");
      const health = await authHeaders("HEALTH", "431221");
      const answers: Answer[] = [];
      const acknowledged: string[] = [];
      let stop = false;

      const record = async (kind: Answer["kind"], send: () => ReturnType<App["graphql"]>) => {
        const start = Date.now();
        let status = 0;
        let code = "THROWN";
        let body: Awaited<ReturnType<App["graphql"]>>["body"] | undefined;
        try {
          ({ status, body } = await send());
          code = String(body.errors?.[0]?.extensions?.code ?? "OK");
        } finally {
          answers.push({ kind, start, end: Date.now(), status, code });
        }
        return body;
      };
      const reader = async () => {
        while (!stop) {
          const body = await record("read", () => app.graphql({ query: READ }, registry));
          if (body?.errors) await sleep(20);
        }
      };
      const writer = async (member: { id: number; version: number }, w: number) => {
        let version = member.version;
        for (let n = 0; !stop; n++) {
          const reason = `outage test w${w} #${n}`;
          const input = {
            memberId: toGlobalId("Member", member.id),
            version,
            hasFamilyDoctorContract: n % 2 === 0,
            reason,
          };
          const body = await record("write", () => app.graphql({ query: WRITE, variables: { input } }, health));
          const result = body?.data?.recordHealth as
            | { ok: boolean; unchanged: boolean; error: { currentVersion: number } | null; record: { version: number } }
            | undefined;
          if (result?.ok) {
            if (!result.unchanged) acknowledged.push(reason);
            version = result.record.version;
          } else if (result?.error) {
            // A write answered 503 may have committed after all: its retry meets CONFLICT, never a second write.
            version = result.error.currentVersion;
          } else await sleep(20);
        }
      };
      const loops = [reader(), reader(), reader(), ...members.map((m, w) => writer(m, w))];
      await until(() => answers.filter((a) => a.code === "OK").length >= 8, "reads and writes before the cut");

      const cutAt = Date.now();
      proxy.cut("stop");
      await until(() => answers.filter((a) => a.start > cutAt).length >= 20, "answers during the cut");
      const ready = await fetch(`http://${base}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, database: "unreachable", migrations: "unknown" });
      const alive = await fetch(`http://${base}/health`);
      expect(alive.status).toBe(200);
      await sleep(1500);

      const restoredAt = Date.now();
      await proxy.restore();
      const servedAgain = (kind: Answer["kind"]) =>
        answers.find((a) => a.kind === kind && a.start >= restoredAt && a.code === "OK");
      await until(() => Boolean(servedAgain("read") && servedAgain("write")), "serving again after the restore");
      stop = true;
      await Promise.all(loops);

      // While it was away: every request answered, quickly, 503 with the code — none INTERNAL, none hanging.
      const during = answers.filter((a) => a.start > cutAt && a.start < restoredAt);
      expect(new Set(during.map((a) => `${a.status} ${a.code}`))).toEqual(new Set(["503 SERVICE_UNAVAILABLE"]));
      expect(Math.max(...during.map((a) => a.end - a.start))).toBeLessThan(FAILS_WITHIN_MS);
      // Those under way when it went: finished before it, or 503 soon after.
      const caught = answers.filter((a) => a.start <= cutAt && a.end > cutAt);
      for (const a of caught) expect(["200 OK", "503 SERVICE_UNAVAILABLE"]).toContain(`${a.status} ${a.code}`);
      expect(Math.max(0, ...caught.map((a) => a.end - cutAt))).toBeLessThan(FAILS_WITHIN_MS);
      // Back without a restart, within the bound.
      expect(servedAgain("read")!.end - restoredAt).toBeLessThan(SERVES_AGAIN_WITHIN_MS);
      expect(servedAgain("write")!.end - restoredAt).toBeLessThan(SERVES_AGAIN_WITHIN_MS);
      expect((await fetch(`http://${base}/ready`)).status).toBe(200);

      // Every write that was acknowledged is in the household's history, exactly once.
      expect(acknowledged.length).toBeGreaterThan(0);
      const kept = await database.rows<{ reason: string; n: number }>(sql`
        SELECT reason, count(*)::int AS n FROM household_events
        WHERE reason IN (${sql.join(
          acknowledged.map((r) => sql`${r}`),
          sql`, `,
        )}) GROUP BY reason`);
      expect(kept.map((k) => k.reason).sort()).toEqual([...acknowledged].sort());
      expect(kept.every((k) => k.n === 1)).toBe(true);
    });

    it("delivers to a subscriber, once each, the alerts committed while its LISTEN was lost", async () => {
      const { authorization } = await authHeaders("RURAL_REVITALIZATION", "4312");
      const client = createClient({
        url: `ws://${base}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: authorization!, "x-purpose": "monitoring" },
        retryAttempts: 0,
      });
      clients.push(client);
      const received: string[] = [];
      client.subscribe(
        { query: `subscription { alertRaised { id } }` },
        {
          next: (r) => received.push((r.data?.alertRaised as { id: string } | undefined)?.id ?? JSON.stringify(r)),
          error: (e) => received.push(`error ${JSON.stringify(e)}`),
          complete: () => {},
        },
      );
      const hub = alertHub(proxied);
      await until(() => hub.size === 1, "the subscriber listening");

      const patients = await database.rows<{ id: number; version: number; household_id: number }>(sql`
        SELECT DISTINCT ON (m.household_id) m.id, m.version, m.household_id
        FROM members m JOIN households h ON h.id = m.household_id
        WHERE h.village_code LIKE '431221%' AND h.status = 'EXITED' AND m.medical_expense_out_of_pocket < 1000
          AND NOT EXISTS (SELECT 1 FROM risk_alerts a WHERE a.household_id = h.id)
        ORDER BY m.household_id, m.id LIMIT 4`);
      expect(patients).toHaveLength(4);
      const insurance = await authHeaders("MEDICAL_INSURANCE", "431221");
      /** A medical expense recorded through the other server raises an alert there. */
      const raise = async (patient: (typeof patients)[number]) => {
        const input = {
          memberId: toGlobalId("Member", patient.id),
          version: patient.version,
          medicalExpenseOutOfPocket: 12000,
          medicalExpenseYear: new Date().getUTCFullYear(),
          reason: "住院结算",
        };
        const { body } = await other.graphql({ query: EXPENSE, variables: { input } }, insurance);
        expect(body.data?.recordMedicalInsurance).toMatchObject({ ok: true });
      };
      const alertIds = async () =>
        (
          await database.rows<{ id: number }>(sql`
            SELECT id FROM risk_alerts WHERE household_id IN (${sql.join(
              patients.map((p) => sql`${p.household_id}`),
              sql`, `,
            )}) ORDER BY id`)
        ).map((r) => toGlobalId("RiskAlert", r.id));

      await raise(patients[0]!);
      await until(() => received.length === 1, "the alert raised before the cut");

      proxy.cut("stop");
      // Committed while nothing reaches this server's LISTEN: NOTIFYed to nobody here.
      await raise(patients[1]!);
      await raise(patients[2]!);
      await sleep(500);
      await proxy.restore();
      await until(() => received.length >= 3, "the alerts of the gap");
      await raise(patients[3]!);
      await until(() => received.length >= 4, "the alert raised after the restore");
      // Time for a duplicate to show, if one were coming (a NOTIFY and a catch-up bringing the same alert).
      await sleep(1500);

      expect([...received].sort()).toEqual((await alertIds()).sort());
      expect(new Set(received).size).toBe(received.length);
    });

    it("cancels the statement of a request whose client hangs up, on the server, and applies none of its write", async () => {
      const member = await someMember(database);
      const release = await holdRowLock(database, member.id);
      const hangUp = new AbortController();
      const sent = fetch(`http://${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await authHeaders("HEALTH", "431221")) },
        body: JSON.stringify({ query: WRITE, variables: { input: changeOf(member) } }),
        signal: hangUp.signal,
      }).catch((error: Error) => error.name);
      try {
        await until(async () => (await lockWaits(database)) === 1, "the write waiting for the row lock");
        hangUp.abort();
        expect(await sent).toBe("AbortError");
        // Gone while the lock is still held: cancelled, not finished.
        await until(async () => (await lockWaits(database)) === 0, "the write's statement cancelled");
      } finally {
        await release();
      }
      await sleep(300);
      expect(await versionOf(database, member.id)).toBe(member.version);
    });
  },
);

interface Member {
  id: number;
  version: number;
  has_family_doctor_contract: boolean;
}

async function someMember(database: Database): Promise<Member> {
  const [member] = await database.rows<Member>(sql`
    SELECT m.id, m.version, m.has_family_doctor_contract FROM members m JOIN households h ON h.id = m.household_id
    WHERE h.village_code LIKE '431221%' ORDER BY m.id DESC LIMIT 1`);
  return member!;
}

/** A health record that would change the member (so that it shows if it was applied). */
const changeOf = (member: Member) => ({
  memberId: toGlobalId("Member", member.id),
  version: member.version,
  hasFamilyDoctorContract: !member.has_family_doctor_contract,
  reason: "家庭医生签约",
});

async function versionOf(database: Database, memberId: number): Promise<number> {
  const [row] = await database.rows<{ version: number }>(sql`SELECT version FROM members WHERE id = ${memberId}`);
  return row!.version;
}

/** One request cannot hold the server or the database past its bounds, on either driver. */
describe("a request's bounds", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("answers DEADLINE_EXCEEDED (HTTP 504) when a write waits past the request deadline, and applies none of it", async () => {
    const app = await createApp({ ...testConfig, REQUEST_DEADLINE_MS: 300 }, database);
    const member = await someMember(database);
    const release = await holdRowLock(database, member.id);
    let answer: Awaited<ReturnType<App["graphql"]>>;
    try {
      answer = await app.graphql(
        { query: WRITE, variables: { input: changeOf(member) } },
        await authHeaders("HEALTH", "431221"),
      );
      if (database.driver === "postgres") {
        // Cancelled on the server, not left waiting for the lock.
        await until(async () => (await lockWaits(database)) === 0, "the write's statement cancelled");
      }
    } finally {
      await release();
    }
    expect(answer.status).toBe(504);
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["DEADLINE_EXCEEDED"]);
    await sleep(300);
    expect(await versionOf(database, member.id)).toBe(member.version);
    await app.stop();
  });

  it("does not apply the write of a client that hung up, whatever it was waiting for", async () => {
    const app = await createApp(testConfig, database);
    const server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const member = await someMember(database);
    const release = await holdRowLock(database, member.id);
    const hangUp = new AbortController();
    try {
      const sent = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await authHeaders("HEALTH", "431221")) },
        body: JSON.stringify({ query: WRITE, variables: { input: changeOf(member) } }),
        signal: hangUp.signal,
      }).catch((error: Error) => error.name);
      await sleep(200);
      hangUp.abort();
      expect(await sent).toBe("AbortError");
      // The server has seen the client go once it has no connection left.
      await until(
        () => new Promise<boolean>((resolve) => server.getConnections((_, n) => resolve(n === 0))),
        "the server seeing the client go",
      );
    } finally {
      await release();
    }
    await sleep(500);
    expect(await versionOf(database, member.id)).toBe(member.version);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.stop();
  });

  it.skipIf(!onPostgres)(
    "answers DEADLINE_EXCEEDED when a statement runs past statement_timeout (PostgreSQL only: PGlite cannot time a statement)",
    async () => {
      const bounded = await openDatabase({ url: database.url!, statementTimeoutMs: 200 });
      const app = await createApp(testConfig, bounded);
      const member = await someMember(database);
      const release = await holdRowLock(database, member.id);
      let answer: Awaited<ReturnType<App["graphql"]>>;
      try {
        answer = await app.graphql(
          { query: WRITE, variables: { input: changeOf(member) } },
          await authHeaders("HEALTH", "431221"),
        );
      } finally {
        await release();
      }
      expect(answer.status).toBe(504);
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["DEADLINE_EXCEEDED"]);
      expect(await versionOf(database, member.id)).toBe(member.version);
      await app.stop();
      await bounded.close();
    },
  );

  it("answers 503 SERVICE_UNAVAILABLE and is not ready once its database is closed, while /health stays up", async () => {
    const closing = await openTestDatabase({ seed: false });
    const app = await createApp(testConfig, closing);
    const server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/ready`)).json()).toEqual({
        ready: true,
        database: "reachable",
        migrations: "current",
      });
      await closing.close();
      const { status, body } = await app.graphql({ query: `{ villages(first: 1) { totalCount } }` });
      expect(status).toBe(503);
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, database: "unreachable", migrations: "unknown" });
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await closing.dispose();
    }
  });

  it("is not ready on a database its migrations have not been applied to", async () => {
    const bare = await openDatabase();
    expect(await readiness(bare)).toEqual({ ready: false, database: "reachable", migrations: "pending" });
    await migrate(bare);
    expect(await readiness(bare)).toEqual({ ready: true, database: "reachable", migrations: "current" });
    await bare.close();
  });
});

async function lockWaits(database: Database): Promise<number> {
  const [row] = await database.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return row!.n;
}

/**
 * Holds a member's row lock in a transaction until released. On PostgreSQL a write to that member
 * waits for the lock; on PGlite, which runs one transaction at a time, every statement waits.
 */
async function holdRowLock(database: Database, memberId: number): Promise<() => Promise<void>> {
  let release!: () => void;
  let locked!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (locked = resolve));
  const transaction = database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM members WHERE id = ${memberId} FOR UPDATE`);
    locked();
    await gate;
  });
  await held;
  return async () => {
    release();
    await transaction;
  };
}
