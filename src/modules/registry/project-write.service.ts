import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import { thisYear } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { InputErrors, MAX_AMOUNT } from "../../shared/input-errors.js";
import { create } from "../../writes/create.js";
import { write, type Effect, type Problem, type Row } from "../../writes/engine.js";
import type { WriteOutcome } from "../../writes/write.type.js";
import { projectTarget } from "../projects/project.target.js";
import type { ProjectRow } from "../projects/project.type.js";
import { villageById } from "../villages/village.loader.js";
import type { CreateProjectInput, ProjectFundInput, UpdateProjectInput } from "./project-write.input.js";
import {
  changeBeneficiaries,
  existingAgencyIds,
  insertProject,
  projectCodeTaken,
  replaceFunds,
} from "./project-write.repository.js";
import { findExistingRegionCodes, findHouseholdIdsInScope } from "./registry.repository.js";

const STATUS_ORDER = ["PLANNED", "APPROVED", "IN_PROGRESS", "COMPLETED", "ACCEPTED"];

/** Each source once, each amount above 0 and below the ceiling. */
function validFunds(funds: ProjectFundInput[], errors: InputErrors) {
  const seen = new Set<string>();
  funds.forEach((fund, i) => {
    if (seen.has(fund.source)) errors.add(["funds", i, "source"], "DUPLICATE", "Give each source of funds once.");
    seen.add(fund.source);
    if (!(fund.amount > 0) || fund.amount > MAX_AMOUNT) {
      errors.add(["funds", i, "amount"], "OUT_OF_RANGE", "An amount is more than 0 and at most 10,000,000,000 yuan.");
    }
  });
  return funds.map((f) => ({ source: f.source, amount: f.amount }));
}

/** Households by global id: every one must exist in scope, as for any id the principal names. */
async function householdsInScope(ctx: Context, ids: string[]): Promise<number[]> {
  const rowIds = [...new Set(ids.map((id) => decodeId(id, "Household")))];
  const found = await findHouseholdIdsInScope(ctx, rowIds);
  if (rowIds.some((id) => !found.has(id))) throw new ForbiddenError("No such Household in your scope.");
  return rowIds;
}

async function agenciesExist(ctx: Context, ids: string[]): Promise<number[]> {
  const rowIds = [...new Set(ids.map((id) => decodeId(id, "Agency")))];
  const found = await existingAgencyIds(ctx, rowIds);
  if (rowIds.some((id) => !found.has(id))) throw new ForbiddenError("No such Agency in your scope.");
  return rowIds;
}

/** Dates and status that only make sense together: in progress has a start, done has an end. */
function datesAgree(p: Row): Problem | null {
  const status = STATUS_ORDER.indexOf(p.status as string);
  if (p.startDate && p.endDate && (p.endDate as string) < (p.startDate as string)) {
    return { invalid: { path: ["endDate"], code: "INCONSISTENT", message: "A project cannot end before it starts." } };
  }
  if (status >= 2 && !p.startDate) {
    return {
      invalid: { path: ["startDate"], code: "REQUIRED", message: "A project in progress or done has a start date." },
    };
  }
  if (status >= 3 && !p.endDate) {
    return { invalid: { path: ["endDate"], code: "REQUIRED", message: "A completed project has a completion date." } };
  }
  return null;
}

export async function createProject(ctx: Context, input: CreateProjectInput): Promise<WriteOutcome<ProjectRow>> {
  assertWrites(ctx.access, "Project", [
    "code",
    "name",
    "category",
    "regionCode",
    "village",
    "year",
    "status",
    "leadAgency",
    "coAgencies",
    "startDate",
    "endDate",
    "noticePublishedOn",
    "noticePlace",
    "funds",
  ]);
  if (input.beneficiaryIds?.length) assertWrites(ctx.access, "Project", ["beneficiaries"]);
  const errors = new InputErrors();
  errors.required(["code"], input.code, "the project code");
  errors.required(["name"], input.name, "the project name");
  if (input.code?.trim() && (await projectCodeTaken(ctx, input.code.trim()))) {
    errors.add(["code"], "DUPLICATE", "This project code is already used.");
  }
  let villageId: number | null = null;
  let regionCode = input.regionCode ?? null;
  if (input.villageId) {
    villageId = decodeId(input.villageId, "Village");
    const village = await villageById(ctx).load(villageId);
    if (!village) throw new ForbiddenError("No such Village in your scope.");
    if (regionCode && regionCode !== village.code) {
      errors.add(["regionCode"], "INCONSISTENT", "A village's project serves the village's own code.");
    }
    regionCode = village.code;
  } else if (!regionCode) {
    errors.add(["regionCode"], "REQUIRED", "Give the village or the region the project serves.");
  } else if (!/^[0-9]{12}$/.test(regionCode)) {
    errors.add(["regionCode"], "UNKNOWN_REGION", "A region code is 12 digits.");
  } else {
    if (!ctx.access.inScope(regionCode)) throw new ForbiddenError("No such Region in your scope.");
    if (!(await findExistingRegionCodes(ctx, [regionCode])).has(regionCode)) {
      errors.add(["regionCode"], "UNKNOWN_REGION", `There is no region ${regionCode}.`);
    }
  }
  errors.range(["year"], input.year, 2013, thisYear() + 1, "A project's year");
  errors.date(["startDate"], input.startDate, false);
  errors.date(["endDate"], input.endDate);
  errors.date(["noticePublishedOn"], input.noticePublishedOn);
  const status = input.status ?? "PLANNED";
  const problem = datesAgree({ status, startDate: input.startDate, endDate: input.endDate });
  if (problem && "invalid" in problem) errors.add(problem.invalid.path, problem.invalid.code, problem.invalid.message);
  const funds = validFunds(input.funds, errors);
  const [leadAgencyId] = await agenciesExist(ctx, [input.leadAgencyId]);
  const coAgencyIds = (await agenciesExist(ctx, input.coAgencyIds ?? [])).filter((id) => id !== leadAgencyId);
  const beneficiaryIds = await householdsInScope(ctx, input.beneficiaryIds ?? []);
  const project = {
    code: input.code.trim(),
    name: input.name.trim(),
    category: input.category as "ROAD",
    regionCode: regionCode!,
    villageId,
    year: input.year,
    status: status as "PLANNED",
    leadAgencyId: leadAgencyId!,
    startDate: input.startDate ?? null,
    endDate: input.endDate ?? null,
    noticePublishedOn: input.noticePublishedOn ?? null,
    noticePlace: input.noticePlace ?? null,
  };
  const duplicateCode = { path: ["code"], message: "This project code is already used." };
  return create(
    ctx,
    projectTarget,
    { insert: insertProject(project, { coAgencyIds, funds, beneficiaryIds }), duplicates: {}, fallback: duplicateCode },
    errors,
  );
}

export async function updateProject(ctx: Context, input: UpdateProjectInput): Promise<WriteOutcome<ProjectRow>> {
  const id = decodeId(input.projectId, "Project");
  const set = Object.fromEntries(
    (["name", "status", "startDate", "endDate", "noticePublishedOn", "noticePlace"] as const)
      .filter((key) => input[key] != null)
      .map((key) => [key, key === "name" ? input.name!.trim() : input[key]]),
  );
  const adding = input.addBeneficiaryIds ?? [];
  const removing = input.removeBeneficiaryIds ?? [];
  // Ownership first, before any lookup: the fields written are known from the input already.
  assertWrites(ctx.access, "Project", [
    ...Object.keys(set),
    ...(input.funds ? ["funds"] : []),
    ...(adding.length || removing.length ? ["beneficiaries"] : []),
  ]);
  const errors = new InputErrors();
  if (input.name != null) errors.required(["name"], input.name, "the project name");
  errors.date(["startDate"], input.startDate, false);
  errors.date(["endDate"], input.endDate);
  errors.date(["noticePublishedOn"], input.noticePublishedOn);
  const funds = input.funds ? validFunds(input.funds, errors) : null;
  const effects: Effect[] = [];
  if (funds) effects.push(replaceFunds(funds));
  if (adding.length || removing.length) {
    const addBeneficiaryIds = await householdsInScope(ctx, adding);
    const removeBeneficiaryIds = await householdsInScope(ctx, removing);
    if (addBeneficiaryIds.some((h) => removeBeneficiaryIds.includes(h))) {
      errors.add(["removeBeneficiaryIds"], "INCONSISTENT", "Do not add and remove the same household.");
    }
    effects.push(changeBeneficiaries(addBeneficiaryIds, removeBeneficiaryIds));
  }
  if (!Object.keys(set).length && !effects.length)
    errors.add(["name"], "REQUIRED", "Give at least one value to change.");
  const record = {
    id,
    version: input.version,
    reason: null,
    set,
    effects,
    check: (current: Row, merged: Row): Problem | null => {
      if (STATUS_ORDER.indexOf(merged.status as string) < STATUS_ORDER.indexOf(current.status as string)) {
        return {
          invalid: {
            path: ["status"],
            code: "INVALID_TRANSITION",
            message: `A project moves forward only: it is ${String(current.status)} already.`,
          },
        };
      }
      return datesAgree(merged);
    },
  };
  return write(ctx, projectTarget, record, errors);
}
