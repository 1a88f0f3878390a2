import { GraphQLError } from "graphql";

/** Typed errors with a stable `extensions.code`; messages never carry SQL, stacks or hidden values. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code: "BAD_USER_INPUT" } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = "Not allowed for your department.") {
    super(message, { extensions: { code: "FORBIDDEN" } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = "Invalid or expired credentials.") {
    super(message, { extensions: { code: "UNAUTHENTICATED" } });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "CONFLICT" } });
  }
}

export class InternalError extends GraphQLError {
  constructor(requestId: string) {
    super(`Internal server error (request ${requestId}).`, {
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
    });
  }
}

/** The database cannot be reached (or is shutting down): retry later; a write's outcome is unknown. */
export class ServiceUnavailableError extends GraphQLError {
  constructor(
    message = "The database is unavailable; try again shortly. A write in this request may or may not have been applied: read it back before retrying.",
  ) {
    super(message, { extensions: { code: "SERVICE_UNAVAILABLE" } });
  }
}

/** The request ran past its deadline (REQUEST_DEADLINE_MS) or a statement past DATABASE_STATEMENT_TIMEOUT_MS. */
export class DeadlineExceededError extends GraphQLError {
  constructor(
    message = "The request took longer than the server allows and was stopped. A write in this request may or may not have been applied: read it back before retrying.",
  ) {
    super(message, { extensions: { code: "DEADLINE_EXCEEDED" } });
  }
}

/** The client hung up before the answer: written only where an answer is still produced (logs, tests). */
export class ClientClosedRequestError extends GraphQLError {
  constructor() {
    super("The client closed the connection before the answer was ready.", {
      extensions: { code: "CLIENT_CLOSED_REQUEST" },
    });
  }
}
