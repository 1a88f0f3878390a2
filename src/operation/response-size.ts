import type { HTTPGraphQLResponse } from "@apollo/server";
import type { ApiResponse } from "../plan/passthrough.js";
import { ResponseTooLargeError } from "../shared/errors.js";

/**
 * An answer larger than `maxBytes` is not sent: the client receives RESPONSE_TOO_LARGE (HTTP 200,
 * like every refused operation) with the size and the limit, and asks for smaller pages.
 */
export function capResponse(response: ApiResponse, maxBytes: number): HTTPGraphQLResponse {
  if (!response.bytes && response.body.kind !== "complete") return response;
  const size = response.bytes
    ? response.bytes.length
    : Buffer.byteLength((response.body as { string: string }).string, "utf8");
  if (size <= maxBytes) return response;
  const error = new ResponseTooLargeError(maxBytes, size);
  const body = { errors: [{ message: error.message, extensions: error.extensions }] };
  return { status: 200, headers: response.headers, body: { kind: "complete", string: JSON.stringify(body) } };
}
