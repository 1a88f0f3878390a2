/**
 * The seeded tables, taken from the schema's own table definitions: their load order, the
 * columns a seed writes (every column but the version, the update time and identities the
 * database generates) and the row type of each, inferred from drizzle (`$inferInsert`).
 */
import { getTableColumns, getTableName, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import * as t from "../src/db/schema.js";

/** The tables a seed loads, in foreign-key order. */
const SEEDED = [
  t.regions,
  t.agencies,
  t.cadres,
  t.villages,
  t.households,
  t.householdIncomes,
  t.members,
  t.householdEvents,
  t.projects,
  t.projectCoAgencies,
  t.projectFunds,
  t.projectBeneficiaries,
  t.assets,
  t.assetIncomes,
  t.agencyVillageAssignments,
  t.cadreVillageAssignments,
  t.cadreHouseholdAssignments,
  t.riskAlerts,
  t.monitoringCases,
  t.caseAlerts,
  t.caseObjections,
  t.assistanceMeasures,
  t.followUpVisits,
] as const;

type SeededTable = (typeof SEEDED)[number];
export type TableName = SeededTable["_"]["name"];
type TableOf<N extends TableName> = Extract<SeededTable, { _: { name: N } }>;

/** Left to the database: every row starts at version 1, updated now. */
type Defaulted = "version" | "updatedAt";
const DEFAULTED = new Set<string>(["version", "updatedAt"]);

export type Cell = string | number | boolean | null | readonly string[];
export type Row = Cell[];

/** A value as the generator writes it: money as exact decimal text, times as ISO text. */
type SeedValue<V> = V extends number ? number | string : V extends Date ? string : V extends SQL ? never : V;

/** One generated row of a table: every column it writes, by property name, typed by the table. */
export type SeedRow<N extends TableName> = {
  [K in Exclude<keyof TableOf<N>["$inferInsert"], Defaulted>]-?: SeedValue<
    Exclude<TableOf<N>["$inferInsert"][K], undefined>
  >;
};

const written = (table: SeededTable) =>
  Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(
    ([key, column]) => !DEFAULTED.has(key) && column.generatedIdentity?.type !== "always",
  );

const properties = new Map<string, string[]>(
  SEEDED.map((table) => [getTableName(table), written(table).map(([key]) => key)]),
);

/** Columns written for each table (database names), in load order. */
export const TABLE_COLUMNS = Object.fromEntries(
  SEEDED.map((table) => [getTableName(table), written(table).map(([, column]) => column.name)]),
) as unknown as Record<TableName, readonly string[]>;

export const TABLE_ORDER = SEEDED.map((table) => getTableName(table)) as TableName[];

/** Tables with an integer identity `id` column written explicitly (sequences reset after loading). */
export const TABLES_WITH_IDS: readonly TableName[] = TABLE_ORDER.filter((name) => TABLE_COLUMNS[name][0] === "id");

/** A typed row as the cells of its table's columns, in their order. */
export function cells<N extends TableName>(table: N, row: SeedRow<N>): Row {
  const values = row as unknown as Record<string, Cell>;
  return properties.get(table)!.map((key) => values[key] ?? null);
}

/** Adds a generated row to a table of the scope being generated. */
export type Push = <N extends TableName>(table: N, row: SeedRow<N>) => void;

export interface TableBatch {
  /** "region" for the shared rows, else the county's 6-digit code. */
  scope: string;
  table: TableName;
  columns: readonly string[];
  rows: Row[];
}
