import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import { householdIncomes, householdRigidExpenditures } from "../../db/schema.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { InputErrors } from "../../shared/input-errors.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { create } from "../../writes/create.js";
import { write } from "../../writes/engine.js";
import type { OwnedWrite } from "../../writes/owned-write.js";
import type { WriteOutcome } from "../../writes/write.type.js";
import { householdTarget } from "../households/household.target.js";
import type { HouseholdRow } from "../households/household.type.js";
import { rigidExpendituresByHousehold } from "./income.loader.js";
import type {
  RecordHouseholdIncomeInput,
  RecordRigidExpenditureInput,
  SetMonitoringStandardInput,
} from "./income.input.js";
import { findMonitoringStandardId, findMonitoringStandards, insertMonitoringStandard } from "./income.repository.js";
import { monitoringStandardTarget } from "./income.target.js";
import type { MonitoringStandardRow, RigidExpenditureRow } from "./income.type.js";

/** Largest amount of one kind in one year that is taken as a plausible figure rather than a typo (yuan). */
const MAX_AMOUNT = 100_000_000;
const MAX_PERSONS = 50;

const cents = (n: number) => Math.round(n * 100) / 100;

/** Who verified a figure and when: required for every income and expenditure (收入支出核实). */
function verification(input: { verifiedBy: string; verifiedOn: string }, errors: InputErrors) {
  errors.required(["verifiedBy"], input.verifiedBy, "who verified it (核实人 / 核实单位)");
  errors.date(["verifiedOn"], input.verifiedOn);
  return { verifiedBy: input.verifiedBy.trim(), verifiedOn: input.verifiedOn };
}

/**
 * The registry owner records a household's verified income of a year (定期监测其收入支出状况): kept as
 * the household's income row of that year, written by the engine (lock, version, history, the
 * monitoring rules: below the line, a drop from the year before, rigid expenditure above its share).
 */
export const recordHouseholdIncome: OwnedWrite<RecordHouseholdIncomeInput, HouseholdRow> = {
  name: "recordHouseholdIncome",
  target: householdTarget,
  idOf: (input) => input.householdId,
  prepare(_ctx, input, errors) {
    const id = decodeId(input.householdId, "Household");
    errors.reason(input.reason);
    errors.year(["year"], input.year);
    const kinds = ["wages", "production", "property", "transfer", "productionCosts"] as const;
    for (const kind of kinds) errors.range([kind], input[kind], 0, MAX_AMOUNT, "An amount (yuan)");
    errors.range(["persons"], input.persons, 1, MAX_PERSONS, "The number of people");
    if (!Number.isInteger(input.persons)) errors.add(["persons"], "INVALID_FORMAT", "Count whole people.");
    const verified = verification(input, errors);
    const net = input.wages + input.production + input.property + input.transfer - input.productionCosts;
    return {
      id,
      version: input.version,
      reason: input.reason,
      children: {
        field: "incomes",
        table: householdIncomes,
        parent: "householdId",
        key: ["year"],
        rows: [
          {
            year: input.year,
            wages: cents(input.wages),
            production: cents(input.production),
            property: cents(input.property),
            transfer: cents(input.transfer),
            productionCosts: cents(input.productionCosts),
            perCapitaNetIncome: input.persons > 0 ? cents(net / input.persons) : 0,
            persons: input.persons,
            ...verified,
          },
        ],
      },
    };
  },
};

/** The registry owner records a rigid expenditure (刚性支出) of a year and kind: it replaces that year's figure of the kind. */
export const recordRigidExpenditure: OwnedWrite<RecordRigidExpenditureInput, HouseholdRow> = {
  name: "recordRigidExpenditure",
  target: householdTarget,
  idOf: (input) => input.householdId,
  prepare(_ctx, input, errors) {
    const id = decodeId(input.householdId, "Household");
    errors.reason(input.reason);
    errors.year(["year"], input.year);
    errors.range(["amount"], input.amount, 0, MAX_AMOUNT, "An amount (yuan)");
    const verified = verification(input, errors);
    return {
      id,
      version: input.version,
      reason: input.reason,
      children: {
        field: "rigidExpenditures",
        table: householdRigidExpenditures,
        parent: "householdId",
        key: ["year", "kind"],
        rows: [
          {
            year: input.year,
            kind: input.kind,
            amount: cents(input.amount),
            note: input.note?.trim() || null,
            ...verified,
          },
        ],
      },
    };
  },
};

export async function rigidExpendituresOf(
  ctx: Context,
  household: HouseholdRow,
  year?: number | null,
): Promise<RigidExpenditureRow[]> {
  const all = await rigidExpendituresByHousehold(ctx).load(household.rowId);
  return year == null ? all : all.filter((r) => r.year === year);
}

export function listMonitoringStandards(ctx: Context, year?: number | null): Promise<MonitoringStandardRow[]> {
  return findMonitoringStandards(ctx.db, year);
}

const STANDARD_FIELDS = ["year", "regionPrefix", "amount", "source"];

/**
 * The registry owner sets a monitoring line with the document it comes from: a new line for a year
 * and region, or (with the version read) a changed amount or source of an existing one. Ownership
 * comes from the policy; the region must be inside the principal's scope.
 */
export async function setMonitoringStandard(
  ctx: Context,
  input: SetMonitoringStandardInput,
): Promise<WriteOutcome<MonitoringStandardRow>> {
  assertWrites(ctx.access, "MonitoringStandard", STANDARD_FIELDS);
  const errors = new InputErrors();
  const regionPrefix = input.regionPrefix ? assertRegionPrefix(input.regionPrefix) : null;
  if (!ctx.access.inScope((regionPrefix ?? "").padEnd(12, "0"))) {
    throw new ForbiddenError(
      regionPrefix === null
        ? "Only a principal whose scope is everywhere may set the line that applies everywhere."
        : `Region ${regionPrefix} is outside your scope.`,
    );
  }
  errors.year(["year"], input.year, false);
  errors.range(["amount"], input.amount, 0, MAX_AMOUNT, "A monitoring line (yuan)");
  errors.required(["source"], input.source, "the document the line comes from (title and number)");
  const values = { amount: cents(input.amount), source: input.source?.trim() ?? "" };
  if (input.version == null) {
    return create(
      ctx,
      monitoringStandardTarget,
      {
        insert: (tx) => insertMonitoringStandard(tx, { year: input.year, regionPrefix, ...values }),
        duplicates: {
          monitoring_standards_year_region: {
            path: ["year"],
            message: "There is a line for this year and region: give its version to change it.",
          },
        },
        fallback: { path: ["year"], message: "This line could not be added." },
      },
      errors,
    );
  }
  const id = errors.any ? null : await findMonitoringStandardId(ctx.db, input.year, regionPrefix);
  if (id === null && !errors.any) {
    errors.add(["year"], "INCONSISTENT", "There is no line for this year and region yet: omit the version to add it.");
  }
  return write(
    ctx,
    monitoringStandardTarget,
    { id: id ?? 0, version: input.version, reason: null, set: values },
    errors,
  );
}
