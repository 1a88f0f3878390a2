import { writeResolvers } from "../../writes/owned-write.js";
import { HouseholdWriteResult, MemberWriteResult } from "../households/household.target.js";
import { VillageWriteResult } from "../villages/village.target.js";
import {
  ChangeHouseholdStatusInput,
  RecordAssistanceInput,
  RecordHealthInput,
  RecordHousingAssessmentInput,
  RecordSchoolingInput,
  RecordVillageRoadInput,
} from "./stewardship.input.js";
import {
  changeHouseholdStatus,
  recordAssistance,
  recordHealth,
  recordHousingAssessment,
  recordSchooling,
  recordVillageRoad,
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
    description: "Health: record insurance enrolment, health status, family-doctor contract or medical expense.",
    batch: { what: "health records", description: "Health, for integrators: many health records in one call." },
  }),
  ...writeResolvers({
    write: recordAssistance,
    input: RecordAssistanceInput,
    result: MemberWriteResult,
    description: "Civil affairs: record 低保 / 特困 assistance or a disability.",
    batch: {
      what: "assistance records",
      description: "Civil affairs, for integrators: many assistance records in one call.",
    },
  }),
  ...writeResolvers({
    write: recordHousingAssessment,
    input: RecordHousingAssessmentInput,
    result: HouseholdWriteResult,
    description: "Housing: record a house assessment (grade A–D) or a renovation.",
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
    description: "Registry owner: record a status change (exit, monitoring, return to poverty, risk eliminated).",
    batch: {
      what: "status changes",
      description: "Registry owner, for integrators: many status changes in one call.",
    },
  }),
];
