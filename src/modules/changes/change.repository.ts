import { and, asc, desc, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Drizzle } from "../../db/client.js";
import { changeLog, changeLogPruned } from "../../db/schema.js";
import { MAX_SEQ, ORIGIN, positionBelow, type Position } from "./change.position.js";
import type { ChangeLogRow } from "./change.type.js";

type Result = { rows?: Record<string, unknown>[] } | Record<string, unknown>[];
const rowsOf = (result: Result) => (Array.isArray(result) ? result : (result.rows ?? []));

/**
 * The feed's horizon: the oldest transaction id still in flight in this database. Every
 * transaction below it has finished, so the entries below it are final: none can still appear
 * there. Inside a REPEATABLE READ transaction it is that snapshot's.
 *
 * Transaction ids are the cluster's, so `pg_snapshot_xmin(pg_current_snapshot())` would wait for
 * transactions of every database on the server as well; those can never write this database's
 * change log, so a transaction the server reports running in another database is passed over.
 * Anything unknown (a backend whose transaction the role may not see, a prepared transaction, one
 * that ended meanwhile) counts as in flight: the horizon only ever errs on the side of waiting.
 */
export async function horizon(db: Drizzle): Promise<number> {
  const [row] = rowsOf(
    (await db.execute(sql`
      WITH s AS MATERIALIZED (SELECT pg_current_snapshot() AS snap)
      SELECT COALESCE(
        (SELECT min(x) FROM pg_snapshot_xip(s.snap) AS x
          WHERE NOT EXISTS (
            SELECT 1 FROM pg_stat_activity a
            WHERE a.datname IS NOT NULL AND a.datname <> current_database()
              AND a.backend_xid IS NOT NULL
              AND a.backend_xid::text::bigint = x::text::bigint % 4294967296)),
        pg_snapshot_xmax(s.snap))::text AS h
      FROM s`)) as Result,
  );
  return Number(row!.h);
}

/**
 * The change-feed position of the current snapshot, for an export to hand out with its rows:
 * following the feed from it delivers every change the snapshot does not show (and possibly a few
 * it does, of transactions that committed between the horizon and the snapshot — harmless, each
 * entry carries the row as it is now). Call it inside the export's REPEATABLE READ transaction.
 */
export async function currentPosition(db: Drizzle): Promise<string> {
  return positionBelow(await horizon(db));
}

/** Entries after `after` of the given tables, below `below` (the horizon), in (xid, seq) order. */
export async function readEntries(
  db: Drizzle,
  options: { after: Position; below: number; tables: readonly string[]; region: string; limit: number },
): Promise<ChangeLogRow[]> {
  const { after, below, tables, region, limit } = options;
  if (!tables.length) return [];
  // Never in the principal's region before or after the change: not its concern (decided in SQL,
  // so rows of other counties are not even fetched). Unscoped tables have no region at all.
  const scope: SQL | undefined = region
    ? or(
        and(isNull(changeLog.oldRegion), isNull(changeLog.newRegion)),
        sql`starts_with(${changeLog.oldRegion}, ${region})`,
        sql`starts_with(${changeLog.newRegion}, ${region})`,
      )
    : undefined;
  const rows = await db
    .select()
    .from(changeLog)
    .where(
      and(
        sql`(${changeLog.xid}, ${changeLog.seq}) > (${after.xid}, ${Math.min(after.seq, MAX_SEQ)})`,
        lt(changeLog.xid, below),
        inArray(changeLog.tableName, [...tables]),
        scope,
      ),
    )
    .orderBy(asc(changeLog.xid), asc(changeLog.seq))
    .limit(limit);
  return rows.map((r) => ({ ...r, recordedAt: new Date(r.recordedAt).toISOString() }));
}

/** Where pruning has reached: a position below it asks for entries that are gone. */
export async function prunedThrough(db: Drizzle): Promise<Position> {
  const [row] = await db.select({ xid: changeLogPruned.xid, seq: changeLogPruned.seq }).from(changeLogPruned);
  return row ?? ORIGIN;
}

/**
 * Deletes the entries recorded before `cutoff` (and everything before them in feed order), below
 * the horizon, and moves the pruning mark. Returns how many entries went.
 */
export async function pruneEntries(db: Drizzle, cutoff: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const below = await horizon(tx as unknown as Drizzle);
    const [last] = await tx
      .select({ xid: changeLog.xid, seq: changeLog.seq })
      .from(changeLog)
      .where(and(lt(changeLog.recordedAt, cutoff), lt(changeLog.xid, below)))
      .orderBy(desc(changeLog.xid), desc(changeLog.seq))
      .limit(1);
    if (!last) return 0;
    const [gone] = rowsOf(
      (await tx.execute(sql`
        WITH gone AS (DELETE FROM change_log WHERE (xid, seq) <= (${last.xid}, ${last.seq}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`)) as Result,
    );
    await tx
      .insert(changeLogPruned)
      .values({ id: 1, xid: last.xid, seq: last.seq })
      .onConflictDoUpdate({
        target: changeLogPruned.id,
        set: { xid: sql`excluded.xid`, seq: sql`excluded.seq`, prunedAt: sql`now()` },
      });
    return Number(gone?.n ?? 0);
  });
}
