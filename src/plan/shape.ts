import {
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import type { SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { DepartmentPolicy } from "../access/compile.js";
import type { MaskForm } from "../access/policy.js";
import type { Context } from "../context.js";
import { CannotCompile } from "./cannot-compile.js";
import { FIGURES, type Figure } from "./figures.js";
import { columnsOf, RELATIONS, SOURCES, type Relation, type Source } from "./sources.js";

/**
 * The shape of a selection the compiler can answer from tables: which response key carries which
 * column, relation or constant, with fragments and repeated keys merged as GraphQL merges them.
 * A selection it cannot answer gives a reason (the root field then runs on its resolvers).
 */
export type ObjectField =
  | { key: string; kind: "typename"; value: string }
  | { key: string; kind: "id" }
  | { key: string; kind: "column"; field: string; column: AnyPgColumn; mask?: MaskForm }
  | { key: string; kind: "relation"; field: string; relation: Relation; shape: ObjectShape }
  | { key: string; kind: "figure"; field: string; figure: Figure; value: (ctx: Context) => SQL };

export interface ObjectShape {
  source: Source;
  fields: ObjectField[];
}

export { CannotCompile };

/** What the compiler needs of the schema and the department, shared by every plan. */
export interface ShapeContext {
  schema: GraphQLSchema;
  policy: DepartmentPolicy;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Fields backed by a resolver of their own, by type (never read as a column). */
  resolved: ReadonlyMap<string, ReadonlySet<string>>;
}

/** json_build_object takes at most 100 arguments. */
const MAX_KEYS = 50;

/** The column kinds a JSON value of PostgreSQL renders exactly as the resolvers serialise them. */
const SUPPORTED_COLUMNS = new Set([
  "PgInteger",
  "PgSmallInt",
  "PgText",
  "PgChar",
  "PgEnumColumn",
  "PgArray",
  "PgDateString",
  "PgBoolean",
  "PgTimestamp",
  "PgNumericNumber",
]);

/** The fields of a selection set by response key, in order, fragments applied (graphql's CollectFields). */
export function collectFields(
  ctx: ShapeContext,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const applies = (condition: string | undefined) =>
    !condition || condition === type.name || type.getInterfaces().some((i) => i.name === condition);
  const walk = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.directives?.length) throw new CannotCompile("a directive (@skip, @include) in the selection");
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        const list = out.get(key);
        if (list) list.push(s);
        else out.set(key, [s]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (applies(s.typeCondition?.name.value)) walk(s.selectionSet);
      } else {
        if (seen.has(s.name.value)) continue;
        seen.add(s.name.value);
        const fragment = ctx.fragments.get(s.name.value);
        if (fragment && applies(fragment.typeCondition.name.value)) walk(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) walk(set);
  return out;
}

/** The sub-selections of a merged field. */
export function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

/** The shape of rows of `type` selected by `sets`; `path` holds the tables above (no table twice). */
export function objectShape(
  ctx: ShapeContext,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  path: readonly string[] = [],
): ObjectShape {
  const source = SOURCES[type.name];
  if (!source) throw new CannotCompile(`${type.name} is not read from a table by the compiler`);
  if (path.includes(type.name)) throw new CannotCompile(`${type.name} nested inside ${type.name}`);
  const columns = columnsOf(source);
  const resolved = ctx.resolved.get(type.name) ?? new Set<string>();
  const masks = ctx.policy.masks(type.name);
  const fields: ObjectField[] = [];
  for (const [key, nodes] of collectFields(ctx, type, sets)) {
    const name = nodes[0]!.name.value;
    if (nodes.some((n) => n.arguments?.length)) throw new CannotCompile(`${type.name}.${name} with arguments`);
    if (name === "__typename") {
      fields.push({ key, kind: "typename", value: type.name });
      continue;
    }
    if (name === "id") {
      fields.push({ key, kind: "id" });
      continue;
    }
    const relation = RELATIONS[`${type.name}.${name}`];
    if (relation) {
      const target = getNamedType(type.getFields()[name]!.type);
      if (!isObjectType(target)) throw new CannotCompile(`${type.name}.${name} is not an object`);
      const shape = objectShape(ctx, target, subSelections(nodes), [...path, type.name]);
      fields.push({ key, kind: "relation", field: name, relation, shape });
      continue;
    }
    const figure = FIGURES[`${type.name}.${name}`];
    if (figure) {
      fields.push({ key, kind: "figure", field: name, figure, value: figure.plan(ctx.policy) });
      continue;
    }
    const column = columns[name];
    if (!column || resolved.has(name)) throw new CannotCompile(`${type.name}.${name} runs on its resolver`);
    if (!SUPPORTED_COLUMNS.has(column.columnType))
      throw new CannotCompile(`${type.name}.${name} is a ${column.columnType}`);
    const mask = masks.get(name);
    fields.push({ key, kind: "column", field: name, column, ...(mask ? { mask } : {}) });
  }
  if (fields.length > MAX_KEYS) throw new CannotCompile(`more than ${MAX_KEYS} fields of ${type.name}`);
  return { source, fields };
}

/** The relations of a shape, at any depth (which personal rows it reads). */
export function relationsOf(shape: ObjectShape): string[] {
  return shape.fields.flatMap((f) =>
    f.kind === "relation" ? [`${shape.source.type}.${f.field}`, ...relationsOf(f.shape)] : [],
  );
}
