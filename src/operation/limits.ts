import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  validate,
  valueFromASTUntyped,
  visit,
  BREAK,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Principal } from "../access/access.js";
import type { Config } from "../config.js";
import { LimitExceededError } from "../shared/errors.js";
import { LIST_SIZE } from "../shared/list-size.js";
import { DEFAULT_PAGE_SIZE } from "../shared/pagination.js";

export type Limits = Pick<
  Config,
  | "MAX_DEPTH"
  | "MAX_ALIASES"
  | "MAX_ROOT_FIELDS"
  | "MAX_TOKENS"
  | "MAX_DIRECTIVES"
  | "MAX_PAGE_SIZE"
  | "COST_LIMIT_PUBLIC"
  | "COST_LIMIT_OFFICER"
  | "COST_LIMIT_INTEGRATOR"
>;

export type LimitCheck = (
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  schema: GraphQLSchema,
  principal: Principal,
) => GraphQLError[];

/**
 * The bounds every operation is held to before anything of it runs (no statement, no resolver):
 * depth, aliases, root fields and directives (measured by graphql-armor's rules, fragments
 * expanded), and the rows it would fetch by estimate against the principal's budget. The token
 * count is bounded earlier, by the parser (`parseOptions.maxTokens`; see `tokenLimitError`).
 */
export function createLimits(limits: Limits): LimitCheck {
  // Measures of a document's operation against a schema: Apollo hands every request of a query
  // text the same parsed document, so a document is measured once per schema (department).
  const measures = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, Map<string, Measures | null>>>();
  const measuresOf = (document: DocumentNode, operationName: string | null | undefined, schema: GraphQLSchema) => {
    let bySchema = measures.get(document);
    if (!bySchema) measures.set(document, (bySchema = new WeakMap()));
    let byName = bySchema.get(schema);
    if (!byName) bySchema.set(schema, (byName = new Map()));
    const key = operationName ?? "";
    let found = byName.get(key);
    if (found === undefined) byName.set(key, (found = measure(document, operationName, schema, limits)));
    return found;
  };
  return (document, operationName, variables, schema, principal) => {
    const measured = measuresOf(document, operationName, schema);
    if (!measured) return [];
    const { operation, fragments } = measured;

    const errors: GraphQLError[] = [];
    const over = (code: string, what: (n: number) => string, value: number, limit: number) => {
      if (value > limit) {
        errors.push(
          new LimitExceededError(
            code,
            `The operation ${what(value)}; the server allows at most ${limit}.`,
            limit,
            value,
          ),
        );
      }
    };
    over("DEPTH_LIMIT", (n) => `nests fields ${n} levels deep`, measured.depth, limits.MAX_DEPTH);
    over("ALIAS_LIMIT", (n) => `uses ${n} aliases`, measured.aliases, limits.MAX_ALIASES);
    over("ROOT_FIELD_LIMIT", (n) => `asks for ${n} top-level fields`, measured.rootFields, limits.MAX_ROOT_FIELDS);
    over("DIRECTIVE_LIMIT", (n) => `uses ${n} directives`, measured.directives, limits.MAX_DIRECTIVES);
    if (errors.length) return errors;

    const budget = costBudget(limits, principal);
    const cost = measured.rows ?? estimateRows(schema, operation, fragments, variables ?? {}, limits.MAX_PAGE_SIZE);
    if (cost > budget) {
      errors.push(
        new LimitExceededError(
          "COST_LIMIT",
          `The operation would fetch about ${Number.isFinite(cost) ? Math.round(cost) : "unboundedly many"} rows (page sizes multiplied along each path); your budget is ${budget}. Ask for smaller pages or fewer nested lists.`,
          budget,
          cost,
        ),
      );
    }
    return errors;
  };
}

/** What the limits measure of an operation once: all of it but, when variables may size its pages, the rows. */
interface Measures {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  depth: number;
  aliases: number;
  directives: number;
  rootFields: number;
  /** The estimated rows, when no variable can change them (the operation uses none). */
  rows: number | null;
}

function measure(
  document: DocumentNode,
  operationName: string | null | undefined,
  schema: GraphQLSchema,
  limits: Limits,
): Measures | null {
  const operation = selectedOperation(document, operationName);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Only the operation that runs (and its fragments) is measured.
  const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
  const measured = { depth: 0, aliases: 0, directives: 0 };
  const record = (key: keyof typeof measured) => [(_: unknown, details: { n: number }) => (measured[key] = details.n)];
  validate(schema, single, [
    maxDepthRule({ n: Infinity, flattenFragments: true, ignoreIntrospection: true, onAccept: record("depth") }),
    maxAliasesRule({ n: Infinity, onAccept: record("aliases") }),
    maxDirectivesRule({ n: Infinity, onAccept: record("directives") }),
  ]);
  // Variables the document uses but does not declare (refused later, by validation) count too.
  let fixed = true;
  visit(single, {
    Variable() {
      fixed = false;
      return BREAK;
    },
  });
  return {
    operation,
    fragments,
    ...measured,
    rootFields: rootFields(operation.selectionSet, fragments),
    rows: fixed ? estimateRows(schema, operation, fragments, {}, limits.MAX_PAGE_SIZE) : null,
  };
}

/** The cost budget by who asks: the public least, officers more, integrators' API keys most. */
export function costBudget(limits: Limits, principal: Principal): number {
  if (principal.via === "anonymous" || principal.department === "PUBLIC") return limits.COST_LIMIT_PUBLIC;
  if (principal.via === "api-key" || principal.via === "system") return limits.COST_LIMIT_INTEGRATOR;
  return limits.COST_LIMIT_OFFICER;
}

function selectedOperation(document: DocumentNode, name: string | null | undefined) {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((o) => o.name?.value === name) : operations.length === 1 ? operations[0] : undefined;
}

/** Top-level fields, through fragments (each fragment once per spread, a cycle not followed). */
function rootFields(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): number {
  let n = 0;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) n += s.name.value === "__typename" ? 0 : 1;
    else if (s.kind === Kind.INLINE_FRAGMENT) n += rootFields(s.selectionSet, fragments, seen);
    else {
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) continue;
      n += rootFields(fragment.selectionSet, fragments, new Set(seen).add(s.name.value));
    }
  }
  return n;
}

/**
 * The rows an operation would fetch, by estimate: every object it selects counts once per item of
 * each list above it, so a list's rows are the product of the page sizes along its path, summed
 * over every alias and fragment spread. A page's size is its `first`/`last` (variables resolved),
 * else the argument's default, else DEFAULT_PAGE_SIZE; a list without page arguments counts what
 * its field declares (ListSize: its cap or a generous typical count). A fragment's rows per parent
 * are computed once and multiplied, so the estimate takes time linear in the document however its
 * fragments multiply; a fragment that spreads itself (refused by validation anyway) counts nothing
 * the second time round.
 */
export function estimateRows(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  maxPageSize: number,
): number {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  Object.assign(values, variables);
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;

  const perFragment = new Map<string, number>();
  const visiting = new Set<string>();

  /** Rows under `set` for one parent object; `page` is the size a connection passes to its lists. */
  const rows = (set: SelectionSetNode, parent: GraphQLNamedType, page: number | undefined): number => {
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? parent) : parent;
        total += rows(s.selectionSet, type, page);
      } else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (!fragment || visiting.has(s.name.value)) continue;
        const key = `${s.name.value}\u0000${page ?? ""}`;
        let unit = perFragment.get(key);
        if (unit === undefined) {
          visiting.add(s.name.value);
          unit = rows(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parent, page);
          visiting.delete(s.name.value);
          perFragment.set(key, unit);
        }
        total += unit;
      } else {
        const field = fieldOf(parent, s.name.value);
        if (!field || isLeafType(getNamedType(field.type)) || !s.selectionSet) continue;
        const args = new Map((s.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, values)]));
        const pageSize = sliceSize(field, args, maxPageSize);
        const list = isListType(getNullableType(field.type));
        let items = 1;
        let inner: number | undefined;
        if (list) items = pageSize ?? declaredSize(field, args) ?? page ?? 1;
        else inner = pageSize; // a connection: its `edges`/`nodes` lists hold the page
        total += items * (1 + rows(s.selectionSet, getNamedType(field.type), inner));
      }
    }
    return total;
  };
  return rows(operation.selectionSet, root, undefined);
}

function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  // A union has no fields of its own: its members' are reached through fragments.
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** The page size a field's `first`/`last` asks for (or defaults to), if the field is sliced by them. */
function sliceSize(field: GraphQLField<unknown, unknown>, args: Map<string, unknown>, maxPageSize: number) {
  const slicing = field.args.filter((a) => a.name === "first" || a.name === "last");
  if (!slicing.length) return undefined;
  for (const a of slicing) {
    const given = args.get(a.name);
    if (typeof given === "number" && Number.isFinite(given)) return Math.min(Math.max(given, 0), maxPageSize);
  }
  for (const a of slicing) if (typeof a.defaultValue === "number") return a.defaultValue;
  return DEFAULT_PAGE_SIZE;
}

function declaredSize(field: GraphQLField<unknown, unknown>, args: Map<string, unknown>): number | undefined {
  const size = field.extensions[LIST_SIZE] as number | { sizedBy: string } | undefined;
  if (typeof size === "number") return size;
  if (size && typeof size === "object") {
    const given = args.get(size.sizedBy);
    return Array.isArray(given) ? given.length : 1;
  }
  return undefined;
}

/**
 * The parser stops at MAX_TOKENS with a syntax error; this answers it as TOKEN_LIMIT with the
 * document's token count, or returns null for any other error. The count is lexed without building
 * anything and stops at four times the limit (then it is a lower bound), so that a flood of tokens
 * costs no more to refuse than to parse.
 */
export function tokenLimitError(error: { message: string }, source: string | undefined, limit: number) {
  // graphql 16 spells it "more that"; 17 "more than".
  if (!/Document contains more th(?:an|at) \d+ tokens/.test(error.message)) return null;
  const cap = limit * 4;
  const measured = source === undefined ? limit + 1 : countTokens(source, cap);
  return new LimitExceededError(
    "TOKEN_LIMIT",
    `The document has ${measured >= cap ? "at least " : ""}${measured} tokens; the server parses at most ${limit}.`,
    limit,
    measured,
  );
}

function countTokens(text: string, cap: number): number {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  try {
    while (n < cap && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    // A lexical error ends the count: what came before it is still the measure.
  }
  return n;
}
