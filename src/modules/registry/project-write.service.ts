import type { Context } from "../../context.js";
import { thisYear } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { projectById } from "../projects/project.loader.js";
import type { ProjectRow } from "../projects/project.type.js";
import { assertOwns } from "../stewardship/stewardship.service.js";
import type { WriteOutcome } from "../stewardship/stewardship.type.js";
import { villageById } from "../villages/village.loader.js";
import type { CreateProjectInput, ProjectFundInput, UpdateProjectInput } from "./project-write.input.js";
import { existingAgencyIds, insertProject, projectCodeTaken, updateProjectRow } from "./project-write.repository.js";
import { findExistingRegionCodes, findHouseholdIdsInScope } from "./registry.repository.js";
import { fromTxState, InputErrors, invalid, MAX_AMOUNT, uniqueViolation } from "./registry.validation.js";
import { applied } from "../stewardship/write-outcome.js";

const STATUS_ORDER = ["PLANNED", "APPROVED", "IN_PROGRESS", "COMPLETED", "ACCEPTED"];

function reloadProject(ctx: Context, id: number) {
  projectById(ctx).clear(id);
  return projectById(ctx).load(id);
}

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
function datesAgree(p: Record<string, unknown>) {
  const status = STATUS_ORDER.indexOf(p.status as string);
  if (p.startDate && p.endDate && (p.endDate as string) < (p.startDate as string)) {
    return { field: "endDate", code: "INCONSISTENT", message: "A project cannot end before it starts." };
  }
  if (status >= 2 && !p.startDate) {
    return { field: "startDate", code: "REQUIRED", message: "A project in progress or done has a start date." };
  }
  if (status >= 3 && !p.endDate) {
    return { field: "endDate", code: "REQUIRED", message: "A completed project has a completion date." };
  }
  return null;
}

export async function createProject(ctx: Context, input: CreateProjectInput): Promise<WriteOutcome<ProjectRow>> {
  assertOwns(ctx, "Project", [
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
  if (input.beneficiaryIds?.length) assertOwns(ctx, "Project", ["beneficiaries"]);
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
  if (problem) errors.add([problem.field], problem.code, problem.message);
  const funds = validFunds(input.funds, errors);
  const [leadAgencyId] = await agenciesExist(ctx, [input.leadAgencyId]);
  const coAgencyIds = (await agenciesExist(ctx, input.coAgencyIds ?? [])).filter((id) => id !== leadAgencyId);
  const beneficiaryIds = await householdsInScope(ctx, input.beneficiaryIds ?? []);
  if (errors.any) return invalid(errors);
  try {
    const id = await insertProject(
      ctx,
      {
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
      },
      { coAgencyIds, funds, beneficiaryIds },
    );
    return applied(await reloadProject(ctx, id));
  } catch (error) {
    if (uniqueViolation(error) === null) throw error;
    errors.add(["code"], "DUPLICATE", "This project code is already used.");
    return invalid(errors);
  }
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
  assertOwns(ctx, "Project", [...Object.keys(set), ...(input.funds ? ["funds"] : [])]);
  if (adding.length || removing.length) assertOwns(ctx, "Project", ["beneficiaries"]);
  const errors = new InputErrors();
  if (input.name != null) errors.required(["name"], input.name, "the project name");
  errors.date(["startDate"], input.startDate, false);
  errors.date(["endDate"], input.endDate);
  errors.date(["noticePublishedOn"], input.noticePublishedOn);
  const funds = input.funds ? validFunds(input.funds, errors) : null;
  const addBeneficiaryIds = await householdsInScope(ctx, adding);
  const removeBeneficiaryIds = await householdsInScope(ctx, removing);
  if (addBeneficiaryIds.some((h) => removeBeneficiaryIds.includes(h))) {
    errors.add(["removeBeneficiaryIds"], "INCONSISTENT", "Do not add and remove the same household.");
  }
  if (!Object.keys(set).length && !funds && !adding.length && !removing.length) {
    errors.add(["name"], "REQUIRED", "Give at least one value to change.");
  }
  if (errors.any) return invalid(errors);
  const state = await updateProjectRow(ctx, id, input.version, {
    set,
    funds,
    addBeneficiaryIds,
    removeBeneficiaryIds,
    check: (current, merged) => {
      if (STATUS_ORDER.indexOf(merged.status as string) < STATUS_ORDER.indexOf(current.status as string)) {
        return {
          field: "status",
          code: "INVALID_TRANSITION",
          message: `A project moves forward only: it is ${String(current.status)} already.`,
        };
      }
      return datesAgree(merged);
    },
  });
  return fromTxState(state, { type: "Project", version: input.version }, () => reloadProject(ctx, id), errors);
}
