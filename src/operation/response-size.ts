import type { HTTPGraphQLResponse } from "@apollo/server";
import { ResponseTooLargeError } from "../shared/errors.js";

/**
 * An answer larger than `maxBytes` is not sent: the client receives RESPONSE_TOO_LARGE (HTTP 200,
 * like every refused operation) with the size and the limit, and asks for smaller pages.
 */
export function capResponse(response: HTTPGraphQLResponse, maxBytes: number): HTTPGraphQLResponse {
  if (response.body.kind !== "complete") return response;
  const size = Buffer.byteLength(response.body.string, "utf8");
  if (size <= maxBytes) return response;
  const error = new ResponseTooLargeError(maxBytes, size);
  const body = { errors: [{ message: error.message, extensions: error.extensions }] };
  return { ...response, status: 200, body: { kind: "complete", string: JSON.stringify(body) } };
}
