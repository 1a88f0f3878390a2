import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { today } from "../../shared/dates.js";
import { findGuaranteeHouseholds, findGuaranteeMembers } from "../monitoring/guarantee.repository.js";
import { computeGuarantees } from "../monitoring/guarantee.service.js";
import { GuaranteeStatus } from "../monitoring/guarantee.type.js";
import { activeAlertsOf, latestIncomes } from "./case.repository.js";

/** One criterion a step or 风险消除 still needs: a stable code and a sentence for the officer. */
export interface Missing {
  code: string;
  message: string;
}

export interface CaseHousehold {
  householdId: number;
  villageCode: string;
}

/**
 * Whether a household's income is above the monitoring line over the last `years` income years:
 * null when it is (or when there is no income data — the criterion applies only where income is
 * known), else what is missing. The default reads the line of each income's year and village from
 * the monitoring standards (`monitoring_line`); a registration point for another rule.
 */
export type IncomeLineCheck = (
  ctx: Context,
  tx: Drizzle,
  household: CaseHousehold,
  years: number,
) => Promise<Missing | null>;

const configuredLines: IncomeLineCheck = async (ctx, tx, household, years) => {
  const incomes = await latestIncomes(tx, household.householdId, years);
  if (!incomes.length) return null;
  const below = incomes.filter((i) => i.line !== null && i.perCapitaNetIncome < i.line);
  if (!below.length) return null;
  return {
    code: "INCOME_BELOW_LINE",
    message: `Per-capita net income is below the monitoring line in ${below.map((i) => i.year).join(", ")}.`,
  };
};

let incomeLineCheck: IncomeLineCheck = configuredLines;

/** Replaces how "income above the line" is decided (e.g. by monitoring standards per region). */
export function useIncomeLineCheck(check: IncomeLineCheck): void {
  incomeLineCheck = check;
}

const ITEMS = {
  foodAndClothing: "不愁吃、不愁穿 food and clothing",
  compulsoryEducation: "义务教育 compulsory education",
  basicMedicalCare: "基本医疗 basic medical care",
  housingSafety: "住房安全 housing safety",
  safeDrinkingWater: "饮水安全 safe drinking water",
} as const;

/**
 * What eliminating a case's risk still needs, by the configured criteria (RISK_ELIMINATION_CRITERIA):
 * GUARANTEES — every 两不愁三保障 item MET (food and clothing may be UNKNOWN for want of income
 * data: income is its own criterion); INCOME — above the line; NO_OPEN_ALERT — no active alert
 * of the household that the case does not take in (those it links are resolved with it).
 * Read inside the step's transaction, the case row locked.
 */
export async function unmetForElimination(
  ctx: Context,
  tx: Drizzle,
  household: CaseHousehold,
  caseId: number,
): Promise<Missing[]> {
  const criteria = new Set(ctx.config.RISK_ELIMINATION_CRITERIA);
  const missing: Missing[] = [];
  const inTx = { ...ctx, db: tx };
  if (criteria.has("GUARANTEES")) {
    const [facts] = await findGuaranteeHouseholds(inTx, [household.householdId]);
    const members = await findGuaranteeMembers(inTx, [household.householdId]);
    const [latest] = await latestIncomes(tx, household.householdId, 1);
    const guarantees = computeGuarantees(
      {
        household: facts ?? null,
        members,
        income: latest ? { householdId: household.householdId, ...latest } : null,
      },
      { day: today(), showIncome: false },
    );
    for (const [item, label] of Object.entries(ITEMS) as [keyof typeof ITEMS, string][]) {
      const status = guarantees[item].status;
      if (status === GuaranteeStatus.MET) continue;
      if (item === "foodAndClothing" && status === GuaranteeStatus.UNKNOWN && !latest) continue;
      missing.push({ code: "GUARANTEE_NOT_MET", message: `${label} is ${status}: ${guarantees[item].basis}` });
    }
  }
  if (criteria.has("INCOME")) {
    const below = await incomeLineCheck(ctx, tx, household, ctx.config.RISK_ELIMINATION_INCOME_YEARS);
    if (below) missing.push(below);
  }
  if (criteria.has("NO_OPEN_ALERT")) {
    for (const alert of await activeAlertsOf(tx, household.householdId, caseId)) {
      if (alert.linked) continue;
      const what = alert.guaranteeItem ? `${alert.signal} (${alert.guaranteeItem})` : alert.signal;
      missing.push({
        code: "OPEN_ALERT",
        message: `Alert ${alert.id} ${what} is ${alert.status}: resolve, dismiss or link it.`,
      });
    }
  }
  return missing;
}
