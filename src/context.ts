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
}

export function createContext(
  config: Config,
  database: Database,
  access: Access,
  requestId: string = randomUUID(),
): Context {
  return { requestId, config, database, db: database.db, access, loaders: new Map() };
}
