import { ApolloServerErrorCode } from "@apollo/server/errors";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { databaseFailure, failureError } from "../db/failures.js";
import { ClientError } from "./errors.js";
import { log } from "./log.js";

/** Apollo's own codes for a request it refused (parse, validation, variables …), written for the client. */
const APOLLO_CODES = new Set<string>(
  Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
);

/** Raised on purpose: one of our typed errors (by class, wherever it was wrapped), or one of Apollo's. */
function deliberate(error: GraphQLError | undefined): boolean {
  if (!error) return false;
  if (error instanceof ClientError || error.originalError instanceof ClientError) return true;
  const code = error.extensions?.code;
  return typeof code === "string" && APOLLO_CODES.has(code);
}

/**
 * A failed statement's text carries its parameters (ids, and in lookups possibly personal values):
 * the log keeps the statement's shape, not the values, and not ten thousand characters of it.
 */
export function forLog(text: string): string {
  return text
    .replace(/\nparams: [^\n]*/g, "\nparams: (withheld)")
    .replace(/\(\$1(, \$\d+)+\)/g, "($1, …)")
    .slice(0, 2000);
}

/** A PostgreSQL error's parts that name no value: its code, its message with quoted values withheld, the objects involved. */
export interface DatabaseCause {
  pgCode: string;
  pgMessage: string;
  constraint?: string;
  table?: string;
  column?: string;
}

/** Words after which PostgreSQL quotes a name (of a constraint, a table …), not a value. */
const NAMED =
  /\b(constraint|relation|column|table|index|type|function|schema|database|role|sequence|trigger|view|extension|operator|cursor|statement|savepoint|channel|parameter)\s*$/i;

/** A PostgreSQL message with every quoted value withheld (names of objects kept): `value "…" is out of range`. */
function withholdValues(message: string): string {
  return message
    .replace(/"(?:[^"]|"")*"/g, (quoted, offset: number) =>
      NAMED.test(message.slice(Math.max(0, offset - 20), offset)) ? quoted : '"(withheld)"',
    )
    .replace(/\(([^()]*)\)=\([^)]*\)/g, "($1)=(withheld)")
    .slice(0, 500);
}

/**
 * The PostgreSQL error under `error` (drizzle wraps the driver's, which carries the SQLSTATE), for
 * the log. The message keeps identifiers but not values: `invalid input syntax for type integer:
 * "…"` and `Key (…)=(…)` quote the offending value, and DETAIL (which repeats it) is left out.
 */
export function databaseCause(error: unknown): DatabaseCause | undefined {
  for (
    let e = error as Record<string, unknown> | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code !== "string" || !/^[0-9A-Z]{5}$/.test(e.code) || typeof e.message !== "string") continue;
    const name = (...keys: string[]) => keys.map((k) => e![k]).find((v): v is string => typeof v === "string");
    return {
      pgCode: e.code,
      pgMessage: withholdValues(e.message),
      constraint: name("constraint_name", "constraint"),
      table: name("table_name", "table"),
      column: name("column_name", "column"),
    };
  }
  return undefined;
}

/**
 * A statement that failed because the database is gone or out of time reaches the client as
 * SERVICE_UNAVAILABLE or DEADLINE_EXCEEDED (retry later), not as our fault (Apollo's formatError).
 */
export function formatDatabaseFailure(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const failure = databaseFailure(error);
  if (!failure) return formatted;
  const typed = failureError(failure);
  return { message: typed.message, locations: formatted.locations, path: formatted.path, extensions: typed.extensions };
}

/** Logs an error not raised on purpose (a database fault, a bug) under the request id. */
export function logIfUnexpected(error: GraphQLError, requestId: string): void {
  if (deliberate(error)) return;
  // Counted and logged where they are decided (the availability probe, request-bounds.ts), not per field.
  if (databaseFailure(error)) return;
  const cause = error.originalError ?? error;
  log("error", "unexpected error", {
    requestId,
    path: error.path,
    error: forLog(cause.message),
    ...databaseCause(cause),
    stack: forLog(cause.stack ?? ""),
  });
}

/**
 * What the client receives of an error (`formatted`, the form of `error`): itself when raised on
 * purpose, otherwise a bare INTERNAL_SERVER_ERROR with the request id (the detail is only in the log).
 */
export function publicError(
  formatted: GraphQLFormattedError,
  error: GraphQLError | undefined,
  requestId: string,
): GraphQLFormattedError {
  // A database failure was already turned into its typed form by formatDatabaseFailure.
  if (deliberate(error) || databaseFailure(error)) return formatted;
  return {
    message: `Internal server error (request ${requestId}).`,
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  };
}
