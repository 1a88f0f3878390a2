import { eq, getTableColumns, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { households, members } from "../../src/db/schema.js";
import { comparePositions, decodePosition } from "../../src/modules/changes/change.position.js";
import { pruneChanges } from "../../src/modules/changes/change.service.js";
import { FEED_TYPES } from "../../src/modules/changes/change.tables.js";
import { authHeaders, useTestApp } from "../helpers/app.js";
import { onPostgres } from "../helpers/database.js";
import { feedQuery, feedReader, type FeedEntry } from "../helpers/feed.js";

type Entry = FeedEntry;
const FEED = feedQuery;

const REGISTRY_FEED = FEED(`
  ... on Household { address villageCode }
  ... on Member { name idNumber healthStatus schoolingStatus }
  ... on Village { name }`);
const EDUCATION_FEED = FEED(`
  ... on Household { address }
  ... on Member { name idNumber schoolingStatus }`);

describe("an integrator follows the change feed", () => {
  const t = useTestApp();

  const { follow, now } = feedReader(t, REGISTRY_FEED);

  it("delivers creations, updates and deletions once each, in the order they were written, page after page", async () => {
    const start = await now();
    const home = await t.facts.household({ region: "431221", members: [{ age: 40 }, { age: 12 }] });
    await t.database.db.update(households).set({ address: "新地址1号" }).where(eq(households.id, home.rowId));
    await t.database.db.delete(members).where(eq(members.id, home.members[1]!.rowId));

    const { entries, position } = await follow(start, { first: 2, types: ["Household", "Member"] });
    // Each entry carries the row as it is now: the second member, created and deleted since the
    // last pull, is only its tombstone (its creation has nothing left to show).
    expect(entries.map((e) => [e.operation, e.type, e.id])).toEqual([
      ["CREATED", "Household", home.id],
      ["CREATED", "Member", home.members[0]!.id],
      ["UPDATED", "Household", home.id],
      ["DELETED", "Member", home.members[1]!.id],
    ]);
    expect(entries[2]!.changedFields).toEqual(["address"]);
    expect(entries[2]!.node).toMatchObject({ id: home.id, address: "新地址1号" });
    // A tombstone is the id alone.
    expect(entries[3]!.node).toBeNull();
    // Positions only move forward, and the last page's position is past every entry.
    const positions = entries.map((e) => decodePosition(e.position));
    for (let i = 1; i < positions.length; i++)
      expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);

    // Nothing new: the feed from the last position is empty and caught up.
    const again = await follow(position);
    expect(again.entries).toEqual([]);
  });

  it("never names a field, or shows a value, the department may not read", async () => {
    const education = await authHeaders("EDUCATION");
    const start = await now(education);
    const home = await t.facts.household({ region: "431221", members: [{ age: 40 }, { age: 11 }] });
    const child = home.members[1]!;
    const [{ idNumber }] = (await t.database.db
      .select({ idNumber: members.idNumber })
      .from(members)
      .where(eq(members.id, child.rowId))) as [{ idNumber: string }];
    const after = (await follow(start, { headers: education, query: EDUCATION_FEED })).position;

    // Health is not EDUCATION's to read: a change of it alone is not in its feed at all.
    await t.database.db.update(members).set({ healthStatus: "CHRONIC_ILLNESS" }).where(eq(members.id, child.rowId));
    // Both at once: only the field it may read is named.
    await t.database.db
      .update(members)
      .set({ healthStatus: "HEALTHY", schoolingStatus: "DROPPED_OUT" })
      .where(eq(members.id, child.rowId));
    const { entries } = await follow(after, { headers: education, query: EDUCATION_FEED });
    expect(entries.map((e) => [e.operation, e.id, e.changedFields])).toEqual([
      ["UPDATED", child.id, ["schoolingStatus"]],
    ]);
    expect(entries[0]!.node).toMatchObject({ schoolingStatus: "DROPPED_OUT" });
    // The id number is masked for EDUCATION, in the feed as in queries.
    expect(entries[0]!.node!.idNumber).not.toBe(idNumber);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(idNumber);
    expect(text).not.toMatch(/healthStatus|CHRONIC_ILLNESS/);
    // Read like any query: the personal field it carried is in the read audit, with the household.
    const [audited] = await t.database.rows<{ fields: string[]; household_ids: number[] }>(
      sql`SELECT fields, household_ids FROM audit_log WHERE department = 'EDUCATION' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited!.fields).toContain("Member.idNumber");
    expect(audited!.household_ids).toContain(home.rowId);
    // The registry owner, who reads health, sees both changes.
    const registry = await follow(after);
    expect(registry.entries.filter((e) => e.id === child.id).map((e) => e.changedFields)).toEqual([
      ["healthStatus"],
      ["healthStatus", "schoolingStatus"],
    ]);
  });

  it("shows a county's department only its county: other rows never appear, a row that leaves is a tombstone", async () => {
    const zhijiang = await authHeaders("EDUCATION", "431221");
    const start = await now(zhijiang);
    const elsewhere = await t.facts.household({ region: "431202", members: [{ age: 30 }] });
    const mover = await t.facts.household({ region: "431221", members: [{ age: 50 }] });
    const target = await t.facts.village("431202");
    const options = { headers: zhijiang, query: EDUCATION_FEED, types: ["Household", "Member"] };
    const created = await follow(start, options);
    expect(created.entries.map((e) => [e.operation, e.id, e.node?.id ?? null])).toEqual([
      ["CREATED", mover.id, mover.id],
      ["CREATED", mover.members[0]!.id, mover.members[0]!.id],
    ]);
    await t.database.db.update(households).set({ address: "外县地址" }).where(eq(households.id, elsewhere.rowId));
    // The household moves to a village of the other county (its members follow: ON UPDATE CASCADE).
    await t.database.db.update(households).set({ villageCode: target.code }).where(eq(households.id, mover.rowId));
    await t.database.db.update(households).set({ address: "搬迁后地址" }).where(eq(households.id, mover.rowId));

    const { entries } = await follow(created.position, options);
    // The move is a tombstone for the household and its member; the later change is not Zhijiang's.
    expect(entries.map((e) => [e.operation, e.id, e.node?.id ?? null])).toEqual([
      ["LEFT_SCOPE", mover.id, null],
      ["LEFT_SCOPE", mover.members[0]!.id, null],
    ]);
    expect(JSON.stringify([...created.entries, ...entries])).not.toContain(elsewhere.id);

    // The other county's department sees the same household arrive, whole.
    const huaihua = await authHeaders("EDUCATION", "431202");
    const arrived = await follow(start, { headers: huaihua, query: EDUCATION_FEED, types: ["Household"] });
    expect(arrived.entries.map((e) => [e.operation, e.id])).toEqual([
      ["CREATED", elsewhere.id],
      ["UPDATED", elsewhere.id],
      ["ENTERED_SCOPE", mover.id],
      ["UPDATED", mover.id],
    ]);
    expect(arrived.entries[2]!.node).toMatchObject({ address: expect.any(String) });
  });

  it("answers a position older than the retention with CHANGES_EXPIRED, and a made-up one with INVALID_POSITION", async () => {
    const old = await now();
    await t.facts.household({ region: "431221" });
    // The retention job runs with everything already old.
    expect(await pruneChanges(t.database, new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const expired = await t.query(REGISTRY_FEED, { after: old, first: 10 });
    expect(expired.errors?.[0]?.extensions?.code).toBe("CHANGES_EXPIRED");
    expect(expired.errors?.[0]?.message).toMatch(/export again/);
    // A cursor of another list is no position; text that is no cursor at all is refused before anything runs.
    const households = await t.data<{ households: { pageInfo: { endCursor: string } } }>(
      `{ households(first: 1) { pageInfo { endCursor } } }`,
    );
    const other = await t.query(REGISTRY_FEED, { after: households.households.pageInfo.endCursor, first: 10 });
    expect(other.errors?.[0]?.extensions?.code).toBe("INVALID_POSITION");
    const made = await t.query(REGISTRY_FEED, { after: "bm90LWEtcG9zaXRpb24", first: 10 });
    expect(made.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // A position taken after the pruning is served.
    const fresh = await now();
    expect((await follow(fresh)).entries).toEqual([]);
  });

  it("delivers every change of concurrent writers exactly once, in transaction order, to a reader polling meanwhile", async () => {
    const start = await now();
    const homes = await Promise.all([1, 2, 3, 4].map(() => t.facts.household({ region: "431221", members: [] })));
    const seen: Entry[] = [];
    let position = start;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const page = await follow(position, { types: ["Household"], first: 7, heldBack: true });
        seen.push(...page.entries);
        position = page.position;
      }
    })();
    // Four writers, each updating its own household ten times, one transaction per write.
    await Promise.all(
      homes.map(async (home, w) => {
        for (let i = 1; i <= 10; i++) {
          await t.database.db.transaction(async (tx) => {
            await tx
              .update(households)
              .set({ address: `写者${w}第${i}次` })
              .where(eq(households.id, home.rowId));
          });
        }
      }),
    );
    writing = false;
    await reader;
    seen.push(...(await follow(position, { types: ["Household"] })).entries);
    const updates = seen.filter((e) => e.operation === "UPDATED");
    expect(updates).toHaveLength(40);
    // Strictly in feed order (transaction id, then write order): never a step back, never twice.
    const order = seen.map((e) => decodePosition(e.position));
    for (let i = 1; i < order.length; i++) expect(comparePositions(order[i - 1]!, order[i]!)).toBeLessThan(0);
    for (const home of homes) {
      expect(seen.filter((e) => e.id === home.id && e.operation === "CREATED")).toHaveLength(1);
      expect(updates.filter((e) => e.id === home.id)).toHaveLength(10);
    }
  });

  it.skipIf(!onPostgres)(
    "waits for a slow transaction, and delivers its change after the ones that committed before it",
    async () => {
      const slowHome = await t.facts.household({ region: "431221", members: [] });
      const quickHome = await t.facts.household({ region: "431221", members: [] });
      const start = await now();
      const other = postgres(t.database.url!, { max: 2, onnotice: () => {} });
      try {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => (wrote = resolve));
        // The slow transaction writes first (its id is the older one) and commits last.
        const slow = other.begin(async (tx) => {
          await tx`UPDATE households SET address = '慢事务' WHERE id = ${slowHome.rowId}`;
          wrote();
          await released;
        });
        await written;
        await other`UPDATE households SET address = '快事务' WHERE id = ${quickHome.rowId}`;

        // While the slow transaction is open the feed holds back: the quick change is not handed
        // out yet, since the slow one would have to come before it.
        const during = await follow(start, { types: ["Household"], heldBack: true });
        expect(during.entries).toEqual([]);

        release();
        await slow;
        const afterwards = await follow(during.position, { types: ["Household"] });
        expect(afterwards.entries.map((e) => [e.id, e.node?.address])).toEqual([
          [slowHome.id, "慢事务"],
          [quickHome.id, "快事务"],
        ]);
      } finally {
        await other.end();
      }
    },
  );

  it.skipIf(!onPostgres)(
    "is not held back by a transaction left open in another database of the same server",
    async () => {
      const start = await now();
      // Another application's database on the same server, with a writing transaction left open.
      const elsewhere = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      try {
        let opened!: () => void;
        const open = new Promise<void>((resolve) => (opened = resolve));
        const idle = elsewhere.begin(async (tx) => {
          await tx`SELECT pg_current_xact_id()`;
          opened();
          await released;
        });
        await open;
        const home = await t.facts.household({ region: "431221", members: [] });
        await t.database.db.update(households).set({ address: "别处事务" }).where(eq(households.id, home.rowId));

        const { entries } = await follow(start, { types: ["Household"] });
        expect(entries.filter((e) => e.id === home.id).map((e) => e.operation)).toEqual(["CREATED", "UPDATED"]);
        release();
        await idle;
      } finally {
        release();
        await elsewhere.end();
      }
    },
  );

  it("refuses a department that may not read the feed", async () => {
    const response = await t.query(REGISTRY_FEED, { after: null, first: 1 }, {});
    expect(response.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe("the feed's capture", () => {
  const t = useTestApp();

  it("compares every column of every feed table, and keeps the columns the policy's row rules test", async () => {
    for (const feed of FEED_TYPES) {
      const columns = Object.values(getTableColumns(feed.table))
        .map((c) => c.name)
        .filter((c) => c !== "version" && c !== "updated_at");
      const [fn] = await t.database.rows<{ source: string }>(
        sql`SELECT prosrc AS source FROM pg_proc WHERE proname = ${`${feed.tableName}_record_changes`}`,
      );
      // A column added without calling capture_changes again would change unseen.
      for (const column of columns) expect(fn?.source, `${feed.tableName}.${column}`).toContain(`THEN '${column}' END`);
      const triggers = await t.database.rows<{ name: string }>(
        sql`SELECT tgname AS name FROM pg_trigger
            WHERE tgrelid = ${feed.tableName}::regclass AND NOT tgisinternal AND tgname LIKE ${`${feed.tableName}_changes_%`}
            ORDER BY 1`,
      );
      expect(triggers.map((r) => r.name)).toEqual(
        ["delete", "insert", "update"].map((op) => `${feed.tableName}_changes_${op}`),
      );
      // Whether a row was in a department's view before a change needs the old values its rules test.
      const policy = t.app.policy;
      const ruled = new Set(
        policy.departments.flatMap((d) => Object.keys(policy.forDepartment(d)?.rows(feed.type) ?? {})),
      );
      const sqlNames = Object.fromEntries(Object.entries(getTableColumns(feed.table)).map(([k, c]) => [k, c.name]));
      for (const field of ruled) expect(fn?.source).toContain(`'${sqlNames[field]}', o.`);
    }
  });
});
