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
