import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type ValueNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { getMetadataStorage } from "type-graphql";
import type { CompiledPolicy, DepartmentPolicy } from "../access/compile.js";
import { createGuard, type PolicyGuard, type Verdict } from "../access/guard.js";
import type { Context } from "../context.js";
import { renderOnce } from "../db/client.js";
import { RecentMap } from "../shared/recent-map.js";
import {
  afterValues,
  CONNECTIONS,
  connectionStatement,
  LISTS,
  listStatement,
  membersReadable,
  SINGLES,
  singleStatement,
  type ConnectionPart,
  type EdgeField,
  type PageInfoField,
  type Statement,
} from "./roots.js";
import {
  CannotCompile,
  collectFields,
  objectShape,
  relationsOf,
  subSelections,
  type ObjectShape,
  type ShapeContext,
} from "./shape.js";
import { RELATIONS } from "./sources.js";

/**
 * A plan: for each root field of a query, either a compiled statement (one SQL statement returning
 * the whole nested result as JSON) or the reason it runs on its resolvers. One plan per document,
 * operation and department; the principal's region and the variables are parameters of the statement.
 */
export type RootPlan =
  | { key: string; kind: "connection"; field: GraphQLField<unknown, unknown>; node: FieldNode; parts: ConnectionPart[] }
  | { key: string; kind: "single"; field: GraphQLField<unknown, unknown>; node: FieldNode; shape: ObjectShape }
  | { key: string; kind: "list"; field: GraphQLField<unknown, unknown>; node: FieldNode; shape: ObjectShape }
  | { key: string; kind: "fallback"; reason: string };

export interface Plan {
  operation: OperationDefinitionNode;
  document: DocumentNode;
  roots: RootPlan[];
}

const CACHE_SIZE = 1000;

/**
 * A plan with the policy's verdict on the operation: what the department is refused (fields,
 * literal filters and orderings, purposes) and the arguments fed by variables, decided per request
 * (access/guard.ts `refusals`). Only the planner makes one, and nothing executes without one.
 */
export interface CheckedPlan extends Plan {
  readonly department: string;
  readonly verdict: Verdict;
}

/** Plans made by a planner (a look-alike object is not one). */
const issued = new WeakSet<CheckedPlan>();
/** The plan a request's context may execute, set by the operation pipeline as it runs it. */
const sanctioned = new WeakMap<object, CheckedPlan>();

export class PlanRequiredError extends Error {
  constructor(reason: string) {
    super(`Refusing to execute: ${reason}.`);
    this.name = "PlanRequiredError";
  }
}

/** Lets a request's context execute its plan's document (operation/pipeline.ts, after the verdict). */
export function sanction(context: object, plan: CheckedPlan): void {
  if (!issued.has(plan)) throw new PlanRequiredError("the plan was not made by the planner");
  sanctioned.set(context, plan);
}

/**
 * Throws unless the context was sanctioned to execute a plan for its own department that covers
 * the document (the plan's own, or its operation reduced to some of its root fields): what the
 * executor checks before it runs anything (src/executor.ts).
 */
export function assertPlanned(context: unknown, document: DocumentNode): void {
  const plan = context && typeof context === "object" ? sanctioned.get(context) : undefined;
  if (!plan) throw new PlanRequiredError("the operation has no plan");
  const department = (context as Partial<Context>).access?.principal.department;
  if (plan.department !== department) throw new PlanRequiredError("the plan is another department's");
  const planned = new Set(plan.operation.selectionSet.selections);
  const covered = document.definitions.every(
    (d) =>
      plan.document.definitions.includes(d) ||
      (d.kind === Kind.OPERATION_DEFINITION && d.selectionSet.selections.every((s) => planned.has(s))),
  );
  if (!covered) throw new PlanRequiredError("the document is not the plan's");
}

/** Fields with a resolver of their own, by GraphQL type: never read as a column of the same name. */
export function resolvedFields(): Map<string, Set<string>> {
  const storage = getMetadataStorage();
  const names = new Map(storage.objectTypes.map((o) => [o.target, o.name]));
  const out = new Map<string, Set<string>>();
  for (const resolver of storage.fieldResolvers) {
    const type = names.get(resolver.getObjectType?.() as never);
    if (!type) continue;
    if (!out.has(type)) out.set(type, new Set());
    out.get(type)!.add(resolver.schemaName);
  }
  return out;
}

export interface PlannerOptions {
  /** Compile root fields to SQL (default); false runs every root field on its resolvers (the reference path). */
  compile?: boolean;
}

export class Planner {
  private readonly checked = new RecentMap<string, Promise<CheckedPlan>>(CACHE_SIZE);
  private readonly resolved = resolvedFields();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly policy: CompiledPolicy,
    private readonly guard: PolicyGuard = createGuard(schema),
    private readonly options: PlannerOptions = {},
  ) {}

  /**
   * The checked plan of an operation for a department, cached by the document's key: the verdict
   * on `document` (the chosen operation with its fragments) and the execution plan of `executable`
   * (the same without the introspection fields answered from the contract; null when nothing else
   * is asked). The principal's region and the variables are parameters, not part of the key.
   */
  checkedPlan(
    document: DocumentNode,
    executable: DocumentNode | null,
    department: string,
    cacheKey: string,
  ): Promise<CheckedPlan> {
    const key = `${department}\u0000${cacheKey}`;
    let plan = this.checked.get(key);
    if (plan) return plan;
    plan = this.check(document, executable, department);
    this.checked.set(key, plan);
    plan.catch(() => this.checked.delete(key));
    return plan;
  }

  private async check(
    document: DocumentNode,
    executable: DocumentNode | null,
    department: string,
  ): Promise<CheckedPlan> {
    const policy = this.policy.forDepartment(department);
    const verdict: Verdict = policy
      ? await this.guard.verdict(document, policy)
      : { department, fields: [], arguments: [], purposes: [], sites: [], levels: [] };
    const target = executable ?? document;
    const operation = target.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    // Compiled when first run: an operation the verdict refuses is never compiled.
    let roots: RootPlan[] | undefined;
    const compileRoots = (): RootPlan[] =>
      !executable
        ? []
        : this.options.compile === false
          ? this.onResolvers(executable, "the reference path").roots
          : this.compile(executable, department).roots;
    const plan: CheckedPlan = {
      operation,
      document: target,
      department,
      verdict,
      get roots() {
        return (roots ??= compileRoots());
      },
    };
    issued.add(plan);
    return plan;
  }

  private onResolvers(document: DocumentNode, reason: string): Plan {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    return {
      operation,
      document,
      roots: rootFields(operation).map((f) => ({ key: f.alias?.value ?? f.name.value, kind: "fallback", reason })),
    };
  }

  /** The execution plan of a query's root fields (the chosen operation and its fragments). */
  compile(document: DocumentNode, department: string): Plan {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const policy = this.policy.forDepartment(department);
    const query = this.schema.getQueryType()!;
    const all = (reason: string): Plan => this.onResolvers(document, reason);
    if (operation.operation !== "query") return all(`a ${operation.operation}`);
    if (!policy) return all("no policy for the department");
    if (operation.selectionSet.selections.some((s) => s.kind !== Kind.FIELD)) return all("a fragment at the root");
    const fields = rootFields(operation);
    const keys = fields.map((f) => f.alias?.value ?? f.name.value);
    const ctx: ShapeContext = { schema: this.schema, policy, fragments, resolved: this.resolved };
    const roots = fields.map((node): RootPlan => {
      const key = node.alias?.value ?? node.name.value;
      if (keys.indexOf(key) !== keys.lastIndexOf(key))
        return { key, kind: "fallback", reason: "a response key given twice" };
      try {
        return this.root(ctx, policy, query, node, key);
      } catch (error) {
        if (error instanceof CannotCompile) return { key, kind: "fallback", reason: error.message };
        throw error;
      }
    });
    return { operation, document, roots };
  }

  private root(
    ctx: ShapeContext,
    policy: DepartmentPolicy,
    query: GraphQLObjectType,
    node: FieldNode,
    key: string,
  ): RootPlan {
    const name = node.name.value;
    if (node.directives?.length) throw new CannotCompile("a directive on the root field");
    const field = query.getFields()[name];
    if (!field) throw new CannotCompile(`Query.${name} is not a field`);
    const type = getNamedType(field.type);
    if (!isObjectType(type)) throw new CannotCompile(`Query.${name} is not an object`);
    const connection = CONNECTIONS[name];
    if (connection) {
      const parts = connectionParts(ctx, policy, type, node, connection.node);
      const shapes = parts.flatMap((p) =>
        p.kind === "nodes"
          ? [p.shape]
          : p.kind === "edges"
            ? p.fields.flatMap((f) => (f.kind === "node" ? [f.shape] : []))
            : [],
      );
      if (!shapes.every(membersReadable)) throw new CannotCompile("members below another relation");
      return { key, kind: "connection", field, node, parts };
    }
    const single = SINGLES[name];
    if (single) {
      const shape = objectShape(ctx, type, subSelections([node]));
      if (!membersReadable(shape)) throw new CannotCompile("members below another relation");
      return { key, kind: "single", field, node, shape };
    }
    if (LISTS[name]) {
      const shape = objectShape(ctx, type, subSelections([node]));
      if (!membersReadable(shape) || relationsOf(shape).some((r) => RELATIONS[r]!.target === "Member")) {
        throw new CannotCompile("members below a list");
      }
      return { key, kind: "list", field, node, shape };
    }
    throw new CannotCompile(`Query.${name} is not compiled`);
  }
}

function rootFields(operation: OperationDefinitionNode): FieldNode[] {
  return operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
}

/** A connection's selection: totalCount, pageInfo, nodes, edges (cursor, node), __typename. */
function connectionParts(
  ctx: ShapeContext,
  policy: DepartmentPolicy,
  type: GraphQLObjectType,
  node: FieldNode,
  nodeType: string,
): ConnectionPart[] {
  const parts: ConnectionPart[] = [];
  const fieldType = (t: GraphQLObjectType, name: string) =>
    getNamedType(t.getFields()[name]!.type) as GraphQLObjectType;
  for (const [key, nodes] of collectFields(ctx, type, subSelections([node]))) {
    const name = nodes[0]!.name.value;
    if (name === "__typename") parts.push({ key, kind: "typename", value: type.name });
    else if (name === "totalCount") {
      // A count the department may only receive rounded (published counts) is the resolver's to give.
      if (policy.suppressCountsBelow > 1 && !policy.readable(nodeType).has("id")) {
        throw new CannotCompile(`totalCount of ${nodeType} is published rounded`);
      }
      parts.push({ key, kind: "totalCount" });
    } else if (name === "pageInfo") {
      const info = fieldType(type, name);
      const fields = [...collectFields(ctx, info, subSelections(nodes))].map(([k, ns]) => ({
        key: k,
        name: ns[0]!.name.value as PageInfoField,
      }));
      parts.push({ key, kind: "pageInfo", fields });
    } else if (name === "nodes") {
      parts.push({ key, kind: "nodes", shape: objectShape(ctx, fieldType(type, name), subSelections(nodes)) });
    } else if (name === "edges") {
      const edge = fieldType(type, name);
      const fields = [...collectFields(ctx, edge, subSelections(nodes))].map(([k, ns]): EdgeField => {
        const n = ns[0]!.name.value;
        if (n === "cursor") return { key: k, kind: "cursor" };
        if (n === "__typename") return { key: k, kind: "typename", value: edge.name };
        return { key: k, kind: "node", shape: objectShape(ctx, fieldType(edge, n), subSelections(ns)) };
      });
      parts.push({ key, kind: "edges", fields });
    } else throw new CannotCompile(`${type.name}.${name}`);
  }
  return parts;
}

/** The statement of a compiled root field for one request; throws where the resolver must answer. */
export function statementFor(ctx: Context, root: RootPlan, variables: Record<string, unknown>): Statement {
  if (root.kind === "fallback") throw new Error(root.reason);
  const { args, text } = argumentsOf(root, variables);
  if (args.before != null) return buildStatement(ctx, root, args);
  if (args.after == null) return cached(ctx, root, text, () => buildStatement(ctx, root, args));
  // A page after a cursor: the statement of every page after a cursor with the same other
  // arguments, its cursor's key values placeholders; this page's values are checked and bound.
  if (root.kind !== "connection") return buildStatement(ctx, root, args);
  const spec = CONNECTIONS[root.node.name.value]!;
  const values = afterValues(spec, args);
  const template = cached(ctx, root, JSON.stringify({ ...args, after: AFTER_A_CURSOR }), () => {
    const statement = connectionStatement(ctx, spec, root.parts, args, "placeholders");
    renderOnce(statement);
    return statement;
  });
  return { ...template, values };
}

/** What stands for the cursor in the key of a statement of pages after a cursor (no cursor is an object). */
const AFTER_A_CURSOR = { cursor: "placeholders" };

function cached(ctx: Context, root: RootPlan, argsText: string, build: () => Statement): Statement {
  const key = `${ctx.access.cacheKey}\u0000${argsText}`;
  let byRequest = statements.get(root);
  if (!byRequest) statements.set(root, (byRequest = new RecentMap(STATEMENTS_PER_ROOT)));
  return byRequest.remember(key, build);
}

/**
 * A root field's argument values and their JSON (the statements' key). Arguments written as
 * literals (no variable anywhere in them) have the same values in every request: decided once.
 */
function argumentsOf(
  root: Exclude<RootPlan, { kind: "fallback" }>,
  variables: Record<string, unknown>,
): { args: Record<string, unknown>; text: string } {
  const fixed = literalArguments.get(root);
  if (fixed) return fixed;
  const args = getArgumentValues(root.field as never, root.node, variables);
  const decided = { args, text: JSON.stringify(args) };
  if (!root.node.arguments?.some((a) => hasVariable(a.value))) literalArguments.set(root, decided);
  return decided;
}

const literalArguments = new WeakMap<RootPlan, { args: Record<string, unknown>; text: string }>();

function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((f) => hasVariable(f.value));
  return false;
}

/**
 * Statements built, by root field and by what they depend on besides it: the principal (its
 * department, region and id: access.ts `cacheKey`; scope and `rows:` rules read nothing else) and
 * the arguments' values — but for an `after` cursor, whose key values are the placeholders of one
 * statement for all pages after a cursor (a walk asks each page once). Built, checked and rendered
 * to text once, then only run: the values are parameters, so principals of one department in
 * different regions share PostgreSQL's prepared statement, and the same request asked again costs
 * no building or rendering at all. A statement that fails to build (arguments the resolver
 * answers) is not kept.
 */
const statements = new WeakMap<RootPlan, RecentMap<string, Statement>>();
const STATEMENTS_PER_ROOT = 32;

function buildStatement(
  ctx: Context,
  root: Exclude<RootPlan, { kind: "fallback" }>,
  args: Record<string, unknown>,
): Statement {
  if (root.kind === "connection") return connectionStatement(ctx, CONNECTIONS[root.node.name.value]!, root.parts, args);
  if (root.kind === "list") return listStatement(ctx, LISTS[root.node.name.value]!, root.shape, args);
  return singleStatement(ctx, SINGLES[root.node.name.value]!, root.shape, args);
}

/** The operation reduced to the root fields named: what runs on the resolvers. */
export function withRootFields(plan: Plan, keys: ReadonlySet<string>): DocumentNode {
  const operation: OperationDefinitionNode = {
    ...plan.operation,
    selectionSet: {
      ...plan.operation.selectionSet,
      selections: rootFields(plan.operation).filter((f) => keys.has(f.alias?.value ?? f.name.value)),
    },
  };
  return {
    kind: Kind.DOCUMENT,
    definitions: plan.document.definitions.map((d) => (d === plan.operation ? operation : d)),
  };
}

export type { ExecutionResult };
