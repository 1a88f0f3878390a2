import type { ServerResponse } from "node:http";
import { HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import type { GraphQLError } from "graphql";
import type { Database } from "./db/client.js";
import { databaseFailure, failureError } from "./db/failures.js";
import { abortError, ClientGoneError } from "./db/request-scope.js";

/**
 * The request's bounds: aborted (ClientGoneError) when the client hangs up before its answer is
 * written; withinBounds aborts it at the deadline too, and the database scope when it is unreachable.
 */
export function clientGone(res: ServerResponse): AbortController {
  const gone = new AbortController();
  res.on("close", () => res.writableFinished || gone.signal.aborted || gone.abort(new ClientGoneError()));
  return gone;
}
import { databaseCause, forLog } from "./shared/error-masking.js";
import { log } from "./shared/log.js";

/**
 * Runs one HTTP request within its bounds. Past `deadlineMs` it is answered DEADLINE_EXCEEDED
 * (504) at once; when the database is found unreachable, SERVICE_UNAVAILABLE (503) at once; when
 * the client hangs up (`client` aborts), not at all. In each case the statements the request still
 * has running are cancelled and its next ones refused (Database.scope). A database failure thrown
 * before execution (an API key looked up while the database is gone) gets the same answers.
 */
export function withinBounds(
  database: Database,
  deadlineMs: number,
  client: AbortController | undefined,
  requestId: string,
  work: () => Promise<HTTPGraphQLResponse>,
): Promise<HTTPGraphQLResponse> {
  // One controller and one timer per request: the client's (aborted when it hangs up) or one of its
  // own, aborted at the deadline with the TimeoutError AbortSignal.timeout would give (abortError maps it).
  const bounds = client ?? new AbortController();
  const deadline = setTimeout(() => {
    if (!bounds.signal.aborted)
      bounds.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, deadlineMs).unref();
  const done = () => clearTimeout(deadline);
  const answer = database.scope(
    bounds,
    (stopped) =>
      new Promise<HTTPGraphQLResponse>((resolve, reject) => {
        const stop = () => resolve(stoppedResponse(abortError(stopped), requestId));
        if (stopped.aborted) return stop();
        stopped.addEventListener("abort", stop, { once: true });
        work()
          .then(resolve, (error: unknown) => {
            const failure = databaseFailure(error);
            if (!failure) return reject(error);
            log("warn", "request failed on the database", {
              requestId,
              failure,
              error: forLog(String(error)),
              ...databaseCause(error),
            });
            resolve(stoppedResponse(failureError(failure), requestId));
          })
          .finally(() => stopped.removeEventListener("abort", stop));
      }),
  );
  answer.then(done, done);
  return answer;
}

/** HTTP status of a typed error that ends a request (the same mapping for errors inside a result). */
export function statusOf(code: unknown): number | undefined {
  return code === "SERVICE_UNAVAILABLE" ? 503 : code === "DEADLINE_EXCEEDED" ? 504 : undefined;
}

function stoppedResponse(error: Error, requestId: string): HTTPGraphQLResponse {
  const typed = error as Partial<GraphQLError>;
  const code = typed.extensions?.code;
  const status = statusOf(code) ?? 499;
  const headers = new HeaderMap([
    ["content-type", "application/json; charset=utf-8"],
    ["x-request-id", requestId],
  ]);
  if (status === 503) headers.set("retry-after", "1");
  const body = { errors: [{ message: error.message, extensions: { code: code ?? "CLIENT_CLOSED_REQUEST" } }] };
  return { status, headers, body: { kind: "complete", string: JSON.stringify(body) } };
}
