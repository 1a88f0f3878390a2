import { randomUUID } from "node:crypto";
import type { Access } from "./access/access.js";
import type { DeclaredPurpose } from "./access/purpose.js";
import type { Config } from "./config.js";
import type { Database, Drizzle } from "./db/client.js";
import type { LoaderHost } from "./shared/loader.js";
import type { PassThrough } from "./plan/passthrough.js";

/** Everything a request carries: its id, the database, the caller's compiled access and loaders. */
export interface Context extends LoaderHost {
  /** The server's own id for the request (a UUID): in the log, the audit entry and X-Request-Id. */
  requestId: string;
  /** The client's own request id (X-Request-Id), sanitised: kept beside ours to correlate, never trusted. */
  correlationId: string | null;
  config: Config;
  database: Database;
  db: Drizzle;
  access: Access;
  /** The purpose the caller declared (X-Purpose), checked against the policy and recorded in the read audit. */
  purpose: DeclaredPurpose | null;
  /** For a subscription: the households of the event being delivered (for the read audit). */
  streamHouseholds?: number[];
  /**
   * Set when the HTTP layer writes the response: compiled root fields may then answer with their
   * JSON text as PostgreSQL wrote it (src/plan/passthrough.ts) instead of parsed values.
   */
  passThrough?: PassThrough;
  /**
   * What the request's log line and metrics learn from Apollo: the operation as it resolved it and
   * the outcome code. A field, not a map keyed by the context: Apollo hands plugins a copy of it.
   */
  observed?: { operation: string | null; outcome: string | null };
}

export function createContext(
  config: Config,
  database: Database,
  access: Access,
  requestId: string = randomUUID(),
  declared: { purpose?: DeclaredPurpose | null; correlationId?: string | null } = {},
): Context {
  return {
    requestId,
    correlationId: declared.correlationId ?? null,
    config,
    database,
    db: database.db,
    access,
    purpose: declared.purpose ?? null,
    loaders: new Map(),
  };
}

/** A client's request id made safe to store and echo: printable ASCII of id-like characters, at most 128. */
export function correlationId(raw: string | undefined): string | null {
  const cleaned = (raw ?? "").replace(/[^A-Za-z0-9._:/+=@-]/g, "").slice(0, 128);
  return cleaned || null;
}
