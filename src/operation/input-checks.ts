import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { BadUserInputError } from "../shared/errors.js";
import { limitFor, numberRange } from "../shared/input-limits.js";
import { textProblem } from "../shared/text.js";

/** Arguments that take a cursor of this API (opaque base64url of JSON). */
const CURSOR_ARGUMENTS = new Set(["after", "before"]);

/** The most representations one `_entities` call may carry (a gateway batches a page's worth). */
export const MAX_REPRESENTATIONS = 1000;

type Path = (string | number)[];

/**
 * The input checks every operation passes before anything runs, over the values as coerced
 * (literals and variables alike): every text is free of NUL, control characters and lone
 * surrogates and within its declared length (src/shared/input-limits.ts); every ID is a
 * well-formed global id; every cursor is well-formed; every `_entities` representation names an
 * entity type of the department's contract. Each problem is a BAD_USER_INPUT at its argument's
 * path (`extensions.argumentPath`: the field as selected, the argument, then the input fields
 * and list positions). Messages never repeat the value (it may be huge) and name only the
 * contract's own arguments and types.
 */
export function inputProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  entityTypes: ReadonlySet<string>,
): BadUserInputError[] {
  const errors: BadUserInputError[] = [];
  const typeInfo = new TypeInfo(schema);
  const problem = (path: Path, message: string) =>
    errors.length < 20 && errors.push(new BadUserInputError(message, { argumentPath: path }));

  function text(path: Path, name: string, value: string, type: GraphQLInputType): void {
    const at = `\`${path.slice(1).join(".")}\``;
    const bad = textProblem(value);
    if (bad) return void problem(path, `${at} ${bad}.`);
    const limit = limitFor(name, type);
    if (limit !== undefined && value.length > limit) {
      return void problem(path, `${at} is longer than ${limit} characters.`);
    }
    const named = getNamedType(type).name;
    if (named === "ID" && !wellFormedId(value)) return void problem(path, `${at} is not a valid id.`);
    if (CURSOR_ARGUMENTS.has(name) && path.length === 2 && !wellFormedCursor(value)) {
      problem(path, `${at} is not a valid cursor: pass a cursor from this list with the same ordering.`);
    }
  }

  /** Numbers with a declared range (src/shared/input-limits.ts): years, for a start. */
  function number(path: Path, value: number): void {
    const range = numberRange(path.slice(1).filter((p): p is string => typeof p === "string"));
    if (range && (value < range[0] || value > range[1])) {
      problem(path, `\`${path.slice(1).join(".")}\` must be between ${range[0]} and ${range[1]}.`);
    }
  }

  function representation(path: Path, value: unknown): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return void problem(path, "A representation is an object with `__typename` and `id`.");
    }
    const { __typename: typename, id } = value as Record<string, unknown>;
    if (typeof typename !== "string" || !entityTypes.has(typename)) {
      return void problem([...path, "__typename"], "`__typename` must name an entity type of your schema.");
    }
    if (typeof id !== "string" || !wellFormedId(id)) return void problem([...path, "id"], "`id` is not a valid id.");
    anyStrings(path, value, 0);
  }

  /** Every string inside a free-form value (`_Any`): clean and at most 200 characters. */
  function anyStrings(path: Path, value: unknown, depth: number): void {
    if (depth > 5) return void problem(path, "The value is nested too deeply.");
    if (typeof value === "string") {
      const bad = textProblem(value) ?? (value.length > 200 ? "is longer than 200 characters" : null);
      if (bad) problem(path, `\`${path.slice(1).join(".")}\` ${bad}.`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => anyStrings([...path, i], v, depth + 1));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) anyStrings([...path, k], v, depth + 1);
    }
  }

  function walk(path: Path, name: string, value: unknown, type: GraphQLInputType): void {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return walk(path, name, value, nullable.ofType as GraphQLInputType);
      if (getNamedType(nullable).name === "_Any" && value.length > MAX_REPRESENTATIONS) {
        return void problem(path, `At most ${MAX_REPRESENTATIONS} representations in one call.`);
      }
      value.forEach((item, i) => walk([...path, i], name, item, nullable.ofType as GraphQLInputType));
      return;
    }
    if (isInputObjectType(nullable)) {
      if (typeof value !== "object") return;
      const fields = nullable.getFields();
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[key];
        if (field) walk([...path, key], key, v, field.type);
      }
      return;
    }
    if (nullable.name === "_Any") return representation(path, value);
    if (typeof value === "string") text(path, name, value, nullable);
    if (typeof value === "number") number(path, value);
  }

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const field = typeInfo.getFieldDef();
        if (!field || !node.arguments?.length) return;
        const responseKey = node.alias?.value ?? node.name.value;
        for (const argument of node.arguments) {
          const definition = field.args.find((a) => a.name === argument.name.value);
          if (!definition) continue;
          const value = valueFromAST(argument.value, definition.type, variables);
          walk([responseKey, definition.name], definition.name, value, definition.type);
        }
      },
    }),
  );
  return errors;
}

/** A Relay global id of this API: base64url of `Type:key`, both parts present (global-id.ts). */
function wellFormedId(id: string): boolean {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return false;
  const text = Buffer.from(id, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1 && /^[A-Za-z]+$/.test(text.slice(0, colon)) && !textProblem(text);
}

/** A cursor of this API: base64url of `{"o": ordering, "v": [values]}` (pagination.ts checks the rest). */
function wellFormedCursor(cursor: string): boolean {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return false;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!parsed || typeof parsed !== "object") return false;
    const { o, v } = parsed as { o?: unknown; v?: unknown };
    return typeof o === "string" && Array.isArray(v) && v.length > 0 && v.length <= 4;
  } catch {
    return false;
  }
}
