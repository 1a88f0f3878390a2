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
  constructor(message = "Not allowed for your department.") {
    super(message, "FORBIDDEN");
  }
}

export class UnauthenticatedError extends ClientError {
  constructor(message = "Invalid or expired credentials.") {
    super(message, "UNAUTHENTICATED");
  }
}
