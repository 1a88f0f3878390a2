import { writeResolvers } from "../../writes/owned-write.js";
import { HouseholdWriteResult, MemberWriteResult } from "../households/household.target.js";
import { VillageWriteResult } from "../villages/village.target.js";
import {
  ChangeHouseholdStatusInput,
  RecordAssistanceInput,
  RecordDisabilityInput,
  RecordDrinkingWaterInput,
  RecordEmploymentInput,
  RecordHealthInput,
  RecordHousingAssessmentInput,
  RecordMedicalInsuranceInput,
  RecordPensionInput,
  RecordSchoolingInput,
  RecordVillageRoadInput,
  RecordVillageWaterInput,
} from "./stewardship.input.js";
import {
  changeHouseholdStatus,
  recordAssistance,
  recordDisability,
  recordDrinkingWater,
  recordEmployment,
  recordHealth,
  recordHousingAssessment,
  recordMedicalInsurance,
  recordPension,
  recordSchooling,
  recordVillageRoad,
  recordVillageWater,
} from "./stewardship.service.js";

/** Each department writes the fields it stewards, named for what its officers do; each has a batch form. */
export const stewardshipResolvers = [
  ...writeResolvers({
    write: recordSchooling,
    input: RecordSchoolingInput,
    result: MemberWriteResult,
    description: "Education: record a member's schooling (enrolled, dropped out, returned).",
    batch: {
      what: "schooling records",
      description: "Education, for integrators: many schooling records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordHealth,
    input: RecordHealthInput,
    result: MemberWriteResult,
    description: "Health: record a member's health status or family-doctor contract.",
    batch: { what: "health records", description: "Health, for integrators: many health records in one call." },
  }),
  ...writeResolvers({
    write: recordMedicalInsurance,
    input: RecordMedicalInsuranceInput,
    result: MemberWriteResult,
    description:
      "Medical insurance: record insurance enrolment, the premium subsidy, reimbursement or out-of-pocket expense.",
    batch: {
      what: "medical insurance records",
      description: "Medical insurance, for integrators: many insurance records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordEmployment,
    input: RecordEmploymentInput,
    result: MemberWriteResult,
    description: "Human resources: record a member's employment, training or public-welfare job.",
    batch: {
      what: "employment records",
      description: "Human resources, for integrators: many employment records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordPension,
    input: RecordPensionInput,
    result: MemberWriteResult,
    description: "Human resources: record a member's pension insurance and premium paid by the government (代缴).",
    batch: {
      what: "pension records",
      description: "Human resources, for integrators: many pension records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordDisability,
    input: RecordDisabilityInput,
    result: MemberWriteResult,
    description: "Disabled persons' federation: record a disability, its certificate or the two disability allowances.",
    batch: {
      what: "disability records",
      description: "Disabled persons' federation, for integrators: many disability records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordDrinkingWater,
    input: RecordDrinkingWaterInput,
    result: HouseholdWriteResult,
    description: "Water resources: record whether a household's drinking water is safe.",
    batch: {
      what: "drinking-water records",
      description: "Water resources, for integrators: many household drinking-water records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordVillageWater,
    input: RecordVillageWaterInput,
    result: VillageWriteResult,
    description: "Water resources: record a village's tap water and drinking-water safety.",
    batch: {
      what: "village water records",
      description: "Water resources, for integrators: many village water records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordAssistance,
    input: RecordAssistanceInput,
    result: MemberWriteResult,
    description: "Civil affairs: record 低保 / 特困 assistance.",
    batch: {
      what: "assistance records",
      description: "Civil affairs, for integrators: many assistance records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordHousingAssessment,
    input: RecordHousingAssessmentInput,
    result: HouseholdWriteResult,
    description: "Housing: record a house assessment (grade A–D), a renovation or the priority category.",
    batch: {
      what: "housing assessments",
      description: "Housing, for integrators: many house assessments in one call.",
    },
  }),
  ...writeResolvers({
    write: recordVillageRoad,
    input: RecordVillageRoadInput,
    result: VillageWriteResult,
    description: "Transport: record a village's road and bus service.",
    batch: {
      what: "village road records",
      description: "Transport, for integrators: many village road records in one call.",
    },
  }),
  ...writeResolvers({
    write: changeHouseholdStatus,
    input: ChangeHouseholdStatusInput,
    result: HouseholdWriteResult,
    description:
      "Registry owner: record a poverty-status change (exit; a fall into poverty, 返贫 or 致贫). Monitoring is not one: it goes through a monitoring case.",
    batch: {
      what: "status changes",
      description: "Registry owner, for integrators: many status changes in one call.",
    },
  }),
];
