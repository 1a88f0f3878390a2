import type { LimitCheck } from "./limits.js";
import {
  coerceInputValue,
  execute,
  extendSchema,
  getOperationAST,
  GraphQLError,
  isInputType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  typeFromAST,
  validate,
  valueFromAST,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import type { AuditWriter, PersonalRead } from "../access/audit.js";
import { collectReads, ReadCollector } from "../access/audit.js";
import type { CompiledPolicy } from "../access/compile.js";
import { refusals } from "../access/guard.js";
import type { Context } from "../context.js";
import { BadUserInputError } from "../shared/errors.js";
import { inputProblems } from "./input-checks.js";
import { sanction, type CheckedPlan, type Planner } from "../plan/planner.js";
import { runPlan } from "../plan/run.js";

/**
 * The one path every operation takes, over HTTP and WebSocket alike (design: "no second path
 * around the policy"). In order, before anything runs:
 *
 *   1. the document limits (operation/limits.ts: depth, aliases, root fields, directives and the
 *      estimated rows against the principal's budget), before validation walks a bomb;
 *   2. validation against the department's own contract (plus the federation fields it may use),
 *      so an error can only name what the contract names — a field outside it is answered exactly
 *      as a field that does not exist (GRAPHQL_VALIDATION_FAILED);
 *   3. the operation is chosen (operationName) and cut out with its fragments: only it is checked;
 *   4. variables coerced against the contract (BAD_USER_INPUT naming only contract types);
 *   5. input checks on the coerced values (text, length, ids, cursors, representations);
 *   6. the operation's plan (src/plan/planner.ts, cached per document, operation and department)
 *      and its verdict: purpose, fields, and filters/orderings — literals decided with the plan,
 *      variables on the coerced values.
 *
 * Then `run` executes the admitted plan and nothing else: it decides the verdict again on the
 * variables it runs with, lets the request's context execute the plan's document (the executor
 * refuses any other: src/executor.ts), answers introspection fields (`__schema`, `__type`) from
 * the contract and runs the rest through the plan under the read audit.
 */
export interface Admitted {
  ok: true;
  /** The chosen operation with the fragments it uses: what is checked, executed and audited. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  /** The variables as coerced against the contract (defaults applied). */
  variables: Record<string, unknown>;
  /** The operation's checked plan: the only way it executes. */
  plan: CheckedPlan;
  /** The introspection fields, answered from the contract (null when none are asked). */
  introspection: DocumentNode | null;
  /** Whether anything besides introspection is asked (what the plan executes). */
  executes: boolean;
}

export interface Refused {
  ok: false;
  errors: readonly GraphQLError[];
  /** Refused before execution could begin (validation, variables): no `data` in the answer. */
  beforeExecution: boolean;
}

export interface PipelineOptions {
  schema: GraphQLSchema;
  contracts: Map<string, GraphQLSchema>;
  policy: CompiledPolicy;
  audit: AuditWriter;
  /** Whether the guard checks fields on the document (false when shield wraps every resolver). */
  guardFields: boolean;
  /** The document limits (operation/limits.ts), checked first. */
  limits?: LimitCheck;
  /** Plans every operation: the policy's verdict, and SQL for the root fields it compiles (src/plan). */
  planner: Planner;
}

export interface OperationRequest {
  document: DocumentNode;
  /** The request's text (its hash goes into the audit entry). */
  source: string;
  operationName: string | null | undefined;
  /** The variables as the client sent them (JSON). */
  variables: Record<string, unknown> | null | undefined;
  context: Context;
  /** Identifies the document's text (Apollo's query hash, or the text itself): keys the caches. */
  cacheKey: string;
}

/** What one execution read, for the audit (AuditWriter.recordRead). */
export interface ReadRecord {
  document: DocumentNode;
  source: string;
  operationName: string | null;
  data: unknown;
  householdIds: number[];
  /** Personal fields and records of compiled answers passed as text (not in `data`). */
  compiled?: PersonalRead | null;
}

export type RecordRead = (read: ReadRecord) => Promise<void>;

/** Executes a document (the chosen operation, introspection fields removed) on the full schema. */
export type Executor = (document: DocumentNode, cacheKey: string) => Promise<ExecutionResult>;

export interface Pipeline {
  /** Everything an operation is refused for, in order; what it may run as when it passes. */
  admit(request: OperationRequest): Promise<Admitted | Refused>;
  /**
   * Runs an admitted query or mutation: introspection from the contract, the rest audited. With
   * `record`, what was read is handed to it instead of appended as an entry of its own: an export
   * runs every page through here and appends one entry for all of them (src/export/).
   */
  run(request: OperationRequest, admitted: Admitted, execute: Executor, record?: RecordRead): Promise<ExecutionResult>;
  /** The schema a department's documents are validated against. */
  validationSchema(department: string): GraphQLSchema;
}

const FEDERATION_SDL = (entities: string[], service: boolean) => `
scalar _Any
${entities.length ? `union _Entity = ${entities.join(" | ")}` : ""}
${service ? "type _Service { sdl: String }" : ""}
${
  entities.length || service
    ? `extend type Query {
  ${entities.length ? "_entities(representations: [_Any!]!): [_Entity]!" : ""}
  ${service ? "_service: _Service!" : ""}
}`
    : ""
}`;

/** Whether a contract holds every field of the full schema (the subgraph SDL tells it nothing new). */
function seesEverything(schema: GraphQLSchema, contract: GraphQLSchema): boolean {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("_") || type.name.startsWith("link__")) continue;
    const own = contract.getType(type.name);
    const fields = Object.keys(type.getFields()).filter((f) => !(type.name === "Query" && f.startsWith("_")));
    if (!isObjectType(own) || fields.some((f) => !own.getFields()[f])) return false;
  }
  return true;
}

/**
 * A department's validation schema: its contract, plus `_entities` over the entity types the
 * contract holds (a supergraph resolves references through it), plus `_service` (the full
 * subgraph SDL) only for a department whose contract is the whole schema.
 */
function validationSchemaFor(schema: GraphQLSchema, contract: GraphQLSchema): GraphQLSchema {
  const entity = schema.getType("_Entity");
  const entities = isUnionType(entity)
    ? entity
        .getTypes()
        .map((t) => t.name)
        .filter((name) => isObjectType(contract.getType(name)))
    : [];
  const service = seesEverything(schema, contract);
  const sdl = FEDERATION_SDL(entities, service);
  return extendSchema(contract, parse(sdl), { assumeValidSDL: true });
}

/** `GRAPHQL_VALIDATION_FAILED`, as Apollo answers it (HTTP 400). */
function validationError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    originalError: error.originalError,
    extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
  });
}

/** The chosen operation and the fragments it spreads, transitively: nothing else of the document. */
function selectOperation(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const used = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        if (used.has(node.name.value)) return;
        used.add(node.name.value);
        const fragment = fragments.get(node.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      },
    });
  }
  const definitions: DefinitionNode[] = [operation, ...[...used].flatMap((n) => fragments.get(n) ?? [])];
  return { kind: Kind.DOCUMENT, definitions };
}

const META = new Set(["__schema", "__type"]);

/**
 * The document split in two: `introspection` keeps, of the root selections, only `__schema`,
 * `__type` and `__typename` (answered from the contract); `rest` is the document without
 * `__schema`/`__type` (they exist only on the query root), or null when nothing else is asked.
 */
function splitIntrospection(document: DocumentNode): { introspection: DocumentNode | null; rest: DocumentNode | null } {
  let found = false;
  visit(document, {
    Field(node) {
      if (META.has(node.name.value)) found = true;
    },
  });
  if (!found) return { introspection: null, rest: document };
  const rootFragments = new Set<string>();
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
  // Fragments spread at the root level (on Query): their selections are root selections too.
  const collectRoot = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) collectRoot(s.selectionSet);
      if (s.kind === Kind.FRAGMENT_SPREAD && !rootFragments.has(s.name.value)) {
        rootFragments.add(s.name.value);
        const def = document.definitions.find(
          (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value,
        );
        if (def) collectRoot(def.selectionSet);
      }
    }
  };
  collectRoot(operation.selectionSet);
  const keepRoot = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.flatMap((s): SelectionNode[] => {
      if (s.kind === Kind.FIELD) return META.has(s.name.value) || s.name.value === "__typename" ? [s] : [];
      if (s.kind === Kind.INLINE_FRAGMENT) return [{ ...s, selectionSet: keepRoot(s.selectionSet) }];
      return [s];
    }),
  });
  const introspection: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: document.definitions.map((d) => {
      if (d.kind === Kind.OPERATION_DEFINITION) return { ...d, selectionSet: keepRoot(d.selectionSet) };
      if (d.kind === Kind.FRAGMENT_DEFINITION && rootFragments.has(d.name.value)) {
        return { ...d, selectionSet: keepRoot(d.selectionSet) };
      }
      return d;
    }),
  };
  return { introspection, rest: withoutEmpty(withoutMeta(document)) };
}

function withoutMeta(document: DocumentNode): DocumentNode {
  return visit(document, {
    Field(node) {
      return META.has(node.name.value) ? null : undefined;
    },
  });
}

/** Removes inline fragments and fragments left empty (and their spreads); null when the operation is empty. */
function withoutEmpty(document: DocumentNode): DocumentNode | null {
  let current = document;
  for (;;) {
    const empty = new Set(
      current.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .filter((d) => d.selectionSet.selections.length === 0)
        .map((d) => d.name.value),
    );
    let changed = empty.size > 0;
    const next: DocumentNode = visit(current, {
      FragmentDefinition(node) {
        return empty.has(node.name.value) ? null : undefined;
      },
      FragmentSpread(node) {
        return empty.has(node.name.value) ? null : undefined;
      },
      InlineFragment: {
        leave(node) {
          if (node.selectionSet.selections.length) return undefined;
          changed = true;
          return null;
        },
      },
    });
    current = next;
    if (!changed) break;
  }
  const operation = current.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operation && operation.selectionSet.selections.length ? current : null;
}

/** The root response keys of an operation in document order (for the merged answer). */
function rootKeys(document: DocumentNode): string[] {
  const keys: string[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) keys.push(s.alias?.value ?? s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet);
      }
    }
  };
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation) walk(operation.selectionSet);
  return [...new Set(keys)];
}

/**
 * Variables coerced against the contract as graphql-js does (getVariableValues), but each problem
 * is reported with its path (`extensions.argumentPath`: `$name`, then input fields and positions).
 */
function coerceVariables(
  contract: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Record<string, unknown>,
): { errors: BadUserInputError[] } | { values: Record<string, unknown> } {
  const errors: BadUserInputError[] = [];
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(contract, definition.type as never);
    if (!type || !isInputType(type)) continue; // validation has refused it already
    const at = [`$${name}`];
    if (!Object.hasOwn(raw, name)) {
      if (definition.defaultValue) values[name] = valueFromAST(definition.defaultValue, type);
      else if (isNonNullType(type)) {
        errors.push(
          new BadUserInputError(`Variable "$${name}" of required type "${String(type)}" was not provided.`, {
            argumentPath: at,
          }),
        );
      }
      continue;
    }
    const value = raw[name];
    if (value === null && isNonNullType(type)) {
      errors.push(
        new BadUserInputError(`Variable "$${name}" of non-null type "${String(type)}" must not be null.`, {
          argumentPath: at,
        }),
      );
      continue;
    }
    values[name] = coerceInputValue(value, type, (path, _invalid, error) => {
      if (errors.length >= 20) return;
      const where = path.length ? ` at ${[name, ...path].join(".")}` : "";
      errors.push(
        new BadUserInputError(`Variable "$${name}" got an invalid value${where}; ${error.message}`, {
          argumentPath: [...at, ...path],
        }),
      );
    });
  }
  return errors.length ? { errors } : { values };
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { schema, contracts, planner } = options;
  const validationSchemas = new Map<string, GraphQLSchema>();
  const entityTypes = new Map<string, ReadonlySet<string>>();
  for (const [department, contract] of contracts) {
    const extended = validationSchemaFor(schema, contract);
    validationSchemas.set(department, extended);
    const entity = extended.getType("_Entity");
    entityTypes.set(department, new Set(isUnionType(entity) ? entity.getTypes().map((t) => t.name) : []));
  }
  const contractOf = (department: string) => {
    const contract = contracts.get(department);
    // A principal of a department the policy does not list has no contract: nothing validates.
    if (!contract) throw new Error(`no contract for department ${department}`);
    return contract;
  };

  // Validation results per document and department (Apollo hands the same parsed document to
  // every request of a query text), and the chosen operation per document and operation name.
  const validated = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();
  const selected = new WeakMap<DocumentNode, Map<string, DocumentNode>>();
  const split = new WeakMap<DocumentNode, ReturnType<typeof splitIntrospection>>();
  // Chosen operations without variables whose literals passed the input checks, by department.
  const clean = new WeakMap<DocumentNode, Set<string>>();

  function validationErrors(document: DocumentNode, department: string): readonly GraphQLError[] {
    let byDepartment = validated.get(document);
    if (!byDepartment) validated.set(document, (byDepartment = new Map()));
    let errors = byDepartment.get(department);
    if (!errors) {
      const target = validationSchemas.get(department);
      errors = target
        ? validate(target, document).map(validationError)
        : [validationError(new GraphQLError("No schema."))];
      byDepartment.set(department, errors);
    }
    return errors;
  }

  function selectedDocument(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
    let byName = selected.get(document);
    if (!byName) selected.set(document, (byName = new Map()));
    const key = operation.name?.value ?? "";
    let chosen = byName.get(key);
    if (!chosen) byName.set(key, (chosen = selectOperation(document, operation)));
    return chosen;
  }

  return {
    validationSchema: (department) => validationSchemas.get(department) ?? contractOf(department),

    async admit({ document, operationName, variables, context, cacheKey: textKey }) {
      const department = context.access.principal.department;
      const refused = (errors: readonly GraphQLError[], beforeExecution = true): Refused => ({
        ok: false,
        errors,
        beforeExecution,
      });
      // 1. Document limits (depth, aliases, root fields, directives, estimated rows): structural and
      //    cheap, so a bomb is refused before validation (itself quadratic in aliases) walks it; the
      //    estimate counts only fields of the department's contract and its messages name none.
      const over = options.limits?.(
        document,
        operationName,
        variables,
        validationSchemas.get(department) ?? schema,
        context.access.principal,
      );
      // HTTP 200 with `data: null`, as the limits promise (a 400 would read as a malformed request).
      if (over?.length) return refused(over, false);
      // 2. Validation against the department's contract, before anything else is read.
      const invalid = validationErrors(document, department);
      if (invalid.length) return refused(invalid);
      // 3. The operation chosen by name.
      const operation = getOperationAST(document, operationName ?? undefined);
      if (!operation) {
        return refused([
          new BadUserInputError(
            operationName
              ? `Unknown operation named "${operationName}".`
              : "Give operationName: the document holds several operations.",
          ),
        ]);
      }
      const chosen = selectedDocument(document, operation);
      // 4. Variables, coerced against the contract.
      const coerced = coerceVariables(validationSchemas.get(department)!, operation, variables ?? {});
      if ("errors" in coerced) return refused(coerced.errors);
      // 5. Every input value checked: of an operation without variables, its literals once.
      const fixed = !operation.variableDefinitions?.length;
      if (!fixed || !clean.get(chosen)?.has(department)) {
        const bad = inputProblems(schema, chosen, coerced.values, entityTypes.get(department) ?? new Set());
        if (bad.length) return refused(bad, false);
        if (fixed) {
          let departments = clean.get(chosen);
          if (!departments) clean.set(chosen, (departments = new Set()));
          departments.add(department);
        }
      }
      // 6. The plan and its verdict: purpose, fields, filters and orderings (variables as coerced).
      const cacheKey = `${operation.name?.value ?? ""}\u0000${textKey}`;
      let parts = split.get(chosen);
      if (!parts) split.set(chosen, (parts = splitIntrospection(chosen)));
      const plan = await planner.checkedPlan(chosen, parts.rest, department, cacheKey);
      const denied = refusals(plan.verdict, context, coerced.values, { fields: options.guardFields });
      if (denied.length) return refused(denied, false);
      return {
        ok: true,
        document: chosen,
        operation,
        operationName: operation.name?.value ?? null,
        variables: coerced.values,
        plan,
        introspection: parts.introspection,
        executes: parts.rest !== null,
      };
    },

    async run(request, admitted, executor, record) {
      const { context } = request;
      const { plan } = admitted;
      // The verdict again, on the variables this run executes with (an export's pages change some).
      const denied = refusals(plan.verdict, context, admitted.variables, { fields: options.guardFields });
      if (denied.length) return { errors: denied, data: null };
      sanction(context, plan);
      const introspection = admitted.introspection
        ? ((await execute({
            schema: contractOf(context.access.principal.department),
            document: admitted.introspection,
            operationName: admitted.operationName,
            variableValues: request.variables ?? {},
            contextValue: context,
          })) as ExecutionResult)
        : null;
      if (!admitted.executes) return introspection ?? { data: {} };
      const collector = new ReadCollector(options.policy.personalRowTypes);
      const cacheKey = `${request.cacheKey}${admitted.introspection ? "\u0000rest" : ""}`;
      const result = await collectReads(collector, () =>
        runPlan(plan, context, admitted.variables, collector, cacheKey, executor),
      );
      const read: ReadRecord = {
        document: plan.document,
        source: request.source,
        operationName: admitted.operationName,
        data: result.data,
        householdIds: [...collector.households],
        compiled: collector.compiled,
      };
      await (record ? record(read) : options.audit.recordRead(schema, context, read));
      if (!introspection) return result;
      const data =
        result.data === null || result.data === undefined
          ? result.data
          : Object.fromEntries(
              rootKeys(admitted.document)
                .map((key): [string, unknown] => [
                  key,
                  Object.hasOwn(result.data!, key) ? result.data![key] : introspection.data?.[key],
                ])
                .filter(([, v]) => v !== undefined),
            );
      const errors = [...(introspection.errors ?? []), ...(result.errors ?? [])];
      return { ...result, data, ...(errors.length ? { errors } : {}) };
    },
  };
}
