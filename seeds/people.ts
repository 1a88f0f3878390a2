/** A household's people: who lives in it, and each member's schooling, health, work, insurance and assistance. */
import { money, yuan } from "./calendar.js";
import { IN_PROVINCE_PLACES, MIGRANT_PLACES, surname } from "./names.js";
import type { Random } from "./random.js";
import type { Push, SeedRow } from "./tables.js";
import { UNIVERSITIES, type Gender } from "./vocabulary.js";

type Member = SeedRow<"members">;

export interface MemberDraft {
  relation: Member["relation"];
  gender: Gender;
  age: number;
  family: string;
}

interface Composed extends MemberDraft {
  ethnicity: string;
}

export function composeMembers(
  rng: Random,
  size: number,
  attribute: string,
  ethnicity: string,
  mix: readonly (readonly [string, number])[],
): Composed[] {
  const extreme = attribute === "EXTREME_POVERTY_SUPPORTED";
  const headAge = extreme
    ? rng.int(58, 88)
    : size === 1
      ? rng.normalInt(62, 12, 25, 90)
      : rng.normalInt(52, 12, 25, 80);
  const headGender: Gender = rng.chance(size === 1 ? 0.65 : 0.87) ? "MALE" : "FEMALE";
  const family = surname(rng, ethnicity);
  const out: Composed[] = [{ relation: "HEAD", gender: headGender, age: headAge, family, ethnicity }];
  const other = (g: Gender): Gender => (g === "MALE" ? "FEMALE" : "MALE");
  let childFamily = family;
  if (size >= 2 && rng.chance(headAge < 75 ? 0.85 : 0.6)) {
    const spouseGender = other(headGender);
    const age = Math.max(20, Math.min(95, headAge + (headGender === "MALE" ? -1 : 1) * rng.normalInt(2, 3, -5, 10)));
    const spouseEthnicity = rng.chance(0.8) ? ethnicity : rng.weighted(mix);
    const spouseFamily = surname(rng, spouseEthnicity);
    if (headGender === "FEMALE") childFamily = spouseFamily;
    out.push({ relation: "SPOUSE", gender: spouseGender, age, family: spouseFamily, ethnicity: spouseEthnicity });
  }
  // parents of a younger head
  if (headAge <= 50 && out.length < size && rng.chance(0.35)) {
    const parents = rng.chance(0.5) && size - out.length >= 2 ? 2 : 1;
    const fatherAge = Math.min(95, headAge + rng.int(22, 32));
    const firstIsFather = parents === 2 || rng.chance(0.4);
    if (firstIsFather)
      out.push({
        relation: "FATHER",
        gender: "MALE",
        age: fatherAge,
        family: headGender === "MALE" ? family : surname(rng, ethnicity),
        ethnicity,
      });
    if (parents === 2 || !firstIsFather)
      out.push({
        relation: "MOTHER",
        gender: "FEMALE",
        age: Math.min(95, fatherAge - rng.int(0, 4)),
        family: surname(rng, ethnicity),
        ethnicity,
      });
  }
  // three generations: a married son, his wife and their children
  if (headAge >= 52 && size - out.length >= 3 && rng.chance(0.6)) {
    const sonAge = rng.int(Math.max(22, headAge - 36), headAge - 21);
    out.push({ relation: "SON", gender: "MALE", age: sonAge, family: childFamily, ethnicity });
    out.push({
      relation: "DAUGHTER_IN_LAW",
      gender: "FEMALE",
      age: Math.max(20, sonAge + rng.int(-4, 2)),
      family: surname(rng, ethnicity),
      ethnicity,
    });
    while (out.length < size) {
      const g: Gender = rng.chance(0.53) ? "MALE" : "FEMALE";
      const age = rng.int(0, Math.max(0, sonAge - 21));
      out.push({
        relation: g === "MALE" ? "GRANDSON" : "GRANDDAUGHTER",
        gender: g,
        age,
        family: childFamily,
        ethnicity,
      });
    }
  }
  while (out.length < size) {
    const g: Gender = rng.chance(0.53) ? "MALE" : "FEMALE";
    const maxAge = headAge - 20;
    if (maxAge < 0) {
      out.push({ relation: "SIBLING", gender: g, age: Math.max(16, headAge + rng.int(-8, 8)), family, ethnicity });
      continue;
    }
    const age = rng.int(Math.max(0, headAge - 42), maxAge);
    out.push({ relation: g === "MALE" ? "SON" : "DAUGHTER", gender: g, age, family: childFamily, ethnicity });
  }
  return out;
}

export type Condition = "CHRONIC_ILLNESS" | "SERIOUS_ILLNESS" | "DISABLED";
/** The head (or spouse) carries the household's illness or disability cause. */
export function conditionFor(rng: Random, cause: string, index: number): Condition | null {
  if (index !== 0 && !rng.chance(0.15)) return null;
  if (cause === "ILLNESS") return rng.chance(0.85) ? "CHRONIC_ILLNESS" : "SERIOUS_ILLNESS";
  if (cause === "DISABILITY") return "DISABLED";
  return null;
}

export interface MemberInput {
  id: number;
  householdId: number;
  villageCode: string;
  name: string;
  idNumber: string;
  draft: Composed;
  birth: string;
  ethnicity: string;
  attribute: string;
  county: string;
  township: string;
  village: string;
  forceCondition: Condition | null;
}

export function writeMember(rng: Random, push: Push, m: MemberInput): void {
  const { age, gender } = m.draft;
  // schooling
  let education: Member["educationLevel"];
  let schooling: Member["schoolingStatus"];
  let school: string | null = null;
  if (age < 6) {
    schooling = "NOT_OF_SCHOOL_AGE";
    education = age >= 3 && rng.chance(0.8) ? "PRESCHOOL" : "NONE";
  } else if (age <= 15) {
    education = age <= 11 ? "PRIMARY" : age === 12 && rng.chance(0.3) ? "PRIMARY" : "JUNIOR_SECONDARY";
    schooling = rng.chance(0.004) ? "DROPPED_OUT" : "IN_SCHOOL";
    if (schooling === "IN_SCHOOL")
      school =
        education === "PRIMARY"
          ? rng.chance(0.6)
            ? `${m.township}中心小学`
            : `${m.village}小学`
          : `${m.township}中学`;
  } else if (age <= 18 && rng.chance(0.75)) {
    schooling = "IN_SCHOOL";
    education = rng.chance(0.6) ? "SENIOR_SECONDARY" : "VOCATIONAL";
    school =
      education === "SENIOR_SECONDARY"
        ? `${m.county}${rng.pick(["第一", "第二", "第三"])}中学`
        : rng.pick([`${m.county}职业中专学校`, "怀化职业技术学院", "怀化商业学校"]);
  } else if (age >= 18 && age <= 22 && rng.chance(0.3)) {
    schooling = "IN_SCHOOL";
    education = rng.chance(0.6) ? "TERTIARY" : "VOCATIONAL";
    school =
      education === "TERTIARY"
        ? rng.pick(UNIVERSITIES)
        : rng.pick(["怀化职业技术学院", "湖南交通职业技术学院", "长沙民政职业技术学院"]);
  } else {
    education =
      age >= 60
        ? rng.weighted([
            ["NONE", 35],
            ["PRIMARY", 45],
            ["JUNIOR_SECONDARY", 15],
            ["SENIOR_SECONDARY", 5],
          ] as const)
        : age >= 40
          ? rng.weighted([
              ["NONE", 8],
              ["PRIMARY", 35],
              ["JUNIOR_SECONDARY", 45],
              ["SENIOR_SECONDARY", 8],
              ["VOCATIONAL", 4],
            ] as const)
          : rng.weighted([
              ["PRIMARY", 8],
              ["JUNIOR_SECONDARY", 50],
              ["SENIOR_SECONDARY", 15],
              ["VOCATIONAL", 17],
              ["TERTIARY", 10],
            ] as const);
    if (age <= 18 && (education === "TERTIARY" || education === "VOCATIONAL" || education === "SENIOR_SECONDARY"))
      education = "JUNIOR_SECONDARY";
    schooling = education === "NONE" ? "NOT_OF_SCHOOL_AGE" : age <= 18 && rng.chance(0.2) ? "DROPPED_OUT" : "GRADUATED";
  }
  // health
  let health: Member["healthStatus"] = m.forceCondition ?? "HEALTHY";
  if (!m.forceCondition) {
    const r = rng.next();
    const pDisabled = age >= 60 ? 0.065 : 0.03;
    const pSerious = age >= 50 ? 0.018 : 0.006;
    const pChronic = age >= 60 ? 0.1 : age >= 40 ? 0.04 : 0.01;
    if (r < pDisabled) health = "DISABLED";
    else if (r < pDisabled + pSerious) health = "SERIOUS_ILLNESS";
    else if (r < pDisabled + pSerious + pChronic) health = "CHRONIC_ILLNESS";
  }
  const disabilityType =
    health === "DISABLED"
      ? rng.weighted([
          ["PHYSICAL", 45],
          ["VISUAL", 12],
          ["HEARING", 12],
          ["SPEECH", 3],
          ["INTELLECTUAL", 10],
          ["MENTAL", 10],
          ["MULTIPLE", 8],
        ] as const)
      : null;
  const disabilityGrade = disabilityType
    ? rng.weighted([
        [1, 15],
        [2, 25],
        [3, 30],
        [4, 30],
      ] as const)
    : null;
  // labour and employment
  let labour: Member["labourCapacity"];
  let employment: Member["employment"] = "UNEMPLOYED";
  let place: string | null = null;
  let months = 0;
  if (age < 16 || schooling === "IN_SCHOOL" || age > 75) labour = "NOT_OF_WORKING_AGE";
  else if (health === "SERIOUS_ILLNESS" || (disabilityGrade !== null && disabilityGrade <= 2)) labour = "NONE";
  else if (health !== "HEALTHY" || age > 64) labour = "WEAK";
  else labour = "NORMAL";
  if (labour === "NORMAL") {
    employment = rng.weighted([
      ["MIGRANT_OUT_OF_PROVINCE", 35],
      ["MIGRANT_IN_PROVINCE", 15],
      ["LOCAL_WAGE", 15],
      ["FARMING", 22],
      ["SELF_EMPLOYED", 6],
      ["PUBLIC_WELFARE_POST", 3],
      ["UNEMPLOYED", 4],
    ] as const);
  } else if (labour === "WEAK") {
    employment = rng.weighted([
      ["FARMING", 50],
      ["PUBLIC_WELFARE_POST", 20],
      ["LOCAL_WAGE", 12],
      ["UNEMPLOYED", 18],
    ] as const);
  }
  switch (employment) {
    case "MIGRANT_OUT_OF_PROVINCE":
      place = rng.weighted(MIGRANT_PLACES);
      months = rng.weighted([
        [6, 5],
        [8, 10],
        [10, 25],
        [11, 20],
        [12, 40],
      ] as const);
      break;
    case "MIGRANT_IN_PROVINCE":
      place = rng.weighted(IN_PROVINCE_PLACES);
      months = rng.int(6, 12);
      break;
    case "LOCAL_WAGE":
      place = rng.chance(0.5) ? `${m.county}${m.township}` : `${m.county}工业园`;
      months = rng.int(3, 12);
      break;
    case "FARMING":
      months = rng.int(4, 12);
      break;
    case "SELF_EMPLOYED":
      place = m.county;
      months = rng.int(8, 12);
      break;
    case "PUBLIC_WELFARE_POST":
      place = `${m.village}${rng.pick(["保洁员", "护林员", "护路员", "水管员"])}`;
      months = 12;
      break;
  }
  // insurance, medical expense, assistance
  const basic = rng.chance(0.99);
  const serious = basic && rng.chance(0.96);
  const pension = age >= 16 && schooling !== "IN_SCHOOL" && rng.chance(0.92);
  const doctor = rng.chance(health === "HEALTHY" ? 0.65 : 0.95);
  let expense: number;
  if (health === "HEALTHY") expense = rng.chance(0.65) ? 0 : rng.logNormal(300, 1);
  else if (health === "CHRONIC_ILLNESS") expense = rng.logNormal(1500, 0.9);
  else if (health === "SERIOUS_ILLNESS") expense = rng.logNormal(6000, 0.8);
  else expense = rng.logNormal(900, 1);
  const expenseCents = yuan(Math.min(200_000, Math.round(expense)));
  const lowIncome = m.attribute === "LOW_INCOME_ASSURED" && rng.chance(0.95);
  const extreme = m.attribute === "EXTREME_POVERTY_SUPPORTED";
  // The stewards added later (人社, 医保, 残联) derive from the values above and the member's id, drawing
  // nothing from the generator's stream: every value generated before them stays as it was.
  const spread = Math.imul(m.id, 2654435761) >>> 0;
  const severe = disabilityGrade !== null && disabilityGrade <= 2;
  push("members", {
    id: m.id,
    householdId: m.householdId,
    villageCode: m.villageCode,
    name: m.name,
    idNumber: m.idNumber,
    gender,
    birthDate: m.birth,
    relation: m.draft.relation,
    ethnicity: m.ethnicity,
    educationLevel: education,
    schoolingStatus: schooling,
    school,
    healthStatus: health,
    schoolingExemptionEvidence: null,
    disabilityType,
    disabilityGrade,
    hasDisabilityCertificate: disabilityType !== null,
    receivesDisabilityLivingAllowance: disabilityType !== null && (lowIncome || extreme),
    receivesDisabilityNursingAllowance: severe,
    labourCapacity: labour,
    employment,
    employmentPlace: place,
    employmentMonths: months,
    hasVocationalTraining: (labour === "NORMAL" || labour === "WEAK") && spread % 100 < 35,
    hasPublicWelfareJob: employment === "PUBLIC_WELFARE_POST",
    hasBasicMedicalInsurance: basic,
    hasSeriousIllnessInsurance: serious,
    insuranceSubsidyCategory: basic ? (extreme ? "FULL" : lowIncome ? "FIXED" : "FORMERLY_POOR") : null,
    hasPensionInsurance: pension,
    pensionPremiumPaidByGovernment: pension && (lowIncome || extreme || severe),
    hasFamilyDoctorContract: doctor,
    medicalExpenseReimbursed: money(expenseCents * 3),
    medicalExpenseOutOfPocket: money(expenseCents),
    medicalExpenseYear: expenseCents > 0 ? 2023 : null,
    receivesLowIncomeAllowance: lowIncome,
    receivesExtremePovertySupport: extreme,
  });
}
