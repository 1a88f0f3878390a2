import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
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
import type { Context } from "../context.js";
import {
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

export class Planner {
  private readonly cache = new Map<string, Plan>();
  private readonly resolved = resolvedFields();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly policy: CompiledPolicy,
  ) {}

  /** The plan of an admitted query (the chosen operation and its fragments), cached. */
  plan(document: DocumentNode, department: string, cacheKey: string): Plan {
    const key = `${department}\u0000${cacheKey}`;
    let plan = this.cache.get(key);
    if (plan) {
      this.cache.delete(key);
      this.cache.set(key, plan);
      return plan;
    }
    plan = this.compile(document, department);
    this.cache.set(key, plan);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return plan;
  }

  compile(document: DocumentNode, department: string): Plan {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const policy = this.policy.forDepartment(department);
    const query = this.schema.getQueryType()!;
    const all = (reason: string): Plan => ({
      operation,
      document,
      roots: rootFields(operation).map((f) => ({ key: f.alias?.value ?? f.name.value, kind: "fallback", reason })),
    });
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
  const args = getArgumentValues(root.field as never, root.node, variables);
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
