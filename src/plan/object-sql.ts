import { and, getTableName, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { maskedColumn } from "../access/masks.js";
import type { Context } from "../context.js";
import type { ObjectField, ObjectShape } from "./shape.js";
import type { Relation } from "./sources.js";

/**
 * SQL that builds one row's JSON object as the resolvers would serialise it: the response keys in
 * order, each column under its key (masked where the policy masks it), global ids and relations
 * (correlated subselects) built by PostgreSQL. Every value is a parameter.
 */
export function objectSql(ctx: Context, shape: ObjectShape, values?: ReadonlyMap<string, SQL>): SQL {
  // `values`: expressions the caller computed itself for some keys (an export's lateral relations).
  const pairs = shape.fields.map((f) => sql`${f.key}::text, ${values?.get(f.key) ?? valueSql(ctx, shape, f)}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

/** The longest name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes): a longer key cannot name a column. */
const MAX_NAME_BYTES = 63;

/**
 * One row's JSON object as a row of its own: `join` puts the values under their response keys as
 * the columns of a LATERAL subselect, to follow the row's other FROM items; `row` is that record,
 * for an aggregate (`json_agg`) to write as JSON, and `json` its JSON value. PostgreSQL writes a
 * record's JSON faster than it builds the same object with json_build_object, and without its
 * spaces around each colon: on a page of 1,000 households with their members, 24 against 29 ms and
 * 883 against 984 kB (bench: the walk's statement, best of 8; json_agg puts a line break between
 * records, which JSON allows). The subselect has no FROM of its own:
 * PostgreSQL folds it into the row it follows, so it adds no step. A key too long to name a column
 * keeps json_build_object (`join` empty, `row` and `json` the object).
 */
export function objectRow(
  ctx: Context,
  shape: ObjectShape,
  alias: string,
  values?: ReadonlyMap<string, SQL>,
): { join: SQL; row: SQL; json: SQL } {
  if (shape.fields.some((f) => Buffer.byteLength(f.key) > MAX_NAME_BYTES)) {
    const object = objectSql(ctx, shape, values);
    return { join: sql``, row: object, json: object };
  }
  const name = sql.identifier(alias);
  const columns = shape.fields.map(
    (f) => sql`${values?.get(f.key) ?? valueSql(ctx, shape, f)} AS ${sql.identifier(f.key)}`,
  );
  // `name.*`: the row itself even when a response key is the row's name (an unqualified name is a column first).
  return {
    join: sql` CROSS JOIN LATERAL (SELECT ${sql.join(columns, sql`, `)}) AS ${name}`,
    row: sql`${name}.*`,
    json: sql`row_to_json(${name}.*)`,
  };
}

/** Base64url without padding, as `toGlobalId` and cursors encode (PostgreSQL wraps base64 at 76). */
export function base64url(text: SQL): SQL {
  return sql`translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
}

/** Integer column types: their text is digits and a sign. */
const INTEGER_COLUMNS = new Set([
  "PgSmallInt",
  "PgInteger",
  "PgBigInt53",
  "PgBigInt64",
  "PgSmallSerial",
  "PgSerial",
  "PgBigSerial53",
  "PgBigSerial64",
]);

/**
 * `toGlobalId(type, key)` in SQL. An integer key's id is built without `translate`, which costs a
 * scan of every character (about a tenth of an export's time in PostgreSQL): the bytes of
 * `Type:` and a signed integer are letters, digits, `_`, `:` and `-`, none of which ends a 6-bit
 * group in 62 or 63 (only `>`, `?`, `~` and DEL do), so base64 writes neither `+` nor `/`; at
 * most 57 bytes it wraps no line; only its `=` padding differs from base64url.
 */
export function globalIdSql(type: string, column: AnyPgColumn): SQL {
  const text = sql`${`${type}:`}::text || ${column}`;
  if (INTEGER_COLUMNS.has(column.columnType) && /^[A-Za-z0-9_]{1,36}$/.test(type)) {
    return sql`rtrim(encode(convert_to(${text}, 'UTF8'), 'base64'), '=')`;
  }
  return base64url(text);
}

/** A column as its GraphQL value: timestamps as `toISOString()` writes them, the rest as JSON renders them. */
function columnSql(column: AnyPgColumn): SQL {
  if (column.columnType === "PgTimestamp") {
    return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }
  return sql`${column}`;
}

function valueSql(ctx: Context, shape: ObjectShape, field: ObjectField): SQL {
  switch (field.kind) {
    case "typename":
      return sql`${field.value}::text`;
    case "id":
      return globalIdSql(shape.source.type, shape.source.idColumn);
    case "column":
      return field.mask ? maskedColumn(field.column, field.mask) : columnSql(field.column);
    case "relation":
      return relationSql(ctx, field.relation, field.shape);
    case "figure":
      return field.value(ctx);
  }
}

/** The columns a shape's rows must bring from a subquery: its keys, its columns, what its relations join on. */
export function neededColumns(shape: ObjectShape): AnyPgColumn[] {
  const out = new Set<AnyPgColumn>(shape.source.keys);
  for (const f of shape.fields) {
    if (f.kind === "column") out.add(f.column);
    if (f.kind === "relation") for (const k of f.relation.parentKeys) out.add(k);
    if (f.kind === "figure") for (const k of f.figure.parentKeys) out.add(k);
  }
  return [...out];
}

export function columnList(columns: readonly AnyPgColumn[]): SQL {
  return sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
}

function relationSql(ctx: Context, relation: Relation, shape: ObjectShape): SQL {
  const { table } = shape.source;
  const where = and(relation.join(table), shape.source.visible(ctx));
  // Its own scope: the name of the object's row hides any of the rows around it.
  const object = objectRow(ctx, shape, "xg_o");
  if (!relation.list) {
    return sql`(SELECT ${object.json} FROM ${table}${object.join} WHERE ${where})`;
  }
  const order = sql.join(relation.orderBy ?? [], sql`, `);
  const limit = relation.limit !== undefined ? sql` LIMIT ${relation.limit}` : sql``;
  // The inner query keeps the resolver's order and bound; the outer aggregates its rows as they
  // come, in that order (an aggregate over a sorted subquery alone, no join: not sorted again).
  // Each as JSON, not as a record: json_agg writes a line break between records, and an export's
  // row (src/export), which these relations are part of, must stay on its one line.
  return sql`coalesce((SELECT json_agg(${object.json}) FROM (SELECT ${columnList(
    neededColumns(shape),
  )} FROM ${table} WHERE ${where} ORDER BY ${order}${limit}) AS ${sql.identifier(getTableName(table))}${object.join}), '[]'::json)`;
}
