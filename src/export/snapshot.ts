import { sql } from "drizzle-orm";
import type { Database, Drizzle } from "../db/client.js";
import { outsideRequests } from "../db/request-scope.js";
import { log } from "../shared/log.js";
import { ExportError } from "./export.errors.js";

/** What an export's work says when it ends: its value, and whether its snapshot should be kept for a resume. */
export interface SnapshotWork<T> {
  value: T;
  keep: boolean;
}

/**
 * The one snapshot an export reads: a read-only REPEATABLE READ transaction, so that every page
 * sees the database as it was when the export began.
 *
 * PostgreSQL: the transaction exports its snapshot (`pg_export_snapshot()`); its id goes into the
 * resume tokens. When an export is interrupted the transaction is kept open, idle, for
 * EXPORT_SNAPSHOT_HOLD_SECONDS (at most EXPORT_SNAPSHOTS_HELD at once), so that `resume` opens a
 * new transaction on the same snapshot (`SET TRANSACTION SNAPSHOT`) — from any server process on
 * the same database — and the held one is released as soon as a resume has imported it.
 *
 * PGlite: one connection serves the whole process and its transactions are exclusive, so the
 * export's transaction is one snapshot as well, but every other request waits while it runs (a
 * development and test driver: documented in the README). No snapshot outlives the export there:
 * its id is null and a resume finds it gone.
 */
export class Snapshots {
  private readonly held = new Map<string, () => void>();

  constructor(
    private readonly database: Database,
    private readonly holdSeconds: number,
    private readonly maxHeld: number,
  ) {}

  /**
   * Runs `work` in the export's transaction (importing snapshot `resumeFrom` first, when given) and
   * resolves with its value as soon as the work ends; a kept transaction stays open behind it.
   */
  run<T>(
    resumeFrom: string | null,
    work: (tx: Drizzle, snapshot: string | null) => Promise<SnapshotWork<T>>,
  ): Promise<T> {
    const postgres = this.database.driver === "postgres";
    return new Promise<T>((resolve, reject) => {
      let answered = false;
      const transaction = this.database.db.transaction(
        async (tx) => {
          if (resumeFrom) {
            if (!postgres) throw snapshotGone();
            try {
              // The id's form is checked (resume-token.ts): SET TRANSACTION takes no parameter.
              await tx.execute(sql.raw(`SET TRANSACTION SNAPSHOT '${resumeFrom}'`));
            } catch (error) {
              throw isInvalidSnapshot(error) ? snapshotGone() : error;
            }
            this.release(resumeFrom);
          }
          const snapshot = postgres ? await exportedSnapshot(tx) : null;
          const { value, keep } = await work(tx, snapshot);
          answered = true;
          resolve(value);
          if (keep && snapshot) await this.hold(snapshot);
        },
        { isolationLevel: "repeatable read", accessMode: "read only" },
      );
      transaction.catch((error: unknown) => {
        if (!answered) reject(error);
        else log("warn", "an export's snapshot transaction failed after the export", { error: String(error) });
      });
    });
  }

  /** Ends every kept snapshot (the server is stopping). */
  releaseAll(): void {
    for (const release of [...this.held.values()]) release();
  }

  private release(snapshot: string): void {
    this.held.get(snapshot)?.();
  }

  private hold(snapshot: string): Promise<void> {
    if (this.holdSeconds <= 0 || this.held.size >= this.maxHeld) return Promise.resolve();
    return outsideRequests(
      () =>
        new Promise<void>((resolve) => {
          const release = () => {
            clearTimeout(timer);
            this.held.delete(snapshot);
            resolve();
          };
          const timer = setTimeout(release, this.holdSeconds * 1000);
          timer.unref();
          this.held.set(snapshot, release);
        }),
    );
  }
}

async function exportedSnapshot(tx: Drizzle): Promise<string> {
  const result = (await tx.execute(sql`SELECT pg_export_snapshot() AS id`)) as unknown as { id: string }[];
  return result[0]!.id;
}

function isInvalidSnapshot(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
  return cause?.code === "22023" || /invalid snapshot identifier/i.test(String(error));
}

export function snapshotGone(): ExportError {
  return new ExportError(
    "EXPORT_SNAPSHOT_GONE",
    "The snapshot this export read is gone (kept only for a while after an interruption, and never on an embedded database): export again, or resume with fresh=true to continue after the last row delivered at the current data.",
    410,
  );
}
