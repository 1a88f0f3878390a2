import { ClientError } from "../shared/errors.js";

/** Too many requests from one principal (RATE_LIMIT_*): answered 429 with Retry-After. */
export class RateLimitedError extends ClientError {
  constructor(retryAfterSeconds: number, limit: string) {
    super(`Too many requests: try again in ${retryAfterSeconds} s.`, "RATE_LIMITED", { retryAfterSeconds, limit });
  }
}

/** An API key bound to registered operations sent another one (answered 403). */
export class OperationNotRegisteredError extends ClientError {
  constructor(byId: boolean) {
    super(
      byId
        ? "This API key may run only its registered operations, and none has this id."
        : "This API key may run only its registered operations: send one of them exactly, or its id (extensions.persistedQuery.sha256Hash).",
      "OPERATION_NOT_REGISTERED",
    );
  }
}
