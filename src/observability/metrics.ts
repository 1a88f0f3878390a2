import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics (GET /metrics). One registry per process: the database pool,
 * the audit writer and the alert hub are per process too. Labels are bounded: departments come
 * from the policy, outcome codes from the server's own typed errors, operation names through
 * `operationLabel` (at most MAX_OPERATIONS distinct names, the rest counted as `other`).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "xg_" });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const requests = new Counter({
  name: "xg_graphql_requests_total",
  help: "GraphQL requests answered, by operation name, department and outcome code (OK, or the first error's code).",
  labelNames: ["operation", "department", "outcome"] as const,
  registers: [registry],
});

export const requestDuration = new Histogram({
  name: "xg_graphql_request_duration_seconds",
  help: "Time from a request's arrival to its answer, by operation name and department.",
  labelNames: ["operation", "department"] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const requestStatements = new Histogram({
  name: "xg_graphql_request_statements",
  help: "Database statements one request issued (the read audit's appends not included), by operation name.",
  labelNames: ["operation"] as const,
  buckets: [0, 1, 2, 3, 4, 5, 8, 13, 21, 34, 55, 100],
  registers: [registry],
});

export const rejected = new Counter({
  name: "xg_http_rejected_requests_total",
  help: "Requests refused before or instead of execution, by the limit that refused them and the code answered.",
  labelNames: ["limit", "code"] as const,
  registers: [registry],
});

/** Statements in flight by driver, counted as plain numbers and read into the gauge when it is collected. */
const inFlight: Partial<Record<"postgres" | "pglite", number>> = {};

export const statementsInFlight = new Gauge({
  name: "xg_db_statements_in_flight",
  help: "Statements issued and not yet answered (above xg_db_pool_connections: waiting for a connection).",
  labelNames: ["driver"] as const,
  registers: [registry],
  collect() {
    for (const [driver, count] of Object.entries(inFlight)) this.set({ driver }, count);
  },
});

/**
 * A statement issued (+1) or answered (-1) on a driver: counted per statement, so kept as a number
 * (the gauge's labelled set costs more than the statement's own bookkeeping) and published on collection.
 */
export function statementInFlight(driver: "postgres" | "pglite", change: 1 | -1): void {
  inFlight[driver] = (inFlight[driver] ?? 0) + change;
}

export const poolConnections = new Gauge({
  name: "xg_db_pool_connections",
  help: "Connections the database pool may open (PGlite: 1, in process).",
  labelNames: ["driver"] as const,
  registers: [registry],
});

export const auditFlushLag = new Histogram({
  name: "xg_audit_flush_lag_seconds",
  help: "Time from a read audit entry being queued to its group commit.",
  buckets: SECONDS,
  registers: [registry],
});

export const auditBatchEntries = new Histogram({
  name: "xg_audit_batch_entries",
  help: "Entries written by one group commit of the read audit.",
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registers: [registry],
});

export const auditFlushFailures = new Counter({
  name: "xg_audit_flush_failures_total",
  help: "Group commits of the read audit that failed (their requests were answered with an error).",
  registers: [registry],
});

export const auditHeadMoves = new Counter({
  name: "xg_audit_head_moves_total",
  help: "Read audit batches written again under the audit lock because another process (or a failure) moved the chain's head.",
  registers: [registry],
});

export const alertNotificationLag = new Histogram({
  name: "xg_alert_notification_lag_seconds",
  help: "Time from a risk alert being raised (its transaction's time) to its delivery to a subscriber.",
  buckets: SECONDS,
  registers: [registry],
});

/** Distinct operation names kept as labels; later ones are counted as `other`. */
export const MAX_OPERATIONS = 200;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const seen = new Set<string>();

/** An operation name fit for a label: `anonymous`, a name seen among the first MAX_OPERATIONS, or `other`. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return "anonymous";
  if (!NAME.test(name)) return "other";
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATIONS) return "other";
  seen.add(name);
  return name;
}
