import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { publicError } from "../../src/shared/error-masking.js";
import { ClientError, ForbiddenError } from "../../src/shared/errors.js";

class DepthLimitError extends ClientError {
  constructor() {
    super("The query is nested too deeply.", "DEPTH_LIMIT");
  }
}

/** What leaves the server is decided by the error's class, not by a list of codes kept beside it. */
describe("error masking", () => {
  const send = (error: GraphQLError) => publicError(error.toJSON(), error, "req-1");

  it("sends an error raised on purpose as it is, whatever its code, also when wrapped at a path", () => {
    expect(send(new DepthLimitError())).toMatchObject({ extensions: { code: "DEPTH_LIMIT" } });
    const wrapped = new GraphQLError("No such Household in your scope.", {
      path: ["household"],
      originalError: new ForbiddenError("No such Household in your scope."),
      extensions: { code: "FORBIDDEN" },
    });
    expect(send(wrapped)).toMatchObject({ message: "No such Household in your scope.", path: ["household"] });
  });

  it("passes Apollo's own refusals (validation, variables) and masks everything else, even with a known code", () => {
    const validation = new GraphQLError("Cannot query field", { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    expect(send(validation).extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const impostor = new GraphQLError('relation "members" does not exist', { extensions: { code: "FORBIDDEN" } });
    expect(send(impostor)).toEqual({
      message: "Internal server error (request req-1).",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-1" },
    });
    expect(publicError({ message: "audit append failed" }, undefined, "req-2").extensions?.code).toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });
});
