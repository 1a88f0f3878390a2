import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { databaseFailure, failureError } from "../db/failures.js";
import { log } from "./log.js";

/** Codes raised on purpose (ours and Apollo's): their messages are written for the client. */
const KNOWN_CODES = new Set([
  "BAD_USER_INPUT",
  "FORBIDDEN",
  "UNAUTHENTICATED",
  "CONFLICT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "SERVICE_UNAVAILABLE",
  "DEADLINE_EXCEEDED",
]);

const known = (error: { extensions?: Record<string, unknown> }) => {
  const code = error.extensions?.code;
  return typeof code === "string" && KNOWN_CODES.has(code);
};

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
  if (known(error)) return;
  // Counted and logged where they are decided (the availability probe, request-bounds.ts), not per field.
  if (databaseFailure(error)) return;
  const cause = error.originalError ?? error;
  log("error", "unexpected error", {
    requestId,
    path: error.path,
    error: forLog(cause.message),
    stack: forLog(cause.stack ?? ""),
  });
}

/**
 * What the client receives of an error: itself when raised on purpose, otherwise a bare
 * INTERNAL_SERVER_ERROR with the request id (the detail is only in the log).
 */
export function publicError(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  if (known(error)) return error;
  return {
    message: `Internal server error (request ${requestId}).`,
    path: error.path,
    extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
  };
}
