import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import { Extensions } from "type-graphql";

/**
 * What a filter, an ordering or an argument reads, declared where it is defined: an input field
 * of a filter says which fields of the listed type it asks about (`@Reads`), and a query field
 * says what each of its other arguments reads (`@ArgumentReads`). A filter is a question about
 * the fields' values (a count of dropped-out children is schooling data), so it needs read access
 * to them; the guard derives that from these declarations (guard.ts), and the server does not
 * start while an argument has none (`argumentReads`).
 */

/** The key under a field's GraphQL `extensions` where its declaration is kept. */
export const READS = "reads";

/**
 * What one argument or input field reads: fields of the type it lists (none: it only pages, names
 * a row by its key or narrows within the principal's own region), or, for an enum such as an
 * ordering, the fields each value reads.
 */
export type ReadDeclaration = readonly string[] | Readonly<Record<string, readonly string[]>>;

/** On a filter's input field: the fields of the listed type it asks about (none: it only narrows the region). */
export function Reads(...fields: string[]): PropertyDecorator {
  return Extensions({ [READS]: fields });
}

/** On a query or field resolver: what each argument reads (page arguments need no declaration). */
export function ArgumentReads(byArgument: Record<string, ReadDeclaration>): MethodDecorator & PropertyDecorator {
  return Extensions({ [READS]: byArgument });
}

/** Arguments that only slice a list into pages. */
const PAGE_ARGUMENTS = new Set(["first", "after", "last", "before"]);

/** What an argument reads: directly, by input field, or by enum value. */
export type ArgumentNeed =
  | { kind: "fields"; fields: readonly string[] }
  | { kind: "input"; byField: ReadonlyMap<string, readonly string[]> }
  | { kind: "enum"; byValue: ReadonlyMap<string, readonly string[]> };

export interface FieldArguments {
  /** The type whose fields the arguments ask about (the listed rows for a connection). */
  target: GraphQLObjectType;
  byArgument: ReadonlyMap<string, ArgumentNeed>;
}

/** `Type.field` → what its arguments read, for every field with an argument that reads anything. */
export type ArgumentIndex = ReadonlyMap<string, FieldArguments>;

export class ReadsDeclarationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Arguments without a declaration of what they read:\n  ${problems.join("\n  ")}`);
    this.name = "ReadsDeclarationError";
  }
}

/** The type a field's arguments ask about: the node type of a connection, else the named type. */
export function rowType(type: GraphQLOutputType): GraphQLObjectType | undefined {
  const named = getNamedType(type);
  if (!isObjectType(named)) return undefined;
  const node = named.getFields().nodes;
  const target = node ? getNamedType(node.type) : named;
  return isObjectType(target) ? target : undefined;
}

/** Mutations are checked input field by input field by the write engine; federation's by type. */
function exempt(schema: GraphQLSchema, type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  return (
    type.name.startsWith("__") ||
    field.name.startsWith("__") ||
    type === schema.getMutationType() ||
    (type === schema.getQueryType() && (field.name === "_entities" || field.name === "_service"))
  );
}

function asList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

/**
 * Derives, from the declarations on the schema, what every argument of every query and object
 * field reads; any argument without one (a new filter field, a new argument, an ordering value
 * not covered), or one naming a field its type does not have, is a problem: the server does not
 * start with it (rather than letting the argument through unchecked).
 */
export function argumentReads(schema: GraphQLSchema): ArgumentIndex {
  const problems: string[] = [];
  const index = new Map<string, FieldArguments>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (exempt(schema, type, field) || !field.args.length) continue;
      const target = rowType(field.type);
      const at = `${type.name}.${field.name}`;
      const declared = (field.extensions[READS] ?? {}) as Record<string, unknown>;
      const byArgument = new Map<string, ArgumentNeed>();
      const known = (fields: readonly string[], where: string) => {
        for (const f of fields) {
          if (!target?.getFields()[f])
            problems.push(`${where} reads ${target?.name ?? "?"}.${f}, which does not exist`);
        }
      };
      for (const argument of field.args) {
        if (PAGE_ARGUMENTS.has(argument.name)) continue;
        const need = argumentNeed(argument, declared[argument.name], `${at}(${argument.name})`, problems);
        if (!need) continue;
        if (need.kind === "fields") known(need.fields, `${at}(${argument.name})`);
        else if (need.kind === "enum") for (const [v, f] of need.byValue) known(f, `${at}(${argument.name}: ${v})`);
        else for (const [k, f] of need.byField) known(f, `${getNamedType(argument.type).name}.${k} (at ${at})`);
        byArgument.set(argument.name, need);
      }
      const fieldsRead = [...byArgument.values()].some((need) =>
        [
          ...(need.kind === "fields"
            ? [need.fields]
            : need.kind === "input"
              ? need.byField.values()
              : need.byValue.values()),
        ].some((f) => f.length),
      );
      if (!fieldsRead) continue;
      if (target) index.set(at, { target, byArgument });
      else problems.push(`${at} has arguments that read fields but lists no object type`);
    }
  }
  if (problems.length) throw new ReadsDeclarationError([...new Set(problems)]);
  return index;
}

function argumentNeed(
  argument: GraphQLArgument,
  declared: unknown,
  where: string,
  problems: string[],
): ArgumentNeed | undefined {
  const named = getNamedType(argument.type);
  if (isInputObjectType(named) && declared === undefined) {
    const byField = new Map<string, readonly string[]>();
    for (const input of Object.values(named.getFields())) {
      const fields = asList(input.extensions[READS]);
      if (!fields) problems.push(`${named.name}.${input.name} does not declare what it reads (@Reads)`);
      else byField.set(input.name, fields);
    }
    return { kind: "input", byField };
  }
  const list = asList(declared);
  if (list) return { kind: "fields", fields: list };
  if (isEnumType(named) && declared && typeof declared === "object") {
    const byValue = new Map<string, readonly string[]>();
    for (const value of named.getValues()) {
      const fields = asList((declared as Record<string, unknown>)[value.name]);
      if (!fields) problems.push(`${where}: the value ${value.name} does not declare what it reads`);
      else byValue.set(value.name, fields);
    }
    return { kind: "enum", byValue };
  }
  problems.push(`${where} does not declare what it reads (@ArgumentReads)`);
  return undefined;
}
