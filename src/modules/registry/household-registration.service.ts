import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import { thisYear, today } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { given, InputErrors, type Path } from "../../shared/input-errors.js";
import { validateMemberIdentity } from "../../shared/member-identity.js";
import { create, duplicate, type Creation } from "../../writes/create.js";
import { write } from "../../writes/engine.js";
import type { OwnedWrite } from "../../writes/owned-write.js";
import type { WriteOutcome } from "../../writes/write.type.js";
import { householdTarget, memberTarget } from "../households/household.target.js";
import type { HouseholdRow } from "../households/household.type.js";
import type { MemberRow } from "../households/member.type.js";
import type {
  AssignHelperInput,
  NewMemberInput,
  RecordLabourInput,
  RegisterHouseholdInput,
  RegisterMemberInput,
} from "./household-registration.input.js";
import {
  addMember,
  findCadre,
  householdNumberTaken,
  insertHousehold,
  registeredIdNumbers,
  replaceHelper,
} from "./household-registration.repository.js";
import { findVillageIdByCode } from "./registry.repository.js";

const HOUSEHOLD_FIELDS = [
  "villageCode",
  "householdNumber",
  "address",
  "attribute",
  "status",
  "identifiedYear",
  "primaryCause",
  "otherCauses",
];
const MEMBER_FIELDS = ["name", "idNumber", "gender", "birthDate", "relation", "ethnicity", "labourCapacity"];

/** A village named by code: out of scope is FORBIDDEN (as if it did not exist), unknown is an input error. */
export async function villageInScope(ctx: Context, code: string, path: Path, errors: InputErrors) {
  if (!/^[0-9]{12}$/.test(code)) {
    errors.add(path, "UNKNOWN_REGION", "A village code is 12 digits.");
    return null;
  }
  if (!ctx.access.inScope(code)) throw new ForbiddenError("No such Village in your scope.");
  const id = await findVillageIdByCode(ctx, code);
  if (id === null) errors.add(path, "UNKNOWN_REGION", `There is no village ${code}.`);
  return id;
}

/**
 * A member's own checks: identity number (GB 11643) consistent with birth date and gender, a birth
 * date not in the future, employment months 0–12. Stewarded columns start neutral until their
 * steward records them: education level NONE, schooling by age (6–15 presumed in school), HEALTHY.
 */
function newMember(member: NewMemberInput, path: Path, errors: InputErrors) {
  errors.required([...path, "name"], member.name, "the member's name");
  if (errors.date([...path, "birthDate"], member.birthDate)) validateMemberIdentity(member, errors, path);
  const age = Number(today().slice(0, 4)) - Number(member.birthDate.slice(0, 4));
  return {
    name: member.name.trim(),
    idNumber: member.idNumber,
    gender: member.gender as "MALE",
    birthDate: member.birthDate,
    relation: member.relation as "HEAD",
    ethnicity: member.ethnicity?.trim() || "汉族",
    labourCapacity: member.labourCapacity as "NORMAL",
    // Employment is human resources' to record (recordEmployment): a new member starts without it.
    employment: "UNEMPLOYED" as const,
    employmentPlace: null,
    employmentMonths: 0,
    educationLevel: "NONE" as const,
    schoolingStatus: age >= 6 && age <= 15 ? ("IN_SCHOOL" as const) : ("NOT_OF_SCHOOL_AGE" as const),
    healthStatus: "HEALTHY" as const,
  };
}

/** Identity numbers are unique: twice in the input, or already registered, is DUPLICATE at each place. */
async function uniqueIdNumbers(ctx: Context, people: { idNumber: string; path: Path }[], errors: InputErrors) {
  const registered = await registeredIdNumbers(
    ctx,
    people.map((p) => p.idNumber),
  );
  const seen = new Set<string>();
  for (const { idNumber, path } of people) {
    if (registered.has(idNumber))
      errors.add([...path, "idNumber"], "DUPLICATE", "This identity number is already registered.");
    else if (seen.has(idNumber)) errors.add([...path, "idNumber"], "DUPLICATE", "This identity number is given twice.");
    seen.add(idNumber);
  }
}

/** Unique keys a concurrent registration may take first, as the input problem each one is. */
function duplicates(memberPath: Path): Pick<Creation, "duplicates" | "fallback"> {
  return {
    duplicates: {
      households_household_number_unique: {
        path: ["householdNumber"],
        message: "This household number is already registered.",
      },
      members_id_number_unique: {
        path: [...memberPath, "idNumber"],
        message: "An identity number is already registered.",
      },
      members_one_head: { path: [...memberPath, "relation"], message: "The household already has a head." },
    },
    fallback: { path: memberPath, message: "A value that must be unique is already registered." },
  };
}

export async function registerHousehold(
  ctx: Context,
  input: RegisterHouseholdInput,
): Promise<WriteOutcome<HouseholdRow>> {
  assertWrites(ctx.access, "Household", HOUSEHOLD_FIELDS);
  assertWrites(ctx.access, "Member", MEMBER_FIELDS);
  const errors = new InputErrors();
  await villageInScope(ctx, input.villageCode, ["villageCode"], errors);
  if (!/^[0-9]{16,18}$/.test(input.householdNumber)) {
    errors.add(
      ["householdNumber"],
      "INVALID_FORMAT",
      "A household number is the village code followed by 4 to 6 digits.",
    );
  } else if (!input.householdNumber.startsWith(input.villageCode)) {
    errors.add(["householdNumber"], "INCONSISTENT", "A household number starts with its village's code.");
  } else if (await householdNumberTaken(ctx, input.householdNumber)) {
    errors.add(["householdNumber"], "DUPLICATE", "This household number is already registered.");
  }
  errors.required(["address"], input.address, "the address");
  errors.required(["reason"], input.reason, "the reason: it goes into the history");
  const otherCauses = [...new Set(input.otherCauses ?? [])];
  if (otherCauses.includes(input.primaryCause)) {
    errors.add(["otherCauses"], "INCONSISTENT", "List the primary cause once, as the primary cause.");
  }
  const identifiedOn = input.identifiedOn ?? today();
  const dateOk = errors.date(["identifiedOn"], identifiedOn);
  const identifiedYear = input.identifiedYear ?? Number(identifiedOn.slice(0, 4));
  errors.year(["identifiedYear"], identifiedYear);
  if (dateOk && input.identifiedYear != null && identifiedOn.slice(0, 4) !== String(input.identifiedYear)) {
    errors.add(["identifiedOn"], "INCONSISTENT", "The date of identification is not in the year of identification.");
  }
  if (!input.members.length) errors.add(["members"], "REQUIRED", "Register at least the head of the household.");
  const heads = input.members.flatMap((m, i) => (m.relation === "HEAD" ? [i] : []));
  if (input.members.length && !heads.length)
    errors.add(["members"], "REQUIRED", "Say which member is the head (HEAD).");
  for (const i of heads.slice(1)) errors.add(["members", i, "relation"], "INCONSISTENT", "A household has one head.");
  const people = input.members.map((m, i) => newMember(m, ["members", i], errors));
  await uniqueIdNumbers(
    ctx,
    input.members.map((m, i) => ({ idNumber: m.idNumber, path: ["members", i] })),
    errors,
  );
  const status = input.status ?? "POOR";
  if (status !== "POOR" && status !== "NOT_POOR") {
    errors.add(
      ["status"],
      "INCONSISTENT",
      "A household is registered POOR (建档立卡) or NOT_POOR; other statuses come from status changes.",
    );
  }
  const household = {
    householdNumber: input.householdNumber,
    villageCode: input.villageCode,
    address: input.address.trim(),
    attribute: input.attribute as "GENERAL",
    status: status as "POOR",
    identifiedYear,
    primaryCause: input.primaryCause as "ILLNESS",
    otherCauses: otherCauses as "ILLNESS"[],
  };
  return create(
    ctx,
    householdTarget,
    { insert: insertHousehold(household, people, identifiedOn, input.reason.trim()), ...duplicates(["members"]) },
    errors,
  );
}

export async function registerMember(ctx: Context, input: RegisterMemberInput): Promise<WriteOutcome<HouseholdRow>> {
  const id = decodeId(input.householdId, "Household");
  assertWrites(ctx.access, "Member", MEMBER_FIELDS);
  const errors = new InputErrors();
  errors.required(["reason"], input.reason, "the reason: it goes into the history");
  const member = newMember(input.member, ["member"], errors);
  await uniqueIdNumbers(ctx, [{ idNumber: input.member.idNumber, path: ["member"] }], errors);
  const record = { id, version: input.version, reason: input.reason.trim(), effects: [addMember(member)] };
  try {
    return await write(ctx, householdTarget, record, errors);
  } catch (error) {
    return duplicate(error, duplicates(["member"]), errors);
  }
}

/** The registry owner records a member's labour capacity (human resources records employment). */
export const recordLabour: OwnedWrite<RecordLabourInput, MemberRow> = {
  name: "recordLabour",
  target: memberTarget,
  idOf: (input) => input.memberId,
  prepare(_ctx, input, errors) {
    const { memberId, version, reason, ...fields } = input;
    const id = decodeId(memberId, "Member");
    const set = given(fields);
    errors.required(["reason"], reason, "the reason: it goes into the history");
    return { id, version, reason: reason.trim(), set };
  },
};

export async function assignHelper(ctx: Context, input: AssignHelperInput): Promise<WriteOutcome<HouseholdRow>> {
  const id = decodeId(input.householdId, "Household");
  const cadreId = decodeId(input.cadreId, "Cadre");
  assertWrites(ctx.access, "Household", ["helper"]);
  const errors = new InputErrors();
  errors.required(["reason"], input.reason, "the reason: it goes into the history");
  const startedOn = input.startedOn ?? today();
  errors.date(["startedOn"], startedOn);
  if (startedOn.slice(0, 4) < "2013")
    errors.add(["startedOn"], "OUT_OF_RANGE", `A helper starts between 2013 and ${thisYear()}.`);
  const cadre = await findCadre(ctx, cadreId);
  if (!cadre) throw new ForbiddenError("No such Cadre in your scope.");
  const record = {
    id,
    version: input.version,
    reason: input.reason.trim(),
    effects: [replaceHelper(cadre, startedOn)],
  };
  return write(ctx, householdTarget, record, errors);
}
