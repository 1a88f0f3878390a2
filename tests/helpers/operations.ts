import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { estimateRows } from "../../src/operation/limits.js";
import { toGlobalId } from "../../src/shared/global-id.js";

/**
 * Random read operations a department could send, drawn from its contract schema: a seeded walk
 * that picks root fields, scalar fields, relations up to a depth, connection arguments (filters,
 * orderings, page sizes, cursors met in earlier answers), aliases, named and inline fragments,
 * variables, and now and then a field outside the contract or a bad argument, so that errors are
 * compared as well as data. The same seed and the same answers give the same operations.
 */

/**
 * Names the compiled statements give their own columns, rows and joins (src/plan): as response keys
 * they must come back as keys, never be taken for the statement's own.
 */
const STATEMENT_OWN_NAMES = [
  "rn",
  "j",
  "c",
  "a",
  "r",
  "p0",
  "p1",
  "total",
  "first",
  "last",
  "audit",
  "facts",
  "fetched",
  "xg_o",
  "xg_o0",
  "xg_r0",
  "households",
  "members",
];

/** A small, fast, seeded PRNG (mulberry32): the same seed draws the same operations. */
export class Random {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** `n` distinct items (fewer if there are fewer), in a random order. */
  some<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
}

/** Values met in answers, offered back as arguments: cursors by connection and ordering. */
export class Pools {
  readonly cursors = new Map<string, string[]>();

  add(key: string, value: unknown) {
    if (typeof value !== "string") return;
    const list = this.cursors.get(key) ?? [];
    if (list.length < 50 && !list.includes(value)) list.push(value);
    this.cursors.set(key, list);
  }

  /** Walks `data` along each harvest's response path and keeps what it finds. */
  harvest(operation: GeneratedOperation, data: unknown) {
    for (const { path, pool } of operation.harvest) {
      let values: unknown[] = [data];
      for (const key of path) {
        values = values
          .flatMap((v) => (Array.isArray(v) ? v : [v]))
          .filter((v): v is Record<string, unknown> => v !== null && typeof v === "object")
          .map((v) => v[key]);
      }
      for (const v of values.flat()) this.add(pool, v);
    }
  }
}

export interface GeneratedOperation {
  /** Index in the sequence, and the seed that draws the sequence: enough to draw it again. */
  index: number;
  seed: number;
  query: string;
  variables: Record<string, unknown>;
  operationName: string;
  /** What was drawn on purpose to fail (a field outside the contract, a bad argument), if anything. */
  broken: string | null;
  /** Where the answer holds cursors worth offering to later operations. */
  harvest: { path: string[]; pool: string }[];
}

export interface GeneratorOptions {
  seed: number;
  /** The department's contract: what its principals may ask for. */
  contract: GraphQLSchema;
  /** The whole API schema: where fields outside the contract are found. */
  schema: GraphQLSchema;
  /** Region codes of the data (prefixes and whole codes) for `regionCode`-like arguments. */
  regionCodes: string[];
  /** The principal's cost budget (src/operation/limits.ts): operations above it are drawn again, mostly. */
  budget: number;
  /** Relations followed below a root field; default 4. */
  maxDepth?: number;
  /** Share of operations with something wrong on purpose; default 0.1. */
  brokenShare?: number;
  pools?: Pools;
}

/**
 * Root fields never drawn: their answers change between two runs by themselves — the audit log
 * grows with each, and the change feed's positions move with every transaction (the audit's too).
 */
const UNSTABLE_ROOTS = new Set(["auditLog", "changes", "changesPosition"]);

/** Fields never drawn anywhere: the audit's own entries (`Household.accessLog`), which each run adds to. */
const unstable = (field: GraphQLField<unknown, unknown>) =>
  UNSTABLE_ROOTS.has(field.name) || getNamedType(field.type).name.startsWith("AuditEntry");

const MAX_PAGE_SIZE = 1000;
const YEARS = [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024];

export function operationGenerator(options: GeneratorOptions) {
  const random = new Random(options.seed);
  const pools = options.pools ?? new Pools();
  const maxDepth = options.maxDepth ?? 4;
  const brokenShare = options.brokenShare ?? 0.1;
  const { contract, schema } = options;
  const query = contract.getQueryType();
  if (!query) throw new Error("the contract has no Query type");
  const roots = Object.values(query.getFields()).filter((f) => !unstable(f));
  let index = 0;

  /** One drawing: text, variables and harvest paths. */
  const draw = (n: number): Omit<GeneratedOperation, "index" | "seed"> => {
    const fragments: string[] = [];
    const variableDefinitions: string[] = [];
    const variables: Record<string, unknown> = {};
    const harvest: { path: string[]; pool: string }[] = [];
    let broken: string | null = null;
    let aliasCount = 0;
    const wantBroken = random.chance(brokenShare);
    const brokenKind = wantBroken ? random.pick(["field", "argument"] as const) : null;

    const ownNamesLeft = [...STATEMENT_OWN_NAMES];
    const alias = (name: string, path: string[]): { text: string; key: string } => {
      if (random.chance(0.15)) {
        // Now and then a name the compiled statement uses for itself (once per operation: no two siblings share it).
        const own =
          ownNamesLeft.length && random.chance(0.6)
            ? ownNamesLeft.splice(random.int(0, ownNamesLeft.length - 1), 1)[0]!
            : null;
        const key = own ?? `${name}_${++aliasCount}`;
        path.push(key);
        return { text: `${key}: ${name}`, key };
      }
      path.push(name);
      return { text: name, key: name };
    };

    /** A value of an input type, as JSON (variables) — printed to a literal by `literal`. */
    const inputValue = (type: GraphQLInputType, name: string, depth = 0): unknown => {
      const nullable = getNullableType(type);
      if (isListType(nullable)) {
        const item = nullable.ofType as GraphQLInputType;
        return Array.from({ length: random.int(1, 2) }, () => inputValue(item, name, depth + 1));
      }
      const named = getNamedType(type);
      if (isEnumType(named)) return random.pick(named.getValues()).value ?? random.pick(named.getValues()).name;
      if (isInputObjectType(named)) {
        const fields = Object.values(named.getFields());
        const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
        const optional = random.some(
          fields.filter((f) => !required.includes(f)),
          random.int(1, 2),
        );
        const out: Record<string, unknown> = {};
        // A range's bounds are drawn by what it ranges over (`exitYear.from`: a year).
        for (const f of [...required, ...optional]) out[f.name] = inputValue(f.type, `${name}.${f.name}`, depth + 1);
        return out;
      }
      if (isScalarType(named)) return scalarValue(named.name, name);
      return null;
    };

    const scalarValue = (scalar: string, name: string): unknown => {
      if (scalar === "Boolean") return random.chance(0.5);
      if (scalar === "Int" || scalar === "Float") {
        if (/year/i.test(name)) return random.pick(YEARS);
        if (/age/i.test(name)) return random.pick([0, 6, 15, 16, 18, 45, 60, 80]);
        if (/day/i.test(name)) return random.pick([0, 1, 7, 30, 90]);
        return random.int(0, 20);
      }
      if (scalar === "ID") {
        const type = /project/i.test(name) ? "Project" : /agency/i.test(name) ? "Agency" : "Household";
        return toGlobalId(type, random.int(1, 40));
      }
      name = name.slice(name.lastIndexOf(".") + 1);
      if (/code/i.test(name)) return random.pick(options.regionCodes);
      if (/department/i.test(name))
        return random.pick(["HEALTH", "EDUCATION", "RURAL_REVITALIZATION", "CIVIL_AFFAIRS"]);
      if (/dueBy|asOf|from|to|date/i.test(name)) return random.pick(["2020-01-01", "2023-06-30", "2025-12-31"]);
      if (name === "name") return random.pick(["张", "李", "王", "刘", "村"]);
      return random.pick(["a", "测试", "x"]);
    };

    /** A JSON value as a GraphQL literal of `type` (enums bare, objects braced). */
    const literal = (value: unknown, type: GraphQLInputType): string => {
      if (value === null || value === undefined) return "null";
      const nullable = getNullableType(type);
      if (isListType(nullable)) {
        const item = nullable.ofType as GraphQLInputType;
        return `[${(value as unknown[]).map((v) => literal(v, item)).join(", ")}]`;
      }
      const named = getNamedType(type);
      if (isEnumType(named)) return String(value);
      if (isInputObjectType(named)) {
        const fields = named.getFields();
        return `{ ${Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? named)}`)
          .join(", ")} }`;
      }
      return JSON.stringify(value);
    };

    /** The arguments of one field: mostly what makes a page small and valid, sometimes more. */
    const argumentsOf = (field: GraphQLField<unknown, unknown>, connectionPool: string | null): string => {
      const chosen: { arg: GraphQLArgument; value: unknown }[] = [];
      const byName = new Map(field.args.map((a) => [a.name, a]));
      const set = (name: string, value: unknown) => {
        const arg = byName.get(name);
        if (arg) chosen.push({ arg, value });
      };
      let orderBy: string | null = null;
      for (const arg of field.args) {
        if (arg.name === "first" || arg.name === "last" || arg.name === "after" || arg.name === "before") continue;
        const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
        if (arg.name === "orderBy") {
          if (required || random.chance(0.4)) {
            const value = inputValue(arg.type, arg.name) as string;
            orderBy = value;
            set(arg.name, value);
          }
          continue;
        }
        if (arg.name === "id" && getNamedType(arg.type).name === "ID") {
          const target = getNamedType(field.type);
          const types = isAbstractType(target) ? contract.getPossibleTypes(target).map((t) => t.name) : [target.name];
          set("id", toGlobalId(random.pick(types), random.int(1, 60)));
          continue;
        }
        if (arg.name === "code") {
          set("code", random.pick(options.regionCodes.filter((c) => c.length === 12)));
          continue;
        }
        if (required || random.chance(arg.name === "filter" ? 0.45 : 0.25))
          set(arg.name, inputValue(arg.type, arg.name));
      }
      const paged = byName.has("first");
      if (paged) {
        const pool = connectionPool ? `${connectionPool}|${orderBy ?? "default"}` : null;
        const cursors = pool ? pools.cursors.get(pool) : undefined;
        if (byName.has("last") && random.chance(0.12)) {
          set("last", random.int(1, 4));
          if (byName.has("before") && cursors?.length && random.chance(0.6)) set("before", random.pick(cursors));
        } else {
          set("first", random.pick([1, 2, 3, 3, 5]));
          if (byName.has("after") && random.chance(0.35)) {
            // Mostly a cursor of the same list and order, sometimes one of another (an error to compare).
            const any = [...pools.cursors.values()].flat();
            if (random.chance(0.95)) {
              if (cursors?.length) set("after", random.pick(cursors));
            } else if (any.length) {
              set("after", random.pick(any));
              broken ??= `a cursor of another list or order on ${field.name}`;
            }
          }
        }
      }
      if (brokenKind === "argument" && !broken && field.args.length && random.chance(0.7)) {
        const badFirst = byName.has("first");
        const kind = random.pick(badFirst ? ["first", "cursor", "enum", "long"] : ["enum", "long"]);
        if (kind === "first") {
          const i = chosen.findIndex((c) => c.arg.name === "first");
          if (i >= 0) chosen.splice(i, 1);
          set("first", random.pick([-1, MAX_PAGE_SIZE + 1]));
          broken = `first out of range on ${field.name}`;
        } else if (kind === "cursor" && byName.has("after")) {
          const i = chosen.findIndex((c) => c.arg.name === "after");
          if (i >= 0) chosen.splice(i, 1);
          set("after", random.pick(["bm90LWEtY3Vyc29y", "x", "eyJvIjoiWiIsInYiOltdfQ"]));
          broken = `bad cursor on ${field.name}`;
        } else if (kind === "long") {
          const stringArg = field.args.find(
            (a) => getNamedType(a.type).name === "String" || isInputObjectType(getNamedType(a.type)),
          );
          if (stringArg && getNamedType(stringArg.type).name === "String") {
            const i = chosen.findIndex((c) => c.arg === stringArg);
            if (i >= 0) chosen.splice(i, 1);
            const long = "4".repeat(250);
            set(stringArg.name, isListType(getNullableType(stringArg.type)) ? [long] : long);
            broken = `overlong ${stringArg.name} on ${field.name}`;
          } else if (stringArg) {
            const input = getNamedType(stringArg.type);
            const text = isInputObjectType(input)
              ? Object.values(input.getFields()).find((f) => getNamedType(f.type).name === "String")
              : undefined;
            if (text) {
              const i = chosen.findIndex((c) => c.arg === stringArg);
              if (i >= 0) chosen.splice(i, 1);
              set(stringArg.name, { [text.name]: "4".repeat(250) });
              broken = `overlong ${stringArg.name}.${text.name} on ${field.name}`;
            }
          }
        } else {
          // An enum value no enum has: a validation error.
          const enumArg = field.args.find((a) => isEnumType(getNamedType(a.type)));
          if (enumArg) {
            const i = chosen.findIndex((c) => c.arg === enumArg);
            if (i >= 0) chosen.splice(i, 1);
            chosen.push({ arg: enumArg, value: "NO_SUCH_VALUE" });
            broken = `unknown enum value for ${enumArg.name} on ${field.name}`;
          }
        }
      }
      if (!chosen.length) return "";
      const parts = chosen.map(({ arg, value }) => {
        // Some arguments travel as variables, as clients send them.
        if (random.chance(0.2) && value !== "NO_SUCH_VALUE") {
          const name = `v${variableDefinitions.length + 1}`;
          variableDefinitions.push(`$${name}: ${String(arg.type)}`);
          variables[name] = value;
          return `${arg.name}: $${name}`;
        }
        return `${arg.name}: ${literal(value, arg.type)}`;
      });
      return `(${parts.join(", ")})`;
    };

    /** A connection type: has `edges`/`nodes`/`pageInfo`. */
    const isConnection = (type: GraphQLNamedType): boolean =>
      isObjectType(type) && "pageInfo" in type.getFields() && "nodes" in type.getFields();

    /** The selection set of `type` at relation depth `depth`, under response path `path`. */
    const selection = (type: GraphQLNamedType, depth: number, path: string[]): string => {
      if (isAbstractType(type)) {
        // An interface or union: inline fragments on a few of the types it may be.
        const possible = random.some(contract.getPossibleTypes(type), random.int(1, 3));
        const shared = isInterfaceType(type) ? random.some(Object.keys(type.getFields()), 1) : [];
        const parts = [...shared, "__typename"];
        for (const t of possible) parts.push(`... on ${t.name} ${selection(t, depth, path)}`);
        return `{ ${parts.join(" ")} }`;
      }
      if (!isObjectType(type)) return "";
      const fields = Object.values(type.getFields()).filter((f) => !unstable(f));
      const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
      const objects = fields.filter((f) => !isLeafType(getNamedType(f.type)));
      const parts: string[] = [];

      if (isConnection(type)) {
        const f = type.getFields();
        const node = getNamedType(f.nodes!.type);
        const choices = random.some(["nodes", "edges", "totalCount", "pageInfo"], random.int(1, 3));
        if (!choices.includes("nodes") && !choices.includes("edges") && random.chance(0.7)) choices.push("nodes");
        for (const c of choices) {
          if (!(c in f)) continue;
          const p = [...path];
          const a = alias(c, p);
          if (c === "totalCount") parts.push(a.text);
          else if (c === "nodes") parts.push(`${a.text} ${selection(node, depth, p)}`);
          else if (c === "edges") {
            harvest.push({ path: [...p, "cursor"], pool: connectionKey });
            parts.push(`${a.text} { cursor node ${selection(node, depth, [...p, "node"])} }`);
          } else {
            harvest.push({ path: [...p, "endCursor"], pool: connectionKey });
            parts.push(
              `${a.text} { hasNextPage hasPreviousPage ${random.chance(0.5) ? "startCursor" : ""} endCursor }`,
            );
          }
        }
        return `{ ${parts.join(" ")} }`;
      }

      for (const f of random.some(leaves, random.int(1, Math.min(5, leaves.length)))) {
        const p = [...path];
        const a = alias(f.name, p);
        parts.push(`${a.text}${argumentsOf(f, null)}`);
      }
      if (random.chance(0.1)) parts.push("__typename");
      if (depth < maxDepth && objects.length) {
        const n = random.chance(0.5) ? random.int(1, Math.min(2, objects.length)) : random.chance(0.5) ? 1 : 0;
        for (const f of random.some(objects, n)) parts.push(relation(f, depth + 1, path));
      }
      if (brokenKind === "field" && !broken && random.chance(0.4)) {
        const whole = schema.getType(type.name);
        const outside = isObjectType(whole)
          ? Object.keys(whole.getFields()).filter((name) => !(name in type.getFields()) && !name.startsWith("_"))
          : [];
        const name = outside.length ? random.pick(outside) : "notAFieldOfTheApi";
        parts.push(name);
        broken = `${type.name}.${name} outside the contract`;
      }
      if (!parts.length) parts.push("__typename");
      return wrapInFragments(type, parts);
    };

    /** Sometimes moves part of a selection into an inline fragment or a named fragment. */
    const wrapInFragments = (type: GraphQLObjectType, parts: string[]): string => {
      if (parts.length > 1 && random.chance(0.2)) {
        const cut = random.int(1, parts.length - 1);
        const moved = parts.splice(cut);
        if (random.chance(0.5)) {
          const name = `F${fragments.length + 1}_${type.name}`;
          fragments.push(`fragment ${name} on ${type.name} { ${moved.join(" ")} }`);
          parts.push(`...${name}`);
        } else {
          parts.push(`... ${random.chance(0.5) ? `on ${type.name} ` : ""}{ ${moved.join(" ")} }`);
        }
      }
      return `{ ${parts.join(" ")} }`;
    };

    let connectionKey = "";
    /** A relation (or a root field): its arguments and the selection below it. */
    const relation = (field: GraphQLField<unknown, unknown>, depth: number, path: string[]): string => {
      const target = getNamedType(field.type);
      const p = [...path];
      const a = alias(field.name, p);
      const outerKey = connectionKey;
      connectionKey = isConnection(target) ? `${target.name}` : connectionKey;
      const args = argumentsOf(field, isConnection(target) ? `${target.name}.${field.name}` : null);
      // The pool of a connection's cursors is keyed by its type and ordering, as read from the arguments.
      const order = /orderBy: ([A-Z_]+)/.exec(args)?.[1];
      const orderVar = /orderBy: \$(v\d+)/.exec(args)?.[1];
      if (isConnection(target))
        connectionKey = `${target.name}.${field.name}|${order ?? (orderVar ? variables[orderVar] : "default")}`;
      const text = `${a.text}${args} ${selection(target, depth, p)}`;
      connectionKey = outerKey;
      return text;
    };

    const rootCount = random.chance(0.8) ? 1 : random.int(2, 3);
    const parts = random.some(roots, rootCount).map((f) => relation(f, 0, []));
    if (wantBroken && !broken) {
      // Nothing on the way could be broken: a root field outside the contract, or none of the API's.
      const whole = schema.getQueryType()!.getFields();
      const outside = Object.keys(whole).filter((name) => !(name in query.getFields()) && !name.startsWith("_"));
      const name = outside.length && random.chance(0.7) ? random.pick(outside) : "notAFieldOfTheApi";
      parts.push(
        name === "notAFieldOfTheApi" || isLeafType(getNamedType(whole[name]!.type)) ? name : `${name} { __typename }`,
      );
      broken = `Query.${name} outside the contract`;
    }
    const operationName = `Generated${n}`;
    const head = variableDefinitions.length ? `(${variableDefinitions.join(", ")})` : "";
    const text = [`query ${operationName}${head} { ${parts.join(" ")} }`, ...fragments].join("\n");
    return { query: text, variables, operationName, broken, harvest };
  };

  /** The rows an operation would fetch by the server's own estimate (src/operation/limits.ts). */
  const cost = (text: string, variables: Record<string, unknown>): number => {
    try {
      const document = parse(text);
      const operation = document.definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      )!;
      const fragments = new Map(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      return estimateRows(contract, operation, fragments, variables, MAX_PAGE_SIZE);
    } catch {
      return 0;
    }
  };

  return {
    pools,
    /** The next operation: within the budget, except one in twenty-five drawn regardless (a COST_LIMIT to compare). */
    next(): GeneratedOperation {
      const n = index++;
      const keepOverBudget = random.chance(0.04);
      let drawn = draw(n);
      for (
        let attempt = 0;
        attempt < 20 && !keepOverBudget && cost(drawn.query, drawn.variables) > options.budget;
        attempt++
      ) {
        drawn = draw(n);
      }
      return { index: n, seed: options.seed, ...drawn };
    },
  };
}

/** A stable seed from text (a department's name): each department draws its own sequence from one seed. */
export function seedOf(base: number, text: string): number {
  let h = base >>> 0;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}
