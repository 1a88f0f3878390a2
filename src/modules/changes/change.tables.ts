import { getTableColumns, getTableName } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Context } from "../../context.js";
import {
  agencies,
  assets,
  assistanceMeasures,
  cadreHouseholdAssignments,
  cadres,
  caseObjections,
  followUpVisits,
  householdIncomes,
  householdRigidExpenditures,
  households,
  members,
  monitoringCases,
  monitoringStandards,
  projects,
  riskAlerts,
  villages,
} from "../../db/schema.js";
import { agencyById } from "../agencies/agency.loader.js";
import { helperAssignmentById } from "../agencies/assignment.loader.js";
import { cadreById } from "../agencies/cadre.loader.js";
import { assistanceById, caseById, followUpById, objectionById } from "../cases/case.loader.js";
import { householdById, incomeById } from "../households/household.loader.js";
import { monitoringStandardById, rigidExpenditureById } from "../incomes/income.loader.js";
import { alertById } from "../monitoring/alert.loader.js";
import { memberById } from "../households/member.loader.js";
import { assetById } from "../projects/asset.loader.js";
import { projectById } from "../projects/project.loader.js";
import { villageById } from "../villages/village.loader.js";

type Fetch = (ctx: Context, ids: readonly number[]) => Promise<(object | null | Error)[]>;

/**
 * A GraphQL type the change feed serves: its table (whose triggers fill change_log, see
 * drizzle/0015_change_feed.sql), the column its region scope reads (null: not region-keyed, every
 * reader sees every row) and how a department's view of its rows is loaded — through the same
 * scoped, masked loaders as `node(id)` and every query.
 */
export interface FeedType {
  type: string;
  table: PgTable;
  tableName: string;
  regionColumn: AnyPgColumn | null;
  fetch: Fetch;
  /** SQL column name → field name (the policy names fields, the trigger names columns). */
  fieldOf: ReadonlyMap<string, string>;
}

function feedType(type: string, table: PgTable, regionColumn: AnyPgColumn | null, fetch: Fetch): FeedType {
  const columns = getTableColumns(table) as Record<string, AnyPgColumn>;
  const fieldOf = new Map(Object.entries(columns).map(([field, column]) => [column.name, field]));
  return { type, table, tableName: getTableName(table), regionColumn, fetch, fieldOf };
}

const load =
  (loader: (ctx: Context) => { loadMany(ids: readonly number[]): Promise<(object | null | Error)[]> }): Fetch =>
  (ctx, ids) =>
    loader(ctx).loadMany(ids);

/** In the order the schema's enum of them is documented; a new type needs its triggers too. */
export const FEED_TYPES: readonly FeedType[] = [
  feedType("Village", villages, villages.code, load(villageById)),
  feedType("Household", households, households.villageCode, load(householdById)),
  feedType("Member", members, members.villageCode, load(memberById)),
  feedType("Project", projects, projects.regionCode, load(projectById)),
  feedType("Asset", assets, assets.villageCode, load(assetById)),
  feedType("Agency", agencies, null, load(agencyById)),
  feedType("Cadre", cadres, null, load(cadreById)),
  feedType("HouseholdIncome", householdIncomes, households.villageCode, load(incomeById)),
  feedType("RigidExpenditure", householdRigidExpenditures, households.villageCode, load(rigidExpenditureById)),
  feedType("HelperAssignment", cadreHouseholdAssignments, households.villageCode, load(helperAssignmentById)),
  feedType("MonitoringCase", monitoringCases, monitoringCases.villageCode, load(caseById)),
  feedType("CaseObjection", caseObjections, monitoringCases.villageCode, load(objectionById)),
  feedType("AssistanceMeasure", assistanceMeasures, monitoringCases.villageCode, load(assistanceById)),
  feedType("FollowUpVisit", followUpVisits, followUpVisits.villageCode, load(followUpById)),
  feedType("RiskAlert", riskAlerts, riskAlerts.villageCode, load(alertById)),
  feedType("MonitoringStandard", monitoringStandards, null, load(monitoringStandardById)),
];

export const feedTypeByName: ReadonlyMap<string, FeedType> = new Map(FEED_TYPES.map((t) => [t.type, t]));
export const feedTypeByTable: ReadonlyMap<string, FeedType> = new Map(FEED_TYPES.map((t) => [t.tableName, t]));
