import { sql } from "drizzle-orm";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLFormattedError,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, createTestApp, request } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * Hostile input, as an attacker or a broken client sends it, into every argument of the schema
 * (the list is derived from the schema, not picked by hand): texts with NUL bytes, lone
 * surrogates, 300,000 characters, bidi overrides and SQL; malformed cursors, ids, `__typename`s;
 * numbers at and past their ranges. The server must never answer INTERNAL_SERVER_ERROR: a refusal
 * is BAD_USER_INPUT at the argument's path (`extensions.argumentPath`), anything else a normal
 * answer; and nothing oversize may reach the database.
 */

/** A place to put a value: a root field, its argument and the input fields / list positions below. */
interface Leaf {
  /** A department whose contract has the field (the owner of a write), and its credentials. */
  department?: string;
  operation: "query" | "mutation";
  field: GraphQLField<unknown, unknown>;
  argument: GraphQLArgument;
  /** Input fields and list positions under the argument. */
  path: (string | number)[];
  type: GraphQLInputType;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Texts the server must refuse (BAD_USER_INPUT at the argument), and texts it must simply handle. */
const REFUSED_TEXTS: Record<string, string> = {
  nul: "名\u0000字",
  "lone surrogate": "名\uD800字",
  "300,000 characters": "长".repeat(300_000),
  "control character": "a\u001bb",
};
const HANDLED_TEXTS: Record<string, string> = {
  "bidi override": "\u202Egnp.exe",
  sql: "'; DROP TABLE households; -- \\",
  "astral plane": "𠮷𠮷",
};
const HOSTILE_NUMBERS = [-1, 2_147_483_647, -2_147_483_648, 2_147_483_648, 1e15];
const HOSTILE_IDS = [
  "",
  "x",
  "%%%",
  b64("Household:abc"),
  b64("Household:-1"),
  b64("Household:99999999999"),
  b64("Nope:1"),
  b64(":1"),
  b64("Household:"),
  b64("Member:1"),
  b64("Household:1\u0000"),
];
const HOSTILE_CURSORS = [
  b64(JSON.stringify({ o: "ID", v: ["abc"] })),
  b64(JSON.stringify({ o: "NAME", v: [1, "x"] })),
  b64(JSON.stringify({ o: "HOUSEHOLD_NUMBER", v: [1, 2] })),
  b64(JSON.stringify({ o: "IDENTIFIED_YEAR", v: ["abc", 1] })),
  b64(JSON.stringify({ o: "BIRTH_DATE", v: ["not-a-date", 1] })),
  b64(JSON.stringify({ o: "VALUE_DESC", v: ["1e999", 1] })),
  b64(JSON.stringify({ o: "ID", v: [1.5] })),
  b64(JSON.stringify({ o: "ID", v: [1e300] })),
  b64(JSON.stringify({ o: "ID", v: [{ a: 1 }] })),
  b64("null"),
  b64("[]"),
  b64("{"),
  "",
  "!!!",
];

/** A valid-looking value of a type, the required parts filled (the rest left out). */
function dummy(type: GraphQLInputType, depth = 0): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [dummy(nullable.ofType as GraphQLInputType, depth + 1)];
  if (isEnumType(nullable)) return nullable.getValues()[0]!.name;
  if (isInputObjectType(nullable)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined && depth < 4)
        out[field.name] = dummy(field.type, depth + 1);
    }
    return out;
  }
  switch (nullable.name) {
    case "ID":
      return toGlobalId("Household", 1);
    case "Int":
    case "Float":
      return 1;
    case "Boolean":
      return false;
    case "_Any":
      return { __typename: "Household", id: toGlobalId("Household", 1) };
    default:
      return "x";
  }
}

/** `value` placed at `path` inside a dummy of `type`. */
function placed(type: GraphQLInputType, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const nullable = getNullableType(type);
  const [head, ...rest] = path;
  if (isListType(nullable)) return [placed(nullable.ofType as GraphQLInputType, rest, value)];
  if (isInputObjectType(nullable)) {
    const base = dummy(nullable) as Record<string, unknown>;
    return { ...base, [head!]: placed(nullable.getFields()[head as string]!.type, rest, value) };
  }
  return value;
}

/** Every leaf of the given scalar kinds under every argument of every root query and mutation field. */
function leaves(app: App, wanted: (scalar: string) => boolean): Leaf[] {
  const out: Leaf[] = [];
  const roots = [
    ["query", app.schema.getQueryType()],
    ["mutation", app.schema.getMutationType()],
  ] as const;
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (field.name.startsWith("_")) continue;
      for (const argument of field.args) {
        const walk = (type: GraphQLInputType, path: (string | number)[], depth: number) => {
          const nullable = getNullableType(type);
          if (isListType(nullable)) return walk(nullable.ofType as GraphQLInputType, [...path, 0], depth);
          if (isInputObjectType(nullable)) {
            if (depth > 3) return;
            for (const f of Object.values(nullable.getFields())) walk(f.type, [...path, f.name], depth + 1);
            return;
          }
          if (isScalarType(nullable) && wanted(nullable.name)) out.push({ operation, field, argument, path, type });
        };
        walk(argument.type, [], 0);
      }
    }
  }
  // Each field asked as a department whose contract holds it (a write as its steward).
  return out.flatMap((leaf) => {
    const department = app.policy.departments.find((d) => {
      const contract = app.contracts.get(d)!;
      const root = leaf.operation === "query" ? contract.getQueryType() : contract.getMutationType();
      return Boolean(root?.getFields()[leaf.field.name]);
    });
    return department ? [{ ...leaf, department }] : [];
  });
}

/** Sends `value` at a leaf as a principal of the leaf's department. */
async function send(app: App, leaf: Leaf, value: unknown) {
  if (leaf.department === "PUBLIC") return request(app, operationAt(leaf, value), {});
  // A department scoped to one village (regionLevels) is asked with a village's code.
  const village = app.policy.forDepartment(leaf.department!)?.regionDigits === 12;
  const headers = await authHeaders(leaf.department!, village ? "431221001001" : "");
  return request(app, operationAt(leaf, value), headers);
}

/** The operation that sends `value` at a leaf (through a variable), every other required argument filled. */
function operationAt(leaf: Leaf, value: unknown) {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  leaf.field.args.forEach((argument, i) => {
    const isTarget = argument === leaf.argument;
    if (!isTarget && !isNonNullType(argument.type)) return;
    definitions.push(`$a${i}: ${String(argument.type)}`);
    args.push(`${argument.name}: $a${i}`);
    variables[`a${i}`] = isTarget ? placed(argument.type, leaf.path, value) : dummy(argument.type);
  });
  const selection = isLeafType(getNamedType(leaf.field.type)) ? "" : "{ __typename }";
  return {
    query: `${leaf.operation} Hostile(${definitions.join(", ")}) { ${leaf.field.name}(${args.join(", ")}) ${selection} }`,
    variables,
  };
}

const label = (leaf: Leaf) => `${leaf.field.name}(${[leaf.argument.name, ...leaf.path].join(".")})`;
const internal = (errors: readonly GraphQLFormattedError[] | undefined) =>
  (errors ?? []).filter((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR" || !e.extensions?.code);

describe("hostile input into every argument", () => {
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await database?.dispose();
  });

  it(
    "refuses NUL, lone surrogates, control characters and oversize text in every string argument, at its path",
    { timeout: 900_000 },
    async () => {
      const strings = leaves(app, (s) => s === "String" || s === "ID");
      expect(strings.length).toBeGreaterThan(50);
      for (const leaf of strings) {
        for (const [kind, text] of Object.entries(REFUSED_TEXTS)) {
          const response = await send(app, leaf, text);
          const where = `${label(leaf)} ← ${kind}`;
          expect(response.status, where).not.toBe(500);
          expect(internal(response.errors), where).toEqual([]);
          const at = response.errors?.find(
            (e) =>
              e.extensions?.code === "BAD_USER_INPUT" &&
              JSON.stringify(e.extensions.argumentPath) ===
                JSON.stringify([leaf.field.name, leaf.argument.name, ...leaf.path]),
          );
          expect(at, `${where}: ${JSON.stringify(response.errors)?.slice(0, 300)}`).toBeDefined();
          expect(at!.message.length).toBeLessThan(300);
        }
      }
    },
  );

  it(
    "answers bidi overrides, SQL and astral characters normally or as BAD_USER_INPUT",
    { timeout: 900_000 },
    async () => {
      for (const leaf of leaves(app, (s) => s === "String" || s === "ID")) {
        for (const [kind, text] of Object.entries(HANDLED_TEXTS)) {
          const response = await send(app, leaf, text);
          const where = `${label(leaf)} ← ${kind}`;
          expect(response.status, where).not.toBe(500);
          expect(internal(response.errors), `${where}: ${JSON.stringify(response.errors)}`).toEqual([]);
        }
      }
    },
  );

  it("answers numbers at and past their ranges without an internal error", { timeout: 900_000 }, async () => {
    const failures: string[] = [];
    for (const leaf of leaves(app, (s) => s === "Int" || s === "Float")) {
      for (const n of HOSTILE_NUMBERS) {
        const response = await send(app, leaf, n);
        if (response.status === 500 || internal(response.errors).length) failures.push(`${label(leaf)} ← ${n}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it(
    "refuses malformed ids and cursors in every id and cursor argument as BAD_USER_INPUT",
    { timeout: 900_000 },
    async () => {
      const ids = leaves(app, (s) => s === "ID");
      const cursors = leaves(app, (s) => s === "String").filter(
        (leaf) => !leaf.path.length && (leaf.argument.name === "after" || leaf.argument.name === "before"),
      );
      expect(cursors.length).toBeGreaterThan(5);
      const failures: string[] = [];
      for (const [set, values] of [
        [ids, HOSTILE_IDS],
        [cursors, HOSTILE_CURSORS],
      ] as const) {
        for (const leaf of set) {
          for (const value of values) {
            const response = await send(app, leaf, value);
            const where = `${label(leaf)} ← ${JSON.stringify(value)}`;
            expect(response.status, where).not.toBe(500);
            expect(internal(response.errors), `${where}: ${JSON.stringify(response.errors)}`).toEqual([]);
          }
        }
      }
      expect(failures).toEqual([]);
      // The case: a string where a number belongs inside a base64 cursor.
      const response = await request(app, {
        query: `query($c: String) { households(first: 1, after: $c) { totalCount } }`,
        variables: { c: HOSTILE_CURSORS[0] },
      });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
      expect(response.errors![0]!.extensions?.argumentPath).toEqual(["after"]);
    },
  );

  it("refuses an unknown __typename in _entities at its representation, for the owner and the public", async () => {
    for (const [headers, entity] of [
      [undefined, "Household"],
      [{}, "Village"],
    ] as const) {
      const id = toGlobalId(entity, 1);
      const representations: [unknown, (string | number)[]][] = [
        [{ __typename: "Nope", id }, [0, "__typename"]],
        [{ __typename: "__Schema", id }, [0, "__typename"]],
        [{ __typename: "", id }, [0, "__typename"]],
        [{ __typename: 1, id }, [0, "__typename"]],
        [{ id }, [0, "__typename"]],
        [{ __typename: entity }, [0, "id"]],
        [{ __typename: entity, id: "not an id" }, [0, "id"]],
        [{ __typename: entity, id, extra: "a\u0000b" }, [0, "extra"]],
        ["Household", [0]],
        [[id], [0]],
      ];
      for (const [representation, path] of representations) {
        const response = await request(
          app,
          {
            query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
            variables: { r: [representation] },
          },
          headers,
        );
        const where = JSON.stringify(representation);
        expect(
          response.errors?.map((e) => e.extensions?.code),
          where,
        ).toEqual(["BAD_USER_INPUT"]);
        expect(response.errors![0]!.extensions?.argumentPath, where).toEqual(["_entities", "representations", ...path]);
      }
    }
    // A type outside the public's contract is answered as one that does not exist.
    const hidden = await request(
      app,
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        variables: { r: [{ __typename: "Member", id: toGlobalId("Member", 1) }] },
      },
      {},
    );
    const unknown = await request(
      app,
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        variables: { r: [{ __typename: "Nope", id: toGlobalId("Member", 1) }] },
      },
      {},
    );
    expect(hidden.errors?.map((e) => e.message)).toEqual(unknown.errors?.map((e) => e.message));
  });

  it("refuses hostile text written inline in the document as it refuses it in a variable", async () => {
    const response = await request(app, {
      query: `{ regions(filter: { parentCode: "4312\\u0000" }) { __typename } cadres(filter: { name: "${"长".repeat(51)}" }) { nodes { __typename } } }`,
    });
    expect(response.errors?.map((e) => [e.extensions?.code, e.extensions?.argumentPath])).toEqual([
      ["BAD_USER_INPUT", ["regions", "filter", "parentCode"]],
      ["BAD_USER_INPUT", ["cadres", "filter", "name"]],
    ]);
  });

  it("stores nothing oversize", async () => {
    const columns = await database.rows<{ table: string; column: string }>(sql`
      SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')`);
    for (const { table, column } of columns) {
      const [row] = await database.rows<{ n: number | null }>(
        sql`SELECT max(length(${sql.identifier(column)}))::int AS n FROM ${sql.identifier(table)}`,
      );
      expect(row!.n ?? 0, `${table}.${column}`).toBeLessThanOrEqual(1000);
    }
  });
});
