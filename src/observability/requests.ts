import type { HTTPGraphQLResponse } from "@apollo/server";
import type { Principal } from "../access/access.js";
import { log } from "../shared/log.js";
import { operationLabel, rejected, requestDuration, requests, requestStatements } from "./metrics.js";

/** What is known of one HTTP GraphQL request as it goes: filled in by the pipeline, read once it is answered. */
export interface RequestRecord {
  requestId: string;
  correlationId: string | null;
  principal: Principal | null;
  /** The operation's name: from the request, then as Apollo resolved it. */
  operation: string | null;
  /** The answer's outcome: OK, or the code of its first error (set by the Apollo plugin or a refusal). */
  outcome: string | null;
  /** The limit that refused the request, if one did (metrics label). */
  limit: string | null;
  statements: () => number;
}

/** Limits named by the code they answer with (refusals that set no `limit` of their own). */
const LIMIT_OF_CODE: Record<string, string> = {
  UNAUTHENTICATED: "authentication",
  OPERATION_NOT_REGISTERED: "safelist",
  RATE_LIMITED: "rate",
  DEADLINE_EXCEEDED: "deadline",
  SERVICE_UNAVAILABLE: "database",
  CLIENT_CLOSED_REQUEST: "client",
  PAYLOAD_TOO_LARGE: "body_size",
  BAD_REQUEST: "malformed",
};

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const NAMED_OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** The operation name a request states (operationName, or its document's first named operation). */
export function statedOperation(body: unknown, search: string): string | null {
  let name: unknown;
  let query: unknown;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    ({ operationName: name, query } = body as Record<string, unknown>);
  } else if (search) {
    const params = new URLSearchParams(search);
    name = params.get("operationName");
    query = params.get("query");
  }
  if (typeof name === "string" && name) return name;
  return typeof query === "string" ? (NAMED_OPERATION.exec(query)?.[1] ?? null) : null;
}

/** The first error's code of an answer built outside Apollo (refusals are small, complete JSON). */
function codeOf(response: HTTPGraphQLResponse): string | null {
  if (response.body.kind !== "complete" || response.body.string.length > 4096) return null;
  try {
    const body = JSON.parse(response.body.string) as { errors?: { extensions?: { code?: unknown } }[] };
    const code = body.errors?.[0]?.extensions?.code;
    return typeof code === "string" ? code : null;
  } catch {
    return null;
  }
}

/**
 * Counts the answered request in the metrics and writes its one log line: ids, the principal's
 * department, region and key (never a token's subject, which may name a person), operation,
 * duration, statements, HTTP status and outcome code. Never variables or data.
 */
export function recordRequest(record: RequestRecord, response: HTTPGraphQLResponse, seconds: number): void {
  const status = response.status ?? 200;
  const outcome = record.outcome ?? codeOf(response) ?? (status < 400 ? "OK" : `HTTP_${status}`);
  const operation = operationLabel(record.operation);
  const department = record.principal?.department ?? "none";
  const statements = record.statements();
  requests.inc({ operation, department, outcome });
  requestDuration.observe({ operation, department }, seconds);
  requestStatements.observe({ operation }, statements);
  const limit = record.limit ?? (status >= 400 ? LIMIT_OF_CODE[outcome] : undefined);
  if (limit) rejected.inc({ limit, code: outcome });
  const principal = record.principal;
  log(status >= 500 ? "warn" : "info", "request", {
    requestId: record.requestId,
    correlationId: record.correlationId ?? undefined,
    department: principal?.department,
    region: principal ? principal.region || "*" : undefined,
    via: principal?.via,
    keyId: principal?.via === "api-key" ? principal.id.slice("api-key:".length) : undefined,
    operation: record.operation && NAME.test(record.operation) ? record.operation : record.operation ? "other" : null,
    durationMs: Math.round(seconds * 10_000) / 10,
    statements,
    status,
    outcome,
  });
}

/** A request refused before it reached the GraphQL pipeline (HTTP body limits), for the metrics. */
export function recordRefusal(limit: string, code: string): void {
  rejected.inc({ limit, code });
}
