import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import { execute, GraphQLError, parse, subscribe, type DocumentNode, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Access } from "./access/access.js";
import { accessFor, type Authenticator } from "./access/authenticate.js";
import type { AuditWriter } from "./access/audit.js";
import type { CompiledPolicy } from "./access/compile.js";
import { parsePurpose, type DeclaredPurpose } from "./access/purpose.js";
import type { Config } from "./config.js";
import { correlationId, createContext, type Context } from "./context.js";
import type { Database } from "./db/client.js";
import { alertHub } from "./modules/monitoring/alert.stream.js";
import { UnauthenticatedError } from "./shared/errors.js";
import { formatDatabaseFailure, logIfUnexpected, publicError } from "./shared/error-masking.js";
import { log } from "./shared/log.js";
import type { Pipeline } from "./operation/pipeline.js";
import { tokenLimitError } from "./operation/limits.js";
import { OperationNotRegisteredError } from "./http/http.errors.js";
import { enforceSafelist } from "./operations/safelist.js";
import { assertPlanned, sanction } from "./plan/planner.js";

export interface SubscriptionDeps {
  config: Config;
  database: Database;
  schema: GraphQLSchema;
  policy: CompiledPolicy;
  /** The one operation path (validation, variables, input checks, policy), shared with HTTP. */
  pipeline: Pipeline;
  authenticator: Authenticator;
  audit: AuditWriter;
}

interface ConnectionState {
  access?: Access;
  purpose?: DeclaredPurpose | null;
  /** The credentials as given, to check again before each event (expiry, a revoked key). */
  header?: (name: string) => string | undefined;
}

/**
 * GraphQL subscriptions over graphql-ws on the HTTP server's /graphql. The principal is decided
 * once, when the connection opens (connection params `authorization` / `x-api-key`, or the upgrade
 * request's headers); bad credentials close the socket. Each subscription passes the same guard as
 * an HTTP operation (fields, arguments, purpose), its events are resolved through the subscriber's
 * scoped, masked access, and every event carrying personal data is written to the read audit.
 * Queries and mutations belong on HTTP and are refused here.
 */
export function serveSubscriptions(server: Server, deps: SubscriptionDeps): () => Promise<void> {
  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: deps.config.MAX_BODY_BYTES });
  const documents = new Map<string, DocumentNode>();
  const states = new WeakMap<object, ConnectionState>();

  /** The principal's access, or why the credentials are not (or no longer) valid. */
  async function authenticate(header: (name: string) => string | undefined): Promise<Access | UnauthenticatedError> {
    try {
      return await accessFor(deps.authenticator, deps.policy, header);
    } catch (error) {
      if (error instanceof UnauthenticatedError) return error;
      throw error;
    }
  }

  const disposable = useServer<Record<string, unknown> | undefined, { request: IncomingMessage }>(
    {
      schema: deps.schema,
      // Nothing runs without its plan's verdict, as over HTTP (src/executor.ts): onSubscribe sanctions it.
      subscribe(args) {
        assertPlanned(args.contextValue, args.document);
        return subscribe(args);
      },
      execute(args) {
        assertPlanned(args.contextValue, args.document);
        return execute(args);
      },
      async onConnect(ctx) {
        // Connection parameters are matched without regard to case, like HTTP headers.
        const params = Object.fromEntries(
          Object.entries(ctx.connectionParams ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        );
        const header = (name: string): string | undefined => {
          const fromParams = params[name.toLowerCase()];
          if (typeof fromParams === "string") return fromParams;
          const fromRequest = ctx.extra.request.headers[name.toLowerCase()];
          return Array.isArray(fromRequest) ? fromRequest[0] : fromRequest;
        };
        try {
          const access = await authenticate(header);
          if (access instanceof UnauthenticatedError) {
            // 4401 with the reason (expired, invalid, revoked): the client knows to get new credentials.
            closeUnauthenticated(ctx.extra.socket, access.message);
            return false;
          }
          const purpose = parsePurpose(header("x-purpose"));
          states.set(ctx, { access, purpose, header });
          return true;
        } catch (error) {
          // Never let a fault's text reach the client in the close reason.
          log("error", "subscription connection failed", { error: String(error) });
          return false;
        }
      },
      async onSubscribe(ctx, id, payload) {
        const state = states.get(ctx);
        if (!state?.access) return [new UnauthenticatedError("Not authenticated.")];
        // A key bound to registered operations subscribes with one of them only (by exact document).
        try {
          await enforceSafelist(deps.database.db, state.access.principal, {
            method: "POST",
            body: { query: payload.query },
            search: "",
          });
        } catch (error) {
          if (error instanceof OperationNotRegisteredError) return [error];
          throw error;
        }
        let document: DocumentNode;
        try {
          document = documents.get(payload.query) ?? parse(payload.query, { maxTokens: deps.config.MAX_TOKENS });
        } catch (error) {
          return [
            tokenLimitError(error as GraphQLError, payload.query, deps.config.MAX_TOKENS) ?? (error as GraphQLError),
          ];
        }
        if (documents.size < 1000) documents.set(payload.query, document);
        // The operation id is the client's: a correlation id, like X-Request-Id over HTTP.
        const context = createContext(deps.config, deps.database, state.access, randomUUID(), {
          purpose: state.purpose,
          correlationId: correlationId(`ws:${id}`),
        });
        // The same path as HTTP (src/operation/pipeline.ts): the contract's validation, variables,
        // input checks and the policy, in that order.
        const admission = await deps.pipeline.admit({
          document,
          source: payload.query,
          operationName: payload.operationName,
          variables: payload.variables,
          context,
          cacheKey: payload.query,
        });
        if (!admission.ok) return [...admission.errors];
        if (admission.operation.operation !== "subscription") {
          return [
            new GraphQLError("Only subscriptions are served over WebSocket: send queries and mutations over HTTP.", {
              extensions: { code: "BAD_REQUEST" },
            }),
          ];
        }
        sanction(context, admission.plan);
        return {
          schema: deps.schema,
          document: admission.document,
          operationName: admission.operationName,
          variableValues: payload.variables,
          contextValue: context,
        };
      },
      async onNext(ctx, _id, payload, args, result) {
        const context = args.contextValue as Context;
        // Credentials expire and API keys are revoked: checked again before anything is sent.
        const state = states.get(ctx);
        const still = state?.header
          ? await authenticate(state.header).catch(
              () => new UnauthenticatedError("The credentials could not be checked."),
            )
          : new UnauthenticatedError("Not authenticated.");
        if (still instanceof UnauthenticatedError) {
          closeUnauthenticated(ctx.extra.socket, still.message);
          return {
            errors: [{ message: "The credentials are no longer valid.", extensions: { code: "UNAUTHENTICATED" } }],
          };
        }
        const masked = result.errors?.length ? maskErrors(result.errors, context.requestId) : undefined;
        const answer = masked ? { data: result.data, errors: masked } : undefined;
        try {
          await deps.audit.recordRead(deps.schema, context, {
            document: args.document,
            source: payload.query,
            operationName: payload.operationName,
            data: result.data,
            householdIds: context.streamHouseholds ?? [],
          });
        } catch (error) {
          // Personal data is not sent unless its read is recorded.
          log("error", "audit append failed for a subscription event", {
            requestId: context.requestId,
            error: String(error),
          });
          return { errors: [publicError({ message: "audit append failed" }, undefined, context.requestId)] };
        }
        return answer;
      },
    },
    wss,
  );

  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await alertHub(deps.database).close();
  };
}

/** Closes with 4401 (Unauthorized) and the reason, cut to the 123 bytes a close frame allows. */
function closeUnauthenticated(socket: { close(code: number, reason: string): void }, reason: string): void {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = `${text.slice(0, text.length - 2)}…`;
  socket.close(4401, text);
}

/** As over HTTP: an error not raised on purpose leaves as INTERNAL_SERVER_ERROR, its detail only in the log. */
function maskErrors(errors: readonly GraphQLError[], requestId: string) {
  return errors.map((error) => {
    logIfUnexpected(error, requestId);
    return publicError(formatDatabaseFailure(error.toJSON(), error), error, requestId);
  });
}
