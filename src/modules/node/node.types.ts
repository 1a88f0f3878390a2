import type { Access } from "../../access/access.js";
import type { Context } from "../../context.js";
import { intKey } from "../../shared/global-id.js";
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
import { regionByCode } from "../regions/region.loader.js";
import { villageById } from "../villages/village.loader.js";

type Fetch = (ctx: Context, key: string) => Promise<object | null>;

/**
 * The types `node(id)` and federation's `_entities` resolve, each through the same scoped loader
 * as every other path. A new entity type is added here, explicitly.
 */
const NODE_TYPES: Readonly<Record<string, Fetch>> = {
  Region: (ctx, key) => regionByCode(ctx).load(key),
  Village: (ctx, key) => villageById(ctx).load(intKey(key, "Village")),
  Household: (ctx, key) => householdById(ctx).load(intKey(key, "Household")),
  Member: (ctx, key) => memberById(ctx).load(intKey(key, "Member")),
  Project: (ctx, key) => projectById(ctx).load(intKey(key, "Project")),
  Asset: (ctx, key) => assetById(ctx).load(intKey(key, "Asset")),
  Agency: (ctx, key) => agencyById(ctx).load(intKey(key, "Agency")),
  Cadre: (ctx, key) => cadreById(ctx).load(intKey(key, "Cadre")),
  HouseholdIncome: (ctx, key) => incomeById(ctx).load(intKey(key, "HouseholdIncome")),
  RigidExpenditure: (ctx, key) => rigidExpenditureById(ctx).load(intKey(key, "RigidExpenditure")),
  HelperAssignment: (ctx, key) => helperAssignmentById(ctx).load(intKey(key, "HelperAssignment")),
  MonitoringCase: (ctx, key) => caseById(ctx).load(intKey(key, "MonitoringCase")),
  CaseObjection: (ctx, key) => objectionById(ctx).load(intKey(key, "CaseObjection")),
  AssistanceMeasure: (ctx, key) => assistanceById(ctx).load(intKey(key, "AssistanceMeasure")),
  FollowUpVisit: (ctx, key) => followUpById(ctx).load(intKey(key, "FollowUpVisit")),
  RiskAlert: (ctx, key) => alertById(ctx).load(intKey(key, "RiskAlert")),
  MonitoringStandard: (ctx, key) => monitoringStandardById(ctx).load(intKey(key, "MonitoringStandard")),
};

/**
 * Types that queries reach only through a field of another type (an income through
 * `Household.incomes`): a department that may read none of those fields never sees the type's
 * rows, neither by `node(id)` nor in the change feed.
 */
const REACHED_THROUGH: Readonly<Record<string, readonly { type: string; field: string }[]>> = {
  HouseholdIncome: [{ type: "Household", field: "incomes" }],
  RigidExpenditure: [{ type: "Household", field: "rigidExpenditures" }],
  HelperAssignment: [{ type: "Household", field: "helpers" }],
  CaseObjection: [{ type: "MonitoringCase", field: "objections" }],
  AssistanceMeasure: [{ type: "MonitoringCase", field: "assistance" }],
};

/** Whether the principal may see rows of a type, reaching them the way queries do. */
export function readsType(access: Access, type: string): boolean {
  if (!access.canRead(type)) return false;
  const through = REACHED_THROUGH[type];
  return (
    !through || through.some((v) => access.canRead(v.type) && (access.readableFields(v.type)?.has(v.field) ?? true))
  );
}

export const nodeTypes = (): string[] => Object.keys(NODE_TYPES);

export async function fetchNode(ctx: Context, type: string, key: string): Promise<object | null> {
  const fetch = Object.hasOwn(NODE_TYPES, type) ? NODE_TYPES[type] : undefined;
  // A type the principal cannot read does not exist for it: not even its id is echoed back.
  if (!fetch || !readsType(ctx.access, type)) return null;
  const row = await fetch(ctx, key);
  return row ? Object.assign(row, { __typename: type }) : null;
}
