import "reflect-metadata";
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import type { Access } from "./access/access.js";
import { accessFor, createAuthenticator } from "./access/authenticate.js";
import { compilePolicy, type CompiledPolicy } from "./access/compile.js";
import { contractSchemas } from "./access/contract.js";
import { AuditWriter } from "./access/audit.js";
import { loadAuditKeys, type AuditKeys } from "./access/audit-keys.js";
import { parsePurpose } from "./access/purpose.js";
import { createGuard, shieldedSchema } from "./access/guard.js";
import { loadPolicyFile, type PolicyFile } from "./access/policy.js";
import { UnauthenticatedError } from "./shared/errors.js";
import { buildApiSchema } from "./build-schema.js";
import type { Config } from "./config.js";
import { correlationId as clientRequestId, createContext, type Context } from "./context.js";
import type { Database } from "./db/client.js";
import { documentRunner, executorGateway, type ExecutionMode } from "./executor.js";
import { createExporter } from "./export/export.js";
import { createPageHandler } from "./graphiql/page.js";
import { databaseCause, forLog, formatDatabaseFailure, logIfUnexpected, publicError } from "./shared/error-masking.js";
import { log } from "./shared/log.js";
import { readiness } from "./db/readiness.js";
import { clientGone, statusOf, withinBounds } from "./request-bounds.js";
import { serveSubscriptions } from "./subscriptions.js";
import { createPipeline, type Admitted, type OperationRequest } from "./operation/pipeline.js";
import { createLimits } from "./operation/limits.js";
import { capResponse } from "./operation/response-size.js";
import { tokenLimitPlugin } from "./operation/token-limit.js";
import { BodyTooLarge, readBody } from "./http/body.js";
import { createCors } from "./http/cors.js";
import { OperationNotRegisteredError, RateLimitedError } from "./http/http.errors.js";
import { createRateLimits, type RateLimited } from "./http/rate-limit.js";
import { statementCounter } from "./db/request-scope.js";
import { registry } from "./observability/metrics.js";
import { recordRefusal, recordRequest, statedOperation, type RequestRecord } from "./observability/requests.js";
import { enforceSafelist } from "./operations/safelist.js";
import { Planner } from "./plan/planner.js";
import { PassThrough, type ApiResponse } from "./plan/passthrough.js";

export interface AppOptions {
  /** `jit` (compiled, the default) or `graphql-js` (reference execution, for comparison). */
  execution?: ExecutionMode;
  /**
   * How graphql-shield guards fields: `document` (the default: its rules decided once per
   * operation and department) or `middleware` (wrapping every resolver; kept for the benchmarks).
   */
  guard?: "document" | "middleware";
  /** The policy to enforce (tests); default: the policy file of the configuration. */
  policy?: PolicyFile;
  /**
   * Benchmarks only: serve every authenticated principal without the policy (no guard, no masks,
   * no scope, no audit), to measure what enforcement costs. Never set by the server's entry point.
   */
  unrestricted?: boolean;
  /** The read audit's keys; default: from the configuration (generated outside production). */
  auditKeys?: AuditKeys;
  /**
   * How reads execute: `plan` (the default: each root field compiled to SQL by the operation's
   * plan) or `resolvers` (the field resolvers, kept as the reference for tests and benchmarks).
   */
  readPath?: ReadPath;
}

export type ReadPath = "plan" | "resolvers";

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface App {
  schema: GraphQLSchema;
  policy: CompiledPolicy;
  /** Each department's contract schema: what introspection returns to its principals. */
  contracts: Map<string, GraphQLSchema>;
  apollo: ApolloServer<Context>;
  /** The Node HTTP listener: /graphql, /health, /ready, /metrics and the query page (GraphiQL) at / with its assets. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Runs one operation through the full HTTP pipeline, without a socket (tests, tools). */
  graphql(body: GraphQLBody, headers?: Record<string, string>): Promise<{ status: number; body: GraphQLResponseBody }>;
  /** Serves subscriptions (graphql-ws) on the server's /graphql; stopped with the app. */
  serveSubscriptions(server: Server): void;
  /** Closes every subscription socket (before the HTTP server closes: they would hold it open). */
  stopSubscriptions(): Promise<void>;
  stop(): Promise<void>;
}

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

/**
 * Notes each executed request's operation name (as Apollo resolved it) and outcome code for its log
 * line and metrics. Its listeners keep nothing of a request: one set serves them all.
 */
const observeRequestsListener: GraphQLRequestListener<Context> = {
  async didResolveOperation({ operationName, contextValue }) {
    const record = contextValue.observed;
    if (record && operationName) record.operation = operationName;
  },
  async willSendResponse({ response, contextValue }) {
    const record = contextValue.observed;
    if (!record || response.body.kind !== "single") return;
    const code = response.body.singleResult.errors?.[0]?.extensions?.code;
    record.outcome = typeof code === "string" ? code : "OK";
  },
};
const observeRequests: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return observeRequestsListener;
  },
};

/** Anything not raised on purpose leaves the server masked, its detail only in the log (error-masking.ts). */
const maskUnexpectedErrorsListener: GraphQLRequestListener<Context> = {
  async didEncounterErrors({ errors, contextValue }) {
    for (const error of errors) logIfUnexpected(error, contextValue.requestId);
  },
  async willSendResponse({ response, contextValue, errors }) {
    if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
    // Apollo formats `errors` one for one, in order, into the response's errors.
    response.body.singleResult.errors = response.body.singleResult.errors.map((e, i) =>
      publicError(e, errors?.[i], contextValue.requestId),
    );
    // The database gone or out of time: a status load balancers and clients retry on.
    const status = response.body.singleResult.errors.map((e) => statusOf(e.extensions?.code)).find(Boolean);
    if (status) response.http.status = status;
  },
};
const maskUnexpectedErrors: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return maskUnexpectedErrorsListener;
  },
};

export async function createApp(config: Config, database: Database, options: AppOptions = {}): Promise<App> {
  const schema = await buildApiSchema();
  const policy = compilePolicy(options.policy ?? loadPolicyFile(config.POLICY_FILE), schema);
  const contracts = contractSchemas(schema, policy);
  const guard = createGuard(schema);
  const authenticator = await createAuthenticator(config, database, policy.departments);
  const executionSchema = options.guard === "middleware" ? shieldedSchema(schema, guard) : schema;
  const audit = new AuditWriter(database, options.auditKeys ?? loadAuditKeys(config), {
    every: config.AUDIT_CHECKPOINT_EVERY,
    seconds: config.AUDIT_CHECKPOINT_SECONDS,
    batchMax: config.AUDIT_BATCH_MAX,
  });
  await audit.start();
  const limits = createLimits(config);

  const pipeline = createPipeline({
    schema,
    contracts,
    policy,
    audit,
    limits,
    guardFields: options.guard !== "middleware",
    planner: new Planner(schema, policy, guard, { compile: options.readPath !== "resolvers" }),
  });
  const admitted = new WeakMap<object, Admitted>();
  const operationOf = (rc: GatewayGraphQLRequestContext): OperationRequest => ({
    document: rc.document,
    source: rc.source,
    operationName: rc.request.operationName,
    variables: rc.request.variables,
    context: rc.context as Context,
    cacheKey: rc.queryHash,
  });

  const runner = documentRunner(executionSchema, options.execution ?? "jit");
  const apollo = new ApolloServer<Context>({
    gateway: executorGateway(
      executionSchema,
      options.execution ?? "jit",
      {
        // The one path (src/operation/pipeline.ts): validation against the department's contract,
        // variables, input checks and the policy, then execution under the read audit.
        async before(rc) {
          const admission = await pipeline.admit(operationOf(rc));
          if (admission.ok) {
            admitted.set(rc, admission);
            return null;
          }
          return admission.beforeExecution
            ? { errors: [...admission.errors] }
            : { errors: [...admission.errors], data: null };
        },
        async around(rc, run) {
          return pipeline.run(operationOf(rc), admitted.get(rc)!, run);
        },
      },
      runner,
    ),
    // Apollo would validate against the full schema, naming fields outside a department's contract:
    // the pipeline validates each document against the caller's own contract instead.
    dangerouslyDisableValidation: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatDatabaseFailure,
    // main.ts owns shutdown: the database must close after the server, in that order.
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: config.MAX_TOKENS },
    // Cache control would wrap every resolver of the schema (Apollo instruments the schema for any
    // plugin with `willResolveField`), graphql-jit's compiled code included; nothing here uses it.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      maskUnexpectedErrors,
      tokenLimitPlugin(config.MAX_TOKENS),
      observeRequests,
    ],
  });
  await apollo.start();

  const rateLimits = createRateLimits(config);
  const exporter = createExporter({
    config,
    database,
    schema,
    pipeline,
    runner,
    audit,
    async identify(headers, address) {
      const record: RequestRecord = {
        requestId: randomUUID(),
        correlationId: clientRequestId(headers.get("x-request-id")),
        principal: null,
        operation: "export",
        outcome: null,
        limit: null,
        statements: () => 0,
      };
      const ids = new HeaderMap([["x-request-id", record.requestId]]);
      if (record.correlationId) ids.set("x-correlation-id", record.correlationId);
      const who = await identify(record, headers, address, ids);
      if ("access" in who) {
        return { ok: true, access: who.access, requestId: record.requestId, correlationId: record.correlationId, ids };
      }
      const body = who.body.kind === "complete" ? who.body.string : "";
      return { ok: false, status: who.status ?? 400, headers: who.headers, body };
    },
  });

  /**
   * One request through the pipeline. `address` is the client's (rate limits); requests made in
   * process (`graphql()`: tests, tools) have none and are not limited.
   */
  async function run(
    method: string,
    headers: HeaderMap,
    search: string,
    body: unknown,
    client?: AbortController,
    address?: string,
  ) {
    const started = performance.now();
    // Our own id goes into the log and the audit; the client's is kept beside it, never in its place.
    const record: RequestRecord = {
      requestId: randomUUID(),
      correlationId: clientRequestId(headers.get("x-request-id")),
      principal: null,
      operation: statedOperation(body, search),
      outcome: null,
      limit: null,
      statements: () => 0,
    };
    const response = await withinBounds(database, config.REQUEST_DEADLINE_MS, client, record.requestId, () =>
      runBounded(record, method, headers, search, body, address),
    );
    if (record.correlationId) response.headers.set("x-correlation-id", record.correlationId);
    recordRequest(record, response, (performance.now() - started) / 1000);
    return response;
  }

  /** The caller's access, once its credentials and rate limits pass; else the response that refuses it. */
  async function identify(record: RequestRecord, headers: HeaderMap, address: string | undefined, ids: HeaderMap) {
    let access: Access;
    try {
      access = await accessFor(authenticator, policy, (name) => headers.get(name), options.unrestricted);
    } catch (error) {
      if (!(error instanceof UnauthenticatedError)) throw error;
      // Failed credentials count against the address, as the public's do: guessing keys is limited too.
      const limited = address === undefined ? null : await rateLimits.charge(null, address);
      return limited ? tooManyRequests(record, limited, ids) : unauthenticated(error, ids);
    }
    record.principal = access.principal;
    const limited = address === undefined ? null : await rateLimits.charge(access.principal, address);
    if (limited) return tooManyRequests(record, limited, ids);
    return { access };
  }

  async function runBounded(
    record: RequestRecord,
    method: string,
    headers: HeaderMap,
    search: string,
    body: unknown,
    address: string | undefined,
  ) {
    const { requestId, correlationId } = record;
    record.statements = statementCounter();
    const ids = new HeaderMap([["x-request-id", requestId]]);
    if (correlationId) ids.set("x-correlation-id", correlationId);
    const who = await identify(record, headers, address, ids);
    if (!("access" in who)) return who;
    const { access } = who;
    let request = { method, body, search };
    try {
      request = await enforceSafelist(database.db, access.principal, request);
    } catch (error) {
      if (!(error instanceof OperationNotRegisteredError)) throw error;
      return refused(403, error, ids);
    }
    const purpose = parsePurpose(headers.get("x-purpose"));
    const context = createContext(config, database, access, requestId, { purpose, correlationId });
    // This layer writes the response: compiled answers may stay PostgreSQL's JSON text until then.
    const passThrough = new PassThrough();
    context.passThrough = passThrough;
    context.observed = record;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method, headers, search: request.search, body: request.body },
      context: async () => context,
    });
    for (const [k, v] of ids) response.headers.set(k, v);
    const bytes = response.body.kind === "complete" ? passThrough.splice(response.body.string) : null;
    return capResponse(bytes ? Object.assign(response, { bytes }) : response, config.MAX_RESPONSE_BYTES);
  }

  const servePage = createPageHandler();
  const cors = createCors(config.CORS_ORIGINS);
  const metricsToken = config.METRICS_TOKEN ? Buffer.from(`Bearer ${config.METRICS_TOKEN}`) : null;

  function serveMetrics(req: IncomingMessage, res: ServerResponse): void {
    const given = Buffer.from(req.headers.authorization ?? "");
    if (metricsToken && (given.length !== metricsToken.length || !timingSafeEqual(given, metricsToken))) {
      res
        .writeHead(401, { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' })
        .end("METRICS_TOKEN required\n");
      return;
    }
    void registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => {
        log("error", "metrics collection failed", { error: String(error) });
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics collection failed\n");
      },
    );
  }

  /** The client's address: the socket's, or behind a trusted reverse proxy the first X-Forwarded-For entry. */
  function clientAddress(req: IncomingMessage): string {
    const forwarded = config.TRUST_PROXY ? req.headers["x-forwarded-for"] : undefined;
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    return first || req.socket.remoteAddress || "unknown";
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // The usual request names /graphql alone: its path and (empty) query string are known without parsing.
    const url = req.url === "/graphql" ? GRAPHQL_PATH : new URL(req.url ?? "/", "http://localhost");
    // Preflights are answered here (204), for allowed origins with the CORS headers, for others without.
    if (cors.apply(req, res)) return;
    if (url.pathname === "/metrics") return serveMetrics(req, res);
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      return;
    }
    if (url.pathname === "/ready") {
      void readiness(database).then((state) =>
        res.writeHead(state.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(state)),
      );
      return;
    }
    if (servePage(req, res, url.pathname)) return;
    if (url.pathname === "/export") {
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      }
      return exporter.handle(req, res, headers, clientAddress(req));
    }
    if (url.pathname !== "/graphql") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    // A client that hangs up stops its request: its statements are cancelled (request-bounds.ts).
    const gone = clientGone(res);
    void readBody(req, config.MAX_BODY_BYTES)
      .then(async (raw) => {
        const headers = new HeaderMap();
        for (const [k, v] of Object.entries(req.headers)) {
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
        }
        let body: unknown = raw;
        if (raw && (headers.get("content-type") ?? "").includes("json")) body = JSON.parse(raw);
        const response: ApiResponse = await run(
          req.method ?? "GET",
          headers,
          url.search,
          body,
          gone,
          clientAddress(req),
        );
        for (const [k, v] of response.headers) res.setHeader(k, v);
        res.statusCode = response.status ?? 200;
        if (response.bytes) {
          // The pieces are written as they are, in one write with the head, under their total length.
          res.setHeader("Content-Length", response.bytes.length);
          res.cork();
          for (const chunk of response.bytes.chunks) res.write(chunk);
          res.end();
        } else if (response.body.kind === "complete") {
          res.end(response.body.string);
        } else {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
        }
      })
      .catch((error: unknown) => {
        const [status, message] =
          error instanceof BodyTooLarge
            ? [413, error.message]
            : error instanceof SyntaxError
              ? [400, "Malformed JSON body."]
              : [500, "Internal server error."];
        if (status === 500)
          log("error", "http handler failed", { error: forLog(String(error)), ...databaseCause(error) });
        else
          recordRefusal(
            status === 413 ? "body_size" : "malformed",
            status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST",
          );
        if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
        const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
        res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
      });
  }

  async function graphql(body: GraphQLBody, headers: Record<string, string> = {}) {
    const map = new HeaderMap([["content-type", "application/json"]]);
    for (const [k, v] of Object.entries(headers)) map.set(k.toLowerCase(), v);
    const response: ApiResponse = await run("POST", map, "", JSON.parse(JSON.stringify(body)));
    const text = response.bytes
      ? Buffer.concat(response.bytes.chunks).toString("utf8")
      : response.body.kind === "complete"
        ? response.body.string
        : "";
    return { status: response.status ?? 200, body: JSON.parse(text) as GraphQLResponseBody };
  }

  const subscriptionServers: (() => Promise<void>)[] = [];
  const stopSubscriptions = async () => {
    await Promise.all(subscriptionServers.splice(0).map((stop) => stop()));
  };
  return {
    schema,
    policy,
    contracts,
    apollo,
    handle,
    graphql,
    serveSubscriptions(server) {
      subscriptionServers.push(
        serveSubscriptions(server, {
          config,
          database,
          schema: executionSchema,
          policy,
          pipeline,
          authenticator,
          audit,
        }),
      );
    },
    stopSubscriptions,
    async stop() {
      exporter.stop();
      await stopSubscriptions();
      await apollo.stop();
      await audit.stop();
      await rateLimits.close();
    },
  };
}

/** What `new URL("/graphql", …)` gives of a request's target, for the two parts read of it. */
const GRAPHQL_PATH = { pathname: "/graphql", search: "" } as const;

/** Bad credentials are refused outright (401), never served as the public principal. */
function unauthenticated(error: UnauthenticatedError, ids: HeaderMap) {
  const headers = new HeaderMap([
    ["content-type", "application/json; charset=utf-8"],
    ["www-authenticate", 'Bearer realm="xiangcun-graph"'],
    ...ids,
  ]);
  const body = { errors: [{ message: error.message, extensions: { code: "UNAUTHENTICATED" } }] };
  return { status: 401, headers, body: { kind: "complete" as const, string: JSON.stringify(body) } };
}

/** Over a rate limit: 429, Retry-After, and the typed RATE_LIMITED error saying which limit. */
function tooManyRequests(record: RequestRecord, limited: RateLimited, ids: HeaderMap) {
  record.limit = `rate_${limited.kind}`;
  const response = refused(429, new RateLimitedError(limited.retryAfterSeconds, limited.kind), ids);
  response.headers.set("retry-after", String(limited.retryAfterSeconds));
  return response;
}

/** A request refused before execution, with its typed error. */
function refused(status: number, error: GraphQLError, ids: HeaderMap) {
  const headers = new HeaderMap([["content-type", "application/json; charset=utf-8"], ...ids]);
  const body = { errors: [{ message: error.message, extensions: error.extensions }] };
  return { status, headers, body: { kind: "complete" as const, string: JSON.stringify(body) } };
}
