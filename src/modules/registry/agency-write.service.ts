import type { Context } from "../../context.js";
import { agencies } from "../../db/schema.js";
import { today } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { agencyById } from "../agencies/agency.loader.js";
import type { AgencyRow } from "../agencies/agency.type.js";
import { applyOwnedWrite } from "../stewardship/stewardship.repository.js";
import { assertOwns } from "../stewardship/stewardship.service.js";
import type { WriteOutcome } from "../stewardship/stewardship.type.js";
import { villageById } from "../villages/village.loader.js";
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
import { fromTxState, InputErrors, invalid, uniqueViolation } from "./registry.validation.js";
import { applied, conflict } from "../stewardship/write-outcome.js";

function reloadAgency(ctx: Context, id: number) {
  agencyById(ctx).clear(id);
  return agencyById(ctx).load(id);
}

function reloadVillage(ctx: Context, id: number) {
  villageById(ctx).clear(id);
  return villageById(ctx).load(id);
}

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

export async function createAgency(ctx: Context, input: CreateAgencyInput): Promise<WriteOutcome<AgencyRow>> {
  assertOwns(ctx, "Agency", ["name", "kind", "level", "regionCode"]);
  const errors = new InputErrors();
  errors.required(["name"], input.name, "the agency's name");
  await agencyRegion(ctx, input.regionCode, errors);
  if (input.name?.trim() && (await agencyNameTaken(ctx, input.name.trim()))) {
    errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
  }
  if (errors.any) return invalid(errors);
  try {
    const id = await insertAgency(ctx, {
      name: input.name.trim(),
      kind: input.kind as "UNIVERSITY",
      level: input.level as "CITY",
      regionCode: input.regionCode ?? null,
    });
    return applied(await reloadAgency(ctx, id));
  } catch (error) {
    if (uniqueViolation(error) === null) throw error;
    errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
    return invalid(errors);
  }
}

export async function updateAgency(ctx: Context, input: UpdateAgencyInput): Promise<WriteOutcome<AgencyRow>> {
  const id = decodeId(input.agencyId, "Agency");
  const changes = Object.fromEntries(
    (["name", "kind", "level", "regionCode"] as const)
      .filter((key) => input[key] != null)
      .map((key) => [key, key === "name" ? input.name!.trim() : input[key]]),
  );
  assertOwns(ctx, "Agency", Object.keys(changes));
  const errors = new InputErrors();
  if (input.name != null) {
    errors.required(["name"], input.name, "the agency's name");
    if (input.name.trim() && (await agencyNameTaken(ctx, input.name.trim(), id))) {
      errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
    }
  }
  if (input.regionCode != null) await agencyRegion(ctx, input.regionCode, errors);
  if (!Object.keys(changes).length) errors.add(["name"], "REQUIRED", "Give at least one value to change.");
  if (errors.any) return invalid(errors);
  try {
    const state = await applyOwnedWrite(ctx, {
      table: agencies,
      type: "Agency",
      id,
      version: input.version,
      reason: null,
      changes,
      scope: (c) => c.access.scope(agencies.regionCode),
    });
    if (state.kind === "missing") throw new ForbiddenError("No such Agency in your scope.");
    if (state.kind === "conflict") {
      return conflict("Agency", input.version, state.currentVersion, await reloadAgency(ctx, id));
    }
    return applied(await reloadAgency(ctx, id), state.kind === "unchanged");
  } catch (error) {
    if (uniqueViolation(error) === null) throw error;
    errors.add(["name"], "DUPLICATE", DUPLICATE_NAME);
    return invalid(errors);
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
  assertOwns(ctx, "Village", [input.role === "FIRST_SECRETARY" ? "firstSecretary" : "workTeam"]);
  const errors = new InputErrors();
  const date = startDate(input.startedOn, errors);
  if (!(await findCadre(ctx, cadreId))) throw new ForbiddenError("No such Cadre in your scope.");
  if (errors.any) return invalid(errors);
  const state = await postCadre(ctx, input.version, {
    villageId,
    cadreId,
    role: input.role as "FIRST_SECRETARY",
    startDate: date,
  });
  return fromTxState(state, { type: "Village", version: input.version }, () => reloadVillage(ctx, villageId), errors);
}

export async function assignAgencyToVillage(
  ctx: Context,
  input: AssignAgencyToVillageInput,
): Promise<WriteOutcome<VillageRow>> {
  const villageId = decodeId(input.villageId, "Village");
  const agencyId = decodeId(input.agencyId, "Agency");
  assertOwns(ctx, "Village", ["agencies"]);
  const errors = new InputErrors();
  const date = startDate(input.startedOn, errors);
  if (!(await existingAgencyIds(ctx, [agencyId])).has(agencyId))
    throw new ForbiddenError("No such Agency in your scope.");
  if (errors.any) return invalid(errors);
  const state = await pairAgency(ctx, input.version, {
    villageId,
    agencyId,
    kind: input.kind as "DESIGNATED",
    startDate: date,
  });
  return fromTxState(state, { type: "Village", version: input.version }, () => reloadVillage(ctx, villageId), errors);
}
