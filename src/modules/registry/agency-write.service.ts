import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import { today } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { InputErrors } from "../../shared/input-errors.js";
import { create, duplicate } from "../../writes/create.js";
import { write } from "../../writes/engine.js";
import type { WriteOutcome } from "../../writes/write.type.js";
import { agencyTarget } from "../agencies/agency.target.js";
import type { AgencyRow } from "../agencies/agency.type.js";
import { villageTarget } from "../villages/village.target.js";
import type { VillageRow } from "../villages/village.type.js";
import type {
  AssignAgencyToVillageInput,
  AssignVillageCadreInput,
  CreateAgencyInput,
  UpdateAgencyInput,
} from "./agency-write.input.js";
import { agencyNameTaken, insertAgency, pairAgency, postCadre } from "./agency-write.repository.js";
import { findCadre } from "./household-registration.repository.js";
import { existingAgencyIds } from "./project-write.repository.js";
import { findExistingRegionCodes } from "./registry.repository.js";

/**
 * An agency's region: one that exists, in the officer's scope. Agencies are read by everyone, but a
 * county officer keeps only its own county's; central and out-of-area ones (no region) are the city's.
 */
async function agencyRegion(ctx: Context, code: string | null | undefined, errors: InputErrors) {
  if (code == null) {
    if (ctx.access.principal.region) throw new ForbiddenError("No such Region in your scope.");
    return;
  }
  if (!/^[0-9]{12}$/.test(code)) return errors.add(["regionCode"], "UNKNOWN_REGION", "A region code is 12 digits.");
  if (!ctx.access.inScope(code)) throw new ForbiddenError("No such Region in your scope.");
  if (!(await findExistingRegionCodes(ctx, [code])).has(code)) {
    errors.add(["regionCode"], "UNKNOWN_REGION", `There is no region ${code}.`);
  }
}

const DUPLICATE_NAME = "Another agency already has this name.";
const duplicateName = { duplicates: {}, fallback: { path: ["name"], message: DUPLICATE_NAME } };

export async function createAgency(ctx: Context, input: CreateAgencyInput): Promise<WriteOutcome<AgencyRow>> {
  assertWrites(ctx.access, "Agency", ["name", "kind", "level", "regionCode"]);
  const errors = new InputErrors();
  errors.required(["name"], input.name, "the agency's name");
  await agencyRegion(ctx, input.regionCode, errors);
  if (input.name?.trim() && (await agencyNameTaken(ctx, input.name.trim()))) {
    errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
  }
  const agency = {
    name: input.name.trim(),
    kind: input.kind as "UNIVERSITY",
    level: input.level as "CITY",
    regionCode: input.regionCode ?? null,
  };
  return create(ctx, agencyTarget, { insert: insertAgency(agency), ...duplicateName }, errors);
}

export async function updateAgency(ctx: Context, input: UpdateAgencyInput): Promise<WriteOutcome<AgencyRow>> {
  const id = decodeId(input.agencyId, "Agency");
  const changes = Object.fromEntries(
    (["name", "kind", "level", "regionCode"] as const)
      .filter((key) => input[key] != null)
      .map((key) => [key, key === "name" ? input.name!.trim() : input[key]]),
  );
  assertWrites(ctx.access, "Agency", Object.keys(changes));
  const errors = new InputErrors();
  if (input.name != null) {
    errors.required(["name"], input.name, "the agency's name");
    if (input.name.trim() && (await agencyNameTaken(ctx, input.name.trim(), id))) {
      errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
    }
  }
  if (input.regionCode != null) await agencyRegion(ctx, input.regionCode, errors);
  errors.someValue(["name"], changes, "change");
  try {
    return await write(ctx, agencyTarget, { id, version: input.version, reason: null, set: changes }, errors);
  } catch (error) {
    return duplicate(error, duplicateName, errors);
  }
}

function startDate(value: string | null | undefined, errors: InputErrors) {
  const date = value ?? today();
  errors.date(["startedOn"], date);
  return date;
}

export async function assignVillageCadre(
  ctx: Context,
  input: AssignVillageCadreInput,
): Promise<WriteOutcome<VillageRow>> {
  const villageId = decodeId(input.villageId, "Village");
  const cadreId = decodeId(input.cadreId, "Cadre");
  const errors = new InputErrors();
  const date = startDate(input.startedOn, errors);
  if (!(await findCadre(ctx, cadreId))) throw new ForbiddenError("No such Cadre in your scope.");
  const effect = postCadre({ cadreId, role: input.role as "FIRST_SECRETARY", startDate: date });
  return write(ctx, villageTarget, { id: villageId, version: input.version, reason: null, effects: [effect] }, errors);
}

export async function assignAgencyToVillage(
  ctx: Context,
  input: AssignAgencyToVillageInput,
): Promise<WriteOutcome<VillageRow>> {
  const villageId = decodeId(input.villageId, "Village");
  const agencyId = decodeId(input.agencyId, "Agency");
  const errors = new InputErrors();
  const date = startDate(input.startedOn, errors);
  if (!(await existingAgencyIds(ctx, [agencyId])).has(agencyId))
    throw new ForbiddenError("No such Agency in your scope.");
  const effect = pairAgency({ agencyId, kind: input.kind as "DESIGNATED", startDate: date });
  return write(ctx, villageTarget, { id: villageId, version: input.version, reason: null, effects: [effect] }, errors);
}
