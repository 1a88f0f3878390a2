import type { GraphQLError, GraphQLFormattedError } from "graphql";
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
]);

const known = (error: { extensions?: Record<string, unknown> }) => {
  const code = error.extensions?.code;
  return typeof code === "string" && KNOWN_CODES.has(code);
};

/**
 * A failed statement's text carries its parameters (ids, and in lookups possibly personal values):
 * the log keeps the statement's shape, not the values, and not ten thousand characters of it.
 */
function forLog(text: string): string {
  return text
    .replace(/\nparams: [^\n]*/g, "\nparams: (withheld)")
    .replace(/\(\$1(, \$\d+)+\)/g, "($1, …)")
    .slice(0, 2000);
}

/** Logs an error not raised on purpose (a database fault, a bug) under the request id. */
export function logIfUnexpected(error: GraphQLError, requestId: string): void {
  if (known(error)) return;
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
