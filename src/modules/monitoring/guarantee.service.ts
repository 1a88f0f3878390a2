import type { Context } from "../../context.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import { ageOn, today } from "../../shared/dates.js";
import { birthDatesForAges } from "../households/member.service.js";
import { SCHOOLING_EXEMPTIONS } from "../../shared/enums.js";
import type { HouseholdRow } from "../households/household.type.js";
import { guaranteeHouseholdById, guaranteeMembersByHousehold, latestIncomeByHousehold } from "./guarantee.loader.js";
import { pageHouseholdsWithUnmet } from "./guarantee.repository.js";
import {
  GuaranteeStatus,
  type GuaranteeHouseholdFacts,
  type GuaranteeIncomeFacts,
  type GuaranteeItem,
  type GuaranteeItemKind,
  type GuaranteeMemberFacts,
  type Guarantees,
} from "./guarantee.type.js";

/** Compulsory-school age (义务教育阶段), in completed years. */
export const SCHOOL_AGE = { from: 6, to: 15 } as const;

/**
 * The field each item rests on. Its steward — the department that supplies the item — is the owner
 * the policy names for that field, so moving a field to another department is a policy edit only.
 */
export const SUPPLIERS = {
  foodAndClothing: "HouseholdIncome.perCapitaNetIncome",
  compulsoryEducation: "Member.schoolingStatus",
  basicMedicalCare: "Member.hasBasicMedicalInsurance",
  housingSafety: "Household.housingGrade",
  safeDrinkingWater: "Household.drinkingWaterSafe",
} as const;

/** The department the policy makes steward of a `Type.field`; the field itself when no policy applies. */
export function stewardOf(ctx: Context, key: string): string {
  const [type, field] = key.split(".") as [string, string];
  return ctx.access.policy?.rule(type, field)?.owner ?? key;
}

const yuan = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export interface GuaranteeFacts {
  household: GuaranteeHouseholdFacts | null;
  members: readonly GuaranteeMemberFacts[];
  income: GuaranteeIncomeFacts | null;
}

export interface ComputeOptions {
  /** The day ages are taken on (YYYY-MM-DD). */
  day: string;
  /** Whether the basis may quote the income figure (the caller may read incomes). */
  showIncome: boolean;
}

export function foodAndClothing(income: GuaranteeIncomeFacts | null, o: ComputeOptions): GuaranteeItem {
  const suppliedBy = SUPPLIERS.foodAndClothing;
  if (!income) return { status: GuaranteeStatus.UNKNOWN, basis: "no income recorded", suppliedBy, year: null };
  // The line of the income's year and village, from the monitoring standards (fetched with the income).
  const threshold = income.line;
  const figure = o.showIncome ? ` ${yuan(income.perCapitaNetIncome)} yuan` : "";
  if (threshold === null) {
    return {
      status: GuaranteeStatus.UNKNOWN,
      basis: `no monitoring threshold for ${income.year}`,
      suppliedBy,
      year: income.year,
    };
  }
  const met = income.perCapitaNetIncome >= threshold;
  return {
    status: met ? GuaranteeStatus.MET : GuaranteeStatus.UNMET,
    basis: `${income.year} per-capita net income${figure} ${met ? "≥" : "<"} threshold ${yuan(threshold)}`,
    suppliedBy,
    year: income.year,
  };
}

export function compulsoryEducation(members: readonly GuaranteeMemberFacts[], day: string): GuaranteeItem {
  const suppliedBy = SUPPLIERS.compulsoryEducation;
  const schoolAge = members.filter((m) => {
    const age = ageOn(m.birthDate, day);
    return age >= SCHOOL_AGE.from && age <= SCHOOL_AGE.to;
  });
  const year = Number(day.slice(0, 4));
  if (!schoolAge.length) {
    return { status: GuaranteeStatus.MET, basis: "no member of compulsory-school age", suppliedBy, year };
  }
  const out = schoolAge.filter((m) => m.schoolingStatus === "DROPPED_OUT").length;
  // A child exempt for physical reasons (送教上门 / 不具备学习条件) is no dropout: the item is met for her.
  const exempt = schoolAge.filter((m) => SCHOOLING_EXEMPTIONS.includes(m.schoolingStatus)).length;
  const aged = plural(schoolAge.length, "member", "members");
  const exemptNote = exempt ? `; ${exempt} exempt (送教上门 / 因身体原因)` : "";
  return out
    ? { status: GuaranteeStatus.UNMET, basis: `${out} of ${aged} aged 6–15 dropped out${exemptNote}`, suppliedBy, year }
    : { status: GuaranteeStatus.MET, basis: `none of ${aged} aged 6–15 dropped out${exemptNote}`, suppliedBy, year };
}

export function basicMedicalCare(members: readonly GuaranteeMemberFacts[]): GuaranteeItem {
  const suppliedBy = SUPPLIERS.basicMedicalCare;
  if (!members.length)
    return { status: GuaranteeStatus.UNKNOWN, basis: "no member registered", suppliedBy, year: null };
  const uninsured = members.filter((m) => !m.hasBasicMedicalInsurance).length;
  const all = plural(members.length, "member", "members");
  return uninsured
    ? {
        status: GuaranteeStatus.UNMET,
        basis: `${uninsured} of ${all} without basic medical insurance`,
        suppliedBy,
        year: null,
      }
    : { status: GuaranteeStatus.MET, basis: `all ${all} have basic medical insurance`, suppliedBy, year: null };
}

/**
 * Housing safety follows the latest assessment: a renovation counts unless a later assessment
 * (a later year than the renovation's) found the house C or D again. An assessment in the year of
 * the renovation is taken as the one that led to it.
 */
export function housingSafety(h: GuaranteeHouseholdFacts | null): GuaranteeItem {
  const suppliedBy = SUPPLIERS.housingSafety;
  const assessedYear = h?.housingAssessedOn ? Number(h.housingAssessedOn.slice(0, 4)) : null;
  const unsafeGrade = h?.housingGrade === "C" || h?.housingGrade === "D";
  const unsafeSinceRenovation =
    unsafeGrade && assessedYear !== null && h?.housingRenovationYear != null && assessedYear > h.housingRenovationYear;
  if (h?.housingRenovated && !unsafeSinceRenovation) {
    const when = h.housingRenovationYear ? ` in ${h.housingRenovationYear}` : "";
    const grade = h.housingGrade ? `grade ${h.housingGrade}, ` : "";
    return {
      status: GuaranteeStatus.MET,
      basis: `${grade}renovated${when}`,
      suppliedBy,
      year: h.housingRenovationYear ?? assessedYear,
    };
  }
  if (!h?.housingGrade)
    return { status: GuaranteeStatus.UNKNOWN, basis: "housing not assessed", suppliedBy, year: null };
  if (!unsafeGrade)
    return { status: GuaranteeStatus.MET, basis: `grade ${h.housingGrade}`, suppliedBy, year: assessedYear };
  return {
    status: GuaranteeStatus.UNMET,
    basis: unsafeSinceRenovation
      ? `grade ${h.housingGrade} assessed ${h.housingAssessedOn}, after the renovation in ${h.housingRenovationYear}`
      : `grade ${h.housingGrade}, not renovated`,
    suppliedBy,
    year: assessedYear,
  };
}

export function safeDrinkingWater(h: GuaranteeHouseholdFacts | null): GuaranteeItem {
  const suppliedBy = SUPPLIERS.safeDrinkingWater;
  const safe = h?.drinkingWaterSafe ?? null;
  if (safe === null)
    return { status: GuaranteeStatus.UNKNOWN, basis: "drinking water not assessed", suppliedBy, year: null };
  return safe
    ? { status: GuaranteeStatus.MET, basis: "drinking water assessed safe", suppliedBy, year: null }
    : { status: GuaranteeStatus.UNMET, basis: "drinking water assessed unsafe", suppliedBy, year: null };
}

/** 两不愁三保障 from the facts of one household (pure: no database, no clock). */
export function computeGuarantees(facts: GuaranteeFacts, o: ComputeOptions): Guarantees {
  const items = {
    foodAndClothing: foodAndClothing(facts.income, o),
    compulsoryEducation: compulsoryEducation(facts.members, o.day),
    basicMedicalCare: basicMedicalCare(facts.members),
    housingSafety: housingSafety(facts.household),
    safeDrinkingWater: safeDrinkingWater(facts.household),
  };
  return { ...items, anyUnmet: Object.values(items).some((i) => i.status === GuaranteeStatus.UNMET) };
}

/** Whether the caller may see the per-capita income figure itself (not only the status). */
function mayReadIncome(ctx: Context): boolean {
  const readable = ctx.access.readableFields("HouseholdIncome");
  return readable === null || readable.has("perCapitaNetIncome");
}

/** A household's guarantees: three batched loaders, so a page of households costs three statements. */
export async function householdGuarantees(ctx: Context, household: HouseholdRow): Promise<Guarantees> {
  const id = household.rowId;
  const [facts, members, income] = await Promise.all([
    guaranteeHouseholdById(ctx).load(id),
    guaranteeMembersByHousehold(ctx).load(id),
    latestIncomeByHousehold(ctx).load(id),
  ]);
  const computed = computeGuarantees(
    { household: facts, members, income },
    { day: today(), showIncome: mayReadIncome(ctx) },
  );
  const supplied = (item: GuaranteeItem): GuaranteeItem => ({ ...item, suppliedBy: stewardOf(ctx, item.suppliedBy) });
  return {
    foodAndClothing: supplied(computed.foodAndClothing),
    compulsoryEducation: supplied(computed.compulsoryEducation),
    basicMedicalCare: supplied(computed.basicMedicalCare),
    housingSafety: supplied(computed.housingSafety),
    safeDrinkingWater: supplied(computed.safeDrinkingWater),
    anyUnmet: computed.anyUnmet,
  };
}

export function listHouseholdsWithUnmetGuarantees(
  ctx: Context,
  regionCode: string | null | undefined,
  item: GuaranteeItemKind | null | undefined,
  args: PageArgs,
): Promise<Connection<HouseholdRow>> {
  const region = regionCode ? assertRegionPrefix(regionCode) : undefined;
  const { bornOnOrAfter, bornOnOrBefore } = birthDatesForAges(SCHOOL_AGE.from, SCHOOL_AGE.to, today());
  return pageHouseholdsWithUnmet(ctx, region, item ?? undefined, args, {
    schoolAge: { bornOnOrAfter: bornOnOrAfter!, bornOnOrBefore: bornOnOrBefore! },
  });
}
