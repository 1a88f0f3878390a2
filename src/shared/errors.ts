import { GraphQLError } from "graphql";

/**
 * An error raised on purpose for the client: its message is written for the client and is sent as
 * is, with its stable `extensions.code`. Every typed error extends it; anything else that reaches
 * the client is masked as INTERNAL_SERVER_ERROR (error-masking.ts). Messages never carry SQL,
 * stacks or values the principal may not see.
 */
export abstract class ClientError extends GraphQLError {
  constructor(message: string, code: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends ClientError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, "BAD_USER_INPUT", extensions);
  }
}

export class ForbiddenError extends ClientError {
  constructor(message = "Not allowed for your department.", extensions: Record<string, unknown> = {}) {
    super(message, "FORBIDDEN", extensions);
  }
}

export class UnauthenticatedError extends ClientError {
  constructor(message = "Invalid or expired credentials.") {
    super(message, "UNAUTHENTICATED");
  }
}

/** The database cannot be reached (or is shutting down): retry later; a write's outcome is unknown. */
export class ServiceUnavailableError extends ClientError {
  constructor(
    message = "The database is unavailable; try again shortly. A write in this request may or may not have been applied: read it back before retrying.",
  ) {
    super(message, "SERVICE_UNAVAILABLE");
  }
}

/** The request ran past its deadline (REQUEST_DEADLINE_MS) or a statement past DATABASE_STATEMENT_TIMEOUT_MS. */
export class DeadlineExceededError extends ClientError {
  constructor(
    message = "The request took longer than the server allows and was stopped. A write in this request may or may not have been applied: read it back before retrying.",
  ) {
    super(message, "DEADLINE_EXCEEDED");
  }
}

/** The client hung up before the answer: written only where an answer is still produced (logs, tests). */
export class ClientClosedRequestError extends ClientError {
  constructor() {
    super("The client closed the connection before the answer was ready.", "CLIENT_CLOSED_REQUEST");
  }
}

/**
 * An operation beyond one of the server's bounds (depth, aliases, root fields, tokens, directives,
 * estimated cost), refused before it runs. The message gives the figure and the limit only: it
 * never names a field, so it says nothing about what lies outside the caller's contract.
 */
export class LimitExceededError extends ClientError {
  constructor(code: string, message: string, limit: number, measured: number) {
    super(message, code, { limit, measured: Math.min(measured, Number.MAX_SAFE_INTEGER) });
  }
}

/** The answer would be larger than MAX_RESPONSE_BYTES: ask for smaller pages or fewer fields. */
export class ResponseTooLargeError extends ClientError {
  constructor(limit: number, measured: number) {
    super(
      `The answer is ${measured} bytes, more than the ${limit} the server sends: ask for smaller pages or fewer fields.`,
      "RESPONSE_TOO_LARGE",
      { limit, measured },
    );
  }
}

/**
 * A read whose audit entry could not be written: its data are withheld (an unaudited read is not
 * served). Nothing was appended for it, so retrying is safe.
 */
export class AuditUnavailableError extends ClientError {
  constructor() {
    super(
      "The read could not be recorded in the audit, so its data are withheld; try again shortly.",
      "SERVICE_UNAVAILABLE",
    );
  }
}

/**
 * The database's answer to a statement was not that statement's (an empty slot among its rows,
 * rows of another width or names, or no row from a statement that always returns one): none of it
 * was used, so no other request's values can reach the caller. Trying again is safe for a read.
 */
export class MisansweredStatementError extends ServiceUnavailableError {
  constructor() {
    super(
      "The database's answer to a statement of this request was not that statement's, so none of it was used; try again. A write in this request may or may not have been applied: read it back before retrying.",
    );
  }
}

/**
 * A statement of a transaction stopped by a cancel that the server had been sent for another
 * request's statement on the same connection (a cancel acts on whatever the connection runs when
 * it arrives). The transaction was rolled back: nothing of it was applied, so trying again is safe.
 */
export class InterruptedStatementError extends ServiceUnavailableError {
  constructor() {
    super(
      "The database stopped a statement of this request that it was not asked to stop; nothing was applied. Try again.",
    );
  }
}
