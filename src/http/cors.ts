import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers a browser client may send: credentials, the declared purpose, its own request id, Apollo's. */
const ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "x-api-key",
  "x-purpose",
  "x-request-id",
  "apollo-require-preflight",
  "apollo-query-plan-experimental",
  "x-apollo-operation-name",
].join(", ");
/** Headers a browser client may read from an answer. */
const EXPOSED_HEADERS = "X-Request-Id, X-Correlation-Id, Retry-After";
const MAX_AGE_SECONDS = "600";

/**
 * CORS for the origins of CORS_ORIGINS (`*`: any). An allowed origin gets the headers a browser
 * needs; any other gets none, and its browser keeps the answer from the page. Credentials travel
 * in headers (Authorization, X-Api-Key), never in cookies: no Access-Control-Allow-Credentials.
 */
export function createCors(origins: readonly string[]) {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  const allows = (origin: string | undefined): origin is string => !!origin && (any || allowed.has(origin));

  return {
    /** Adds the headers an allowed origin's request needs; true when it was a preflight, now answered (204). */
    apply(req: IncomingMessage, res: ServerResponse): boolean {
      const origin = req.headers.origin;
      res.setHeader("vary", "Origin");
      const preflight = req.method === "OPTIONS";
      if (allows(origin)) {
        res.setHeader("access-control-allow-origin", origin);
        if (preflight) {
          res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
          res.setHeader("access-control-allow-headers", ALLOWED_HEADERS);
          res.setHeader("access-control-max-age", MAX_AGE_SECONDS);
        } else {
          res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
        }
      }
      if (!preflight) return false;
      res.writeHead(204).end();
      return true;
    },
  };
}
