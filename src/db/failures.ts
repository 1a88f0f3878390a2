import { ClientClosedRequestError, DeadlineExceededError, ServiceUnavailableError } from "../shared/errors.js";
import { ClientGoneError } from "./request-scope.js";

/**
 * What a failed statement says about the database rather than about the statement: it is gone
 * (`unavailable`: connection refused, reset or closed, the server shutting down or full), it ran
 * out of time (`timeout`: statement_timeout, or cancelled because its request's deadline passed),
 * or its request was stopped because the client hung up (`stopped`: nobody will read the answer).
 * Anything else is a fault of ours and stays an internal error.
 */
export type DatabaseFailure = "unavailable" | "timeout" | "stopped";

/** postgres.js's own codes for a connection that failed or went away, and Node's socket errors. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections; and what only a new
 * connection is refused with — the database gone or renamed (3D000), the role's login refused
 * (28000, 28P01). Class 08 is connection exceptions.
 */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "3D000", "28000", "28P01"]);
/** 55000 is a generic state; raised by the backend's start-up check it means "not accepting connections". */
const NOT_ACCEPTING_CONNECTIONS = { code: "55000", routine: "CheckMyDatabase" };
const QUERY_CANCELED = "57014";

function classifyOne(error: unknown): DatabaseFailure | null {
  if (error instanceof ServiceUnavailableError) return "unavailable";
  if (error instanceof DeadlineExceededError) return "timeout";
  if (error instanceof ClientGoneError) return "stopped";
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith("08")) return "unavailable";
    const routine = (error as { routine?: unknown }).routine;
    if (code === NOT_ACCEPTING_CONNECTIONS.code && routine === NOT_ACCEPTING_CONNECTIONS.routine) return "unavailable";
    if (code === QUERY_CANCELED) return "timeout";
  }
  // PGlite, once closed, answers every query with this plain Error.
  if (error.message === "PGlite is closed") return "unavailable";
  return null;
}

/** Walks an error and its causes (drizzle wraps the driver's error; GraphQL wraps drizzle's). */
export function databaseFailure(error: unknown): DatabaseFailure | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    const found = classifyOne(current);
    if (found) return found;
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
  return null;
}

/** The typed error a client receives for a database failure (for `stopped`, none is there to). */
export function failureError(failure: DatabaseFailure) {
  if (failure === "unavailable") return new ServiceUnavailableError();
  return failure === "timeout" ? new DeadlineExceededError() : new ClientClosedRequestError();
}
