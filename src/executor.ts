import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from "@apollo/server-gateway-interface";
import { GraphQLError, execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { assertPlanned } from "./plan/planner.js";
import { RecentMap } from "./shared/recent-map.js";

export type ExecutionMode = "jit" | "graphql-js";

const CACHE_SIZE = 1000;

/**
 * Compiles each operation once (graphql-jit) and caches it by document and operation name:
 * graphql-js re-walks every field of every row, which is where the API's CPU goes on big pages.
 */
export class CompiledExecutor {
  private readonly cache = new RecentMap<string, CompiledQuery>(CACHE_SIZE);

  constructor(private readonly schema: GraphQLSchema) {}

  async execute(
    document: DocumentNode,
    cacheKey: string,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
    context: unknown,
  ): Promise<ExecutionResult> {
    const key = `${operationName ?? ""}\u0000${cacheKey}`;
    let compiled = this.cache.get(key);
    if (!compiled) {
      const result = compileQuery(this.schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return result as ExecutionResult;
      compiled = result;
      this.cache.set(key, compiled);
    }
    return (await compiled.query(undefined, context, variables ?? {})) as ExecutionResult;
  }
}

/**
 * Apollo Server 5 runs operations through a gateway's executor when one is given: that is where
 * the compiled executor plugs in. Parsing, validation, plugins and error formatting stay Apollo's.
 */
export interface ExecutionHooks {
  /** Runs before execution: a result short-circuits it (the operation pipeline's refusals). */
  before?(rc: GatewayGraphQLRequestContext): Promise<ExecutionResult | null>;
  /**
   * Wraps execution (the operation pipeline: introspection from the contract, the read audit).
   * `run` executes the request's document, or the one given (identified by `cacheKey`).
   */
  around?(rc: GatewayGraphQLRequestContext, run: RunDocument): Promise<ExecutionResult>;
}

/** Executes a document on the execution schema; without arguments, the request's own. */
export type RunDocument = (document?: DocumentNode, cacheKey?: string) => Promise<ExecutionResult>;

/**
 * Executes a document as the gateway does (the same compiled cache, the same error shaping): what
 * an export's pages run through, so that they execute exactly as a query's page would.
 */
export type DocumentRunner = (
  document: DocumentNode,
  cacheKey: string,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  context: unknown,
) => Promise<ExecutionResult>;

export function documentRunner(schema: GraphQLSchema, mode: ExecutionMode): DocumentRunner {
  const compiled = new CompiledExecutor(schema);
  return async (document, cacheKey, operationName, variables, context) => {
    // Nothing runs without its plan's verdict (operation/pipeline.ts sanctions the request's context).
    assertPlanned(context, document);
    const result =
      mode === "graphql-js"
        ? ((await execute({
            schema,
            document,
            operationName,
            variableValues: variables,
            contextValue: context,
          })) as ExecutionResult)
        : await compiled.execute(document, cacheKey, operationName, variables, context);
    return withExtensions(requestErrorsAreBadInput(result));
  };
}

export function executorGateway(
  schema: GraphQLSchema,
  mode: ExecutionMode,
  hooks: ExecutionHooks = {},
  runner: DocumentRunner = documentRunner(schema, mode),
): GatewayInterface {
  const executor: GatewayExecutor = async (rc) => {
    const early = await hooks.before?.(rc);
    if (early) return early;
    return hooks.around
      ? hooks.around(rc, (document, cacheKey) => run(rc, document ?? rc.document, cacheKey ?? rc.queryHash))
      : run(rc, rc.document, rc.queryHash);
  };
  const run = (rc: GatewayGraphQLRequestContext, document: DocumentNode, cacheKey: string) =>
    runner(document, cacheKey, rc.operationName, rc.request.variables, rc.context);
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * A result with errors and no data failed before execution began: the variables did not fit their
 * types (a misspelt enum value, a string for an Int). That is the client's input, not our fault.
 */
function requestErrorsAreBadInput(result: ExecutionResult): ExecutionResult {
  if (result.data !== undefined || !result.errors?.length) return result;
  return {
    errors: result.errors.map((error) =>
      error.extensions?.code
        ? error
        : new GraphQLError(error.message, {
            nodes: error.nodes,
            path: error.path,
            originalError: error.originalError,
            extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
          }),
    ),
  };
}

/**
 * graphql-jit leaves `extensions` undefined on an error whose cause has none (a failed statement);
 * Apollo's error formatting reads `extensions.code`, fails, and answers a bare INTERNAL error
 * without its formatError ever seeing the cause (a database outage then looked like our bug).
 */
function withExtensions(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => !error.extensions)) return result;
  return {
    ...result,
    errors: result.errors.map((error) =>
      error.extensions
        ? error
        : new GraphQLError(error.message, { path: error.path, originalError: error.originalError }),
    ),
  };
}
