import { sql } from "drizzle-orm";
import { decodePosition } from "../../src/modules/changes/change.position.js";
import type { TestApp } from "./app.js";

export interface FeedEntry {
  position: string;
  operation: string;
  type: string;
  id: string;
  changedFields: string[] | null;
  node: Record<string, unknown> | null;
}
interface Page {
  changes: { position: string; caughtUp: boolean; entries: FeedEntry[] };
}

/** A page of the feed whose nodes carry `nodeFields` (inline fragments on the feed's types). */
export const feedQuery = (nodeFields: string) => `
  query Feed($after: String, $types: [String!], $first: Int!) {
    changes(after: $after, types: $types, first: $first) {
      position
      caughtUp
      entries { position operation type id changedFields node { id ${nodeFields} } }
    }
  }`;

/** How an integrator's job reads the feed, for a test app. */
export function feedReader(t: TestApp, defaultQuery: string) {
  /**
   * Follows the feed from `after` page by page, as an integrator's nightly job does, until it has
   * read past every transaction begun before the call. ("Caught up" alone means nothing more is
   * readable yet: on a shared PostgreSQL server a transaction of another database can hold the
   * horizon back for a while.) `heldBack` stops at the first caught-up page instead.
   */
  async function follow(
    after: string,
    options: {
      headers?: Record<string, string>;
      query?: string;
      types?: string[];
      first?: number;
      heldBack?: boolean;
    } = {},
  ) {
    const [{ next }] = (await t.database.rows<{ next: string }>(
      sql`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    )) as [{ next: string }];
    const deadline = Date.now() + 30_000;
    const entries: FeedEntry[] = [];
    let position = after;
    for (;;) {
      const page = await t.data<Page>(
        options.query ?? defaultQuery,
        { after: position, types: options.types ?? null, first: options.first ?? 100 },
        options.headers,
      );
      entries.push(...page.changes.entries);
      position = page.changes.position;
      if (page.changes.caughtUp && (options.heldBack || decodePosition(position).xid >= Number(next) - 1)) {
        return { entries, position };
      }
      if (page.changes.caughtUp) {
        if (Date.now() > deadline) throw new Error(`the feed stayed held back below ${next} for 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** The feed's position now, as the principal of `headers` asks it. */
  const now = async (headers?: Record<string, string>) =>
    (await t.data<{ changesPosition: string }>(`{ changesPosition }`, {}, headers)).changesPosition;

  return { follow, now };
}
