import type { Context } from "../../context.js";
import { thisYear, today } from "../../shared/dates.js";
import { decodeId } from "../../shared/global-id.js";
import { given, type InputErrors } from "../../shared/input-errors.js";
import type { Row } from "../../writes/engine.js";
import type { StatusEvent } from "../../writes/history.js";
import type { OwnedWrite } from "../../writes/owned-write.js";
import { onlyFrom } from "../../writes/transitions.js";
import { householdTarget, memberTarget } from "../households/household.target.js";
import type { HouseholdRow } from "../households/household.type.js";
import type { MemberRow } from "../households/member.type.js";
import { villageTarget } from "../villages/village.target.js";
import type { VillageRow } from "../villages/village.type.js";
import { SCHOOLING_EXEMPTIONS } from "../../shared/enums.js";
import type {
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

/** Each department writes the fields it stewards: one declaration per write, the engine does the rest. */

export const recordSchooling: OwnedWrite<RecordSchoolingInput, MemberRow> = {
  name: "recordSchooling",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx: Context, input, errors) {
    const { memberId, version, reason, schoolingExemptionEvidence, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    const set = given(fields);
    // An exempt child (送教上门 / 因身体原因) is recorded with what shows it; any other status clears it.
    const evidence = schoolingExemptionEvidence?.trim() || null;
    if (SCHOOLING_EXEMPTIONS.includes(input.schoolingStatus)) {
      if (!evidence) {
        errors.add(
          ["schoolingExemptionEvidence"],
          "REQUIRED",
          "Give the evidence of the exemption (the assessment or decision it rests on).",
        );
      }
      set.schoolingExemptionEvidence = evidence;
    } else {
      if (evidence) {
        errors.add(
          ["schoolingExemptionEvidence"],
          "INCONSISTENT",
          "Evidence goes with an exemption status (HOME_TAUGHT or EXEMPT_FOR_HEALTH) only.",
        );
      }
      set.schoolingExemptionEvidence = null;
    }
    return { id, version, reason, set };
  },
};

const MAX_EXPENSE = 10_000_000;

export const recordHealth: OwnedWrite<RecordHealthInput, MemberRow> = {
  name: "recordHealth",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    const set = given(fields);
    errors.someValue(["healthStatus"], set);
    return { id, version, reason, set };
  },
};

export const recordMedicalInsurance: OwnedWrite<RecordMedicalInsuranceInput, MemberRow> = {
  name: "recordMedicalInsurance",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    for (const key of ["medicalExpenseOutOfPocket", "medicalExpenseReimbursed"] as const) {
      if (input[key] == null) continue;
      errors.range([key], input[key], 0, MAX_EXPENSE, "An amount (yuan)");
      if (input.medicalExpenseYear == null) {
        errors.add(["medicalExpenseYear"], "REQUIRED", "Give the year the amount belongs to.");
      }
    }
    errors.year(["medicalExpenseYear"], input.medicalExpenseYear);
    const set = given(fields);
    errors.someValue(["hasBasicMedicalInsurance"], set);
    return { id, version, reason, set };
  },
};

export const recordEmployment: OwnedWrite<RecordEmploymentInput, MemberRow> = {
  name: "recordEmployment",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    errors.range(["employmentMonths"], input.employmentMonths, 0, 12, "Months worked");
    const set = given(fields);
    errors.someValue(["employment"], set);
    return { id, version, reason, set };
  },
};

export const recordPension: OwnedWrite<RecordPensionInput, MemberRow> = {
  name: "recordPension",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    const set = given(fields);
    errors.someValue(["hasPensionInsurance"], set);
    // 代缴 pays a premium: there is none to pay for a member who is not enrolled.
    if (input.hasPensionInsurance === false) set.pensionPremiumPaidByGovernment = false;
    const check = (_current: Record<string, unknown>, next: Record<string, unknown>) =>
      next.pensionPremiumPaidByGovernment && !next.hasPensionInsurance
        ? {
            invalid: {
              path: ["pensionPremiumPaidByGovernment"],
              code: "INCONSISTENT" as const,
              message: "The government pays the premium of an enrolled member only.",
            },
          }
        : null;
    return { id, version, reason, set, check };
  },
};

export const recordAssistance: OwnedWrite<RecordAssistanceInput, MemberRow> = {
  name: "recordAssistance",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    const set = given(fields);
    errors.someValue(["receivesLowIncomeAllowance"], set);
    return { id, version, reason, set };
  },
};

export const recordDisability: OwnedWrite<RecordDisabilityInput, MemberRow> = {
  name: "recordDisability",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, clearDisability, ...fields } = input;
    const id = decodeId(memberId, "Member");
    errors.reason(reason);
    const set = given(fields);
    if (clearDisability) {
      if (fields.disabilityType != null || fields.disabilityGrade != null) {
        errors.add(["clearDisability"], "INCONSISTENT", "Clear the disability or give one, not both.");
      }
      set.disabilityType = null;
      set.disabilityGrade = null;
    } else if ((fields.disabilityType == null) !== (fields.disabilityGrade == null)) {
      errors.add(
        [fields.disabilityType == null ? "disabilityType" : "disabilityGrade"],
        "REQUIRED",
        "Give a disability's type and grade together.",
      );
    }
    errors.range(["disabilityGrade"], fields.disabilityGrade, 1, 4, "A disability grade");
    errors.someValue(["disabilityType"], set);
    return { id, version, reason, set };
  },
};

export const recordDrinkingWater: OwnedWrite<RecordDrinkingWaterInput, HouseholdRow> = {
  name: "recordDrinkingWater",
  target: householdTarget,
  idOf: (input) => input.householdId,
  prepare(_ctx, input, errors) {
    const { householdId, version, reason, drinkingWaterSafe } = input;
    const id = decodeId(householdId, "Household");
    errors.reason(reason);
    return { id, version, reason, set: { drinkingWaterSafe } };
  },
};

export const recordVillageWater: OwnedWrite<RecordVillageWaterInput, VillageRow> = {
  name: "recordVillageWater",
  target: villageTarget,
  idOf: (input) => input.villageId,
  prepare(_ctx, input, errors) {
    const { villageId, version, reason, ...fields } = input;
    const id = decodeId(villageId, "Village");
    const set = given(fields);
    errors.someValue(["hasTapWater"], set);
    return { id, version, reason: reason?.trim() || null, set };
  },
};

export const recordHousingAssessment: OwnedWrite<RecordHousingAssessmentInput, HouseholdRow> = {
  name: "recordHousingAssessment",
  target: householdTarget,
  idOf: (input) => input.householdId,
  prepare(_ctx, input, errors) {
    const { householdId, version, reason, clearHousingPriority, ...fields } = input;
    const id = decodeId(householdId, "Household");
    errors.reason(reason);
    if (clearHousingPriority && fields.housingPriority != null) {
      errors.add(["clearHousingPriority"], "INCONSISTENT", "Clear the priority category or give one, not both.");
    }
    if (input.housingGrade != null && !input.housingAssessedOn) {
      errors.add(["housingAssessedOn"], "REQUIRED", "Give the date of the assessment with its grade.");
    }
    if (input.housingAssessedOn) errors.date(["housingAssessedOn"], input.housingAssessedOn);
    if (input.housingRenovated && input.housingRenovationYear == null) {
      errors.add(["housingRenovationYear"], "REQUIRED", "Give the year of the renovation.");
    }
    errors.range(["housingRenovationYear"], input.housingRenovationYear, 2000, thisYear(), "A renovation year");
    const set = given(fields);
    if (clearHousingPriority) set.housingPriority = null;
    errors.someValue(["housingGrade"], set);
    return { id, version, reason, set };
  },
};

export const recordVillageRoad: OwnedWrite<RecordVillageRoadInput, VillageRow> = {
  name: "recordVillageRoad",
  target: villageTarget,
  idOf: (input) => input.villageId,
  prepare(_ctx, input, errors) {
    const { villageId, version, reason, ...fields } = input;
    const id = decodeId(villageId, "Village");
    errors.range(["distanceToTownshipKm"], input.distanceToTownshipKm, 0, 500, "A distance (km)");
    const set = given(fields);
    errors.someValue(["hasHardenedRoad"], set);
    return { id, version, reason: reason?.trim() || null, set };
  },
};

/** Where monitoring is decided instead: the case workflow (what a refused old action points to). */
export const MONITORING_BY_CASE =
  "Monitoring is not a poverty status: a household is placed under monitoring only by its monitoring case's county confirmation (openMonitoringCase → verifyCase → noticeCase → reviewCase → confirmCase), and its risk ended by eliminateRisk on that case.";

/**
 * The poverty-status changes of 动态管理: which statuses an action starts from. Monitoring is not
 * among them: a household is placed under monitoring, and its risk eliminated, only by a monitoring
 * case (county confirmation, risk elimination), never by a status change.
 */
const TRANSITIONS = {
  EXIT: { from: ["POOR", "RETURNED", "NEWLY_POOR"] },
  RETURN_TO_POVERTY: { from: ["EXITED", "NOT_POOR"] },
} as const;

/** Whether a household had been registered poor (建档立卡): the poverty status alone says it. */
export const registeredPoorBefore = (row: Row): boolean => row.status !== "NOT_POOR";

/**
 * Where a transition leads from the row as it stands: exiting leads to 已脱贫; falling into poverty
 * is 返贫 (RETURNED) for a household that had exited, 致贫 (NEWLY_POOR, counted apart) for one never
 * registered poor. Monitoring status and type are left as they are.
 */
function destination(action: keyof typeof TRANSITIONS, row: Row): { status: string; event: StatusEvent["kind"] } {
  if (action === "EXIT") return { status: "EXITED", event: "EXITED" };
  return registeredPoorBefore(row)
    ? { status: "RETURNED", event: "RETURNED_TO_POVERTY" }
    : { status: "NEWLY_POOR", event: "BECAME_POOR" };
}

export const changeHouseholdStatus: OwnedWrite<ChangeHouseholdStatusInput, HouseholdRow> = {
  name: "changeHouseholdStatus",
  target: householdTarget,
  idOf: (input) => input.householdId,
  prepare(_ctx, input, errors: InputErrors) {
    const id = decodeId(input.householdId, "Household");
    errors.reason(input.reason);
    const occurredOn = input.occurredOn ?? today();
    errors.date(["occurredOn"], occurredOn);
    if (!(input.action in TRANSITIONS)) {
      // The deprecated monitoring actions: refused as input, pointing at the case workflow.
      errors.add(["action"], "INVALID_TRANSITION", MONITORING_BY_CASE);
      return { id, version: input.version, reason: input.reason, set: { status: null } };
    }
    const action = input.action as keyof typeof TRANSITIONS;
    const set: Record<string, unknown> = { status: action === "EXIT" ? "EXITED" : "RETURNED" };
    if (action === "EXIT") set.exitedYear = Number(occurredOn.slice(0, 4));
    return {
      id,
      version: input.version,
      reason: input.reason,
      set,
      derive: (current) => ({ status: destination(action, current).status }),
      event: (before) => ({ kind: destination(action, before).event, occurredOn }),
      check: onlyFrom(
        TRANSITIONS[action].from,
        (status) => `A ${status} household cannot ${input.action.toLowerCase().replaceAll("_", " ")}`,
      ),
    };
  },
};
