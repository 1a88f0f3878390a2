import { randomUUID } from "node:crypto";
import type { Access } from "./access/access.js";
import type { Config } from "./config.js";
import type { Database, Drizzle } from "./db/client.js";
import type { LoaderHost } from "./shared/loader.js";

/** Everything a request carries: its id, the database, the caller's compiled access and loaders. */
export interface Context extends LoaderHost {
  requestId: string;
  config: Config;
  database: Database;
  db: Drizzle;
  access: Access;
  /** The purpose the caller declared (X-Purpose), recorded in the read audit. */
  purpose: string | null;
  /** For a subscription: the households of the event being delivered (for the read audit). */
  streamHouseholds?: number[];
}

export function createContext(
  config: Config,
  database: Database,
  access: Access,
  requestId: string = randomUUID(),
  purpose: string | null = null,
): Context {
  return { requestId, config, database, db: database.db, access, purpose, loaders: new Map() };
}
