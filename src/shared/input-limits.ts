import {
  GraphQLSchema,
  getNamedType,
  isObjectType,
  type GraphQLArgumentConfig,
  type GraphQLInputFieldConfig,
  type GraphQLInputType,
} from "graphql";
import { MapperKind, mapSchema } from "@graphql-tools/utils";

/**
 * The longest text each string input takes, in characters (UTF-16 code units, as GraphQL counts
 * them), declared here once: `withLengthLimits` writes it into the description of every String
 * and ID argument and input field ("At most N characters."), so it is in the SDL and in every
 * contract, and the operation pipeline (src/operation/input-checks.ts) enforces it before any
 * resolver runs. Chosen from what the values are: a person's or a project's name fits in 50, a
 * place in 100, an address, reason or note in 500; ids, cursors and keys in 200 (a global id or a
 * cursor of this API is far shorter); codes and dates are short by nature.
 */
const BY_NAME: Record<string, number> = {
  name: 50,
  ethnicity: 20,
  school: 100,
  employmentPlace: 100,
  noticePlace: 100,
  address: 500,
  reason: 500,
  note: 500,
  distribution: 500,
  idNumber: 18,
  householdNumber: 30,
  code: 50,
  regionCode: 20,
  parentCode: 20,
  villageCode: 20,
  department: 50,
  principal: 200,
  asOf: 40,
  from: 40,
  to: 40,
  idempotencyKey: 200,
  after: 200,
  before: 200,
};

/** Dates (…On, …Date) are ISO dates; anything else not named above is at most 200 characters. */
export const DEFAULT_STRING_LIMIT = 200;

/** The most characters the argument or input field `name` takes. */
export function stringLimit(name: string): number {
  const named = BY_NAME[name];
  if (named !== undefined) return named;
  if (/(On|Date)$/.test(name)) return 40;
  return DEFAULT_STRING_LIMIT;
}

/** Text limit for a string scalar (String, ID), undefined for other types. */
export function limitFor(name: string, type: GraphQLInputType): number | undefined {
  const named = getNamedType(type);
  return named.name === "String" || named.name === "ID" ? stringLimit(name) : undefined;
}

const marker = /\s*At most \d+ characters\.$/;

function described<T extends GraphQLArgumentConfig | GraphQLInputFieldConfig>(name: string, config: T): T {
  const limit = limitFor(name, config.type);
  if (limit === undefined) return config;
  const base = (config.description ?? "").replace(marker, "").trim();
  return { ...config, description: `${base ? `${base} ` : ""}At most ${limit} characters.` };
}

/** The schema with every string input's limit stated in its description (visible in the SDL). */
export function withLengthLimits(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.INPUT_OBJECT_FIELD]: (config, fieldName) => described(fieldName, config),
    [MapperKind.OBJECT_FIELD]: (config, _fieldName, typeName) => {
      const type = schema.getType(typeName);
      if (!isObjectType(type) || !config.args) return config;
      return {
        ...config,
        args: Object.fromEntries(Object.entries(config.args).map(([name, arg]) => [name, described(name, arg)])),
      };
    },
  });
}

/**
 * The range of a number input, by the names on its path (the argument, then input fields): a year
 * (any name with "year"/"Year") is between 1900 and 2100 — a registry year is from 2013, a birth
 * year is not before 1900; a number of days (`ageDays`) is between 0 and 36,500. Other numbers are bounded by their type (32-bit Int) and by the
 * services (page sizes, amounts, ages).
 */
export function numberRange(path: readonly string[]): [number, number] | undefined {
  if (path.some((name) => /year/i.test(name))) return [1900, 2100];
  if (path.some((name) => /days$/i.test(name))) return [0, 36_500];
  return undefined;
}
