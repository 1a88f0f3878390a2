import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { ageOn, today } from "../../shared/dates.js";
import type { AfterWriteRule, RowChange } from "../../writes/after-write.js";
import {
  activeAlertsOf,
  currentHelpersOf,
  householdStatusOf,
  insertAlerts,
  membersOfHouseholds,
  type NewAlert,
} from "./alert.repository.js";
import {
  basicMedicalCare,
  compulsoryEducation,
  housingSafety,
  safeDrinkingWater,
  SCHOOL_AGE,
} from "./guarantee.service.js";
import { GuaranteeStatus, type GuaranteeItem, type GuaranteeMemberFacts } from "./guarantee.type.js";
import { incomeSignals } from "./income.rules.js";

type Row = Record<string, unknown>;

/** Households that were registered poor (建档立卡): every poverty status but NOT_POOR; monitoring has no say. */
export function formerlyPoor(household: { status: string }): boolean {
  return household.status !== "NOT_POOR";
}

const turnedUnmet = (before: GuaranteeItem, after: GuaranteeItem) =>
  before.status !== GuaranteeStatus.UNMET && after.status === GuaranteeStatus.UNMET;

const memberFacts = (row: Row): GuaranteeMemberFacts => ({
  householdId: row.householdId as number,
  birthDate: row.birthDate as string,
  schoolingStatus: row.schoolingStatus as string,
  hasBasicMedicalInsurance: row.hasBasicMedicalInsurance as boolean,
});

/** The changed row (member or household) carries its village: the alert's scope needs no lookup. */
type Candidate = Omit<NewAlert, "department" | "raisedBy" | "helperCadreId">;

/** Member writes: a school-age dropout, a medical expense crossing its threshold, items turning unmet. */
async function memberSignals(ctx: Context, tx: Drizzle, changes: readonly RowChange[]): Promise<Candidate[]> {
  const relevant = changes.filter((c) =>
    c.fields.some((f) =>
      ["schoolingStatus", "hasBasicMedicalInsurance", "medicalExpenseOutOfPocket", "medicalExpenseYear"].includes(f),
    ),
  );
  if (!relevant.length) return [];
  const day = today();
  const villageOf = new Map(relevant.map((c) => [c.after.householdId as number, c.after.villageCode as string]));
  const householdIds = [...villageOf.keys()];
  const expense = relevant.some((c) => c.fields.some((f) => f.startsWith("medicalExpense")));
  const [statuses, membersAfter] = await Promise.all([
    // Only the medical-expense rule depends on the household's status (its threshold).
    expense
      ? householdStatusOf(tx, householdIds)
      : new Map<number, { status: string; monitoringType: string | null }>(),
    membersOfHouseholds(tx, householdIds),
  ]);
  // Each written row as it was before the write's first change to it.
  const original = new Map<number, Row>();
  for (const c of changes) if (!original.has(c.before.id as number)) original.set(c.before.id as number, c.before);
  const candidates: Candidate[] = [];
  for (const { before, after, fields } of relevant) {
    const householdId = after.householdId as number;
    const memberId = after.id as number;
    if (fields.includes("schoolingStatus") && after.schoolingStatus === "DROPPED_OUT") {
      const age = ageOn(after.birthDate as string, day);
      if (age >= SCHOOL_AGE.from && age <= SCHOOL_AGE.to) {
        candidates.push({
          householdId,
          villageCode: after.villageCode as string,
          memberId,
          signal: "SCHOOL_DROPOUT",
          guaranteeItem: null,
          trigger: { field: "Member.schoolingStatus", oldValue: before.schoolingStatus, newValue: "DROPPED_OUT", age },
        });
      }
    }
    if (fields.includes("medicalExpenseOutOfPocket") || fields.includes("medicalExpenseYear")) {
      const household = statuses.get(householdId);
      const threshold =
        household && formerlyPoor(household)
          ? ctx.config.MEDICAL_EXPENSE_ALERT_FORMERLY_POOR
          : ctx.config.MEDICAL_EXPENSE_ALERT_OTHERS;
      // An expense of another year starts the count again from nothing.
      const previous =
        before.medicalExpenseYear === after.medicalExpenseYear ? Number(before.medicalExpenseOutOfPocket) : 0;
      const amount = Number(after.medicalExpenseOutOfPocket);
      if (previous < threshold && amount >= threshold) {
        candidates.push({
          householdId,
          villageCode: after.villageCode as string,
          memberId,
          signal: "MEDICAL_EXPENSE",
          guaranteeItem: null,
          trigger: {
            field: "Member.medicalExpenseOutOfPocket",
            oldValue: previous,
            newValue: amount,
            threshold,
            year: after.medicalExpenseYear ?? null,
          },
        });
      }
    }
  }
  // Guarantee items before and after: the members now, with the written rows as they were.
  for (const [householdId, villageCode] of villageOf) {
    const household = { householdId, villageCode };
    const now = (membersAfter.get(householdId) ?? []).map(memberFacts);
    const then = (membersAfter.get(householdId) ?? []).map((m) => memberFacts(original.get(m.id as number) ?? m));
    const dropout = candidates.some((c) => c.householdId === householdId && c.signal === "SCHOOL_DROPOUT");
    const education = [compulsoryEducation(then, day), compulsoryEducation(now, day)] as const;
    if (!dropout && turnedUnmet(...education)) {
      candidates.push(guaranteeCandidate(household, "COMPULSORY_EDUCATION", "Member.schoolingStatus", education));
    }
    const medical = [basicMedicalCare(then), basicMedicalCare(now)] as const;
    if (turnedUnmet(...medical)) {
      candidates.push(guaranteeCandidate(household, "BASIC_MEDICAL_CARE", "Member.hasBasicMedicalInsurance", medical));
    }
  }
  return candidates;
}

function guaranteeCandidate(
  household: { householdId: number; villageCode: string },
  item: string,
  field: string,
  [before, after]: readonly [GuaranteeItem, GuaranteeItem],
): Candidate {
  return {
    ...household,
    memberId: null,
    signal: "GUARANTEE_UNMET",
    guaranteeItem: item,
    trigger: { field, oldValue: before.status, newValue: after.status, basis: after.basis },
  };
}

const housingFacts = (row: Row) => ({
  id: row.id as number,
  housingGrade: (row.housingGrade as string | null) ?? null,
  housingRenovated: row.housingRenovated as boolean,
  housingRenovationYear: (row.housingRenovationYear as number | null) ?? null,
  housingAssessedOn: (row.housingAssessedOn as string | null) ?? null,
  drinkingWaterSafe: (row.drinkingWaterSafe as boolean | null) ?? null,
});

/** Household writes: an assessment returning C or D, housing safety or drinking water turning unmet. */
function householdSignals(changes: readonly RowChange[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const { before, after, fields } of changes) {
    const householdId = after.id as number;
    const household = { householdId, villageCode: after.villageCode as string };
    const assessed = fields.includes("housingGrade") || fields.includes("housingAssessedOn");
    // An assessment returning C or D is a signal even for a house once renovated: it is unsafe again.
    const unsafe = after.housingGrade === "C" || after.housingGrade === "D";
    if (assessed && unsafe) {
      candidates.push({
        householdId,
        villageCode: after.villageCode as string,
        memberId: null,
        signal: "UNSAFE_HOUSING",
        guaranteeItem: null,
        trigger: {
          field: "Household.housingGrade",
          oldValue: before.housingGrade ?? null,
          newValue: after.housingGrade,
          assessedOn: after.housingAssessedOn ?? null,
        },
      });
    }
    const housing = [housingSafety(housingFacts(before)), housingSafety(housingFacts(after))] as const;
    if (!(assessed && unsafe) && turnedUnmet(...housing)) {
      candidates.push(guaranteeCandidate(household, "HOUSING_SAFETY", "Household.housingGrade", housing));
    }
    const water = [safeDrinkingWater(housingFacts(before)), safeDrinkingWater(housingFacts(after))] as const;
    if (turnedUnmet(...water)) {
      candidates.push(guaranteeCandidate(household, "SAFE_DRINKING_WATER", "Household.drinkingWaterSafe", water));
    }
  }
  return candidates;
}

/**
 * Raises the candidates' alerts inside the transaction of the write that changed the rows: a
 * rolled-back write raises nothing, a committed one cannot miss its alert. A household with an
 * alert of the same signal (and item, and member) still being worked is not alerted twice.
 */
async function raise(ctx: Context, tx: Drizzle, candidates: Candidate[]): Promise<void> {
  if (!candidates.length) return;
  const householdIds = [...new Set(candidates.map((c) => c.householdId))];
  const [active, helpers] = await Promise.all([activeAlertsOf(tx, householdIds), currentHelpersOf(tx, householdIds)]);
  const key = (c: { householdId: number; signal: string; guaranteeItem: string | null; memberId: number | null }) =>
    `${c.householdId}|${c.signal}|${c.guaranteeItem ?? ""}|${c.memberId ?? ""}`;
  const seen = new Set(active.map(key));
  const fresh: NewAlert[] = [];
  for (const c of candidates) {
    if (seen.has(key(c))) continue;
    seen.add(key(c));
    fresh.push({
      ...c,
      department: ctx.access.principal.department,
      raisedBy: ctx.access.principal.id,
      helperCadreId: helpers.get(c.householdId) ?? null,
    });
  }
  await insertAlerts(tx, fresh);
}

/** The alert rules (design §4), run by the write engine after every write to members or households. */
export const alertRules: Record<"Member" | "Household", AfterWriteRule> = {
  Member: async (ctx, tx, changes) => raise(ctx, tx, await memberSignals(ctx, tx, changes)),
  Household: async (ctx, tx, changes) =>
    raise(ctx, tx, [...householdSignals(changes), ...(await incomeSignals(ctx, tx, changes))]),
};
