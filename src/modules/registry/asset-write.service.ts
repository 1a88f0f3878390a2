import type { Context } from "../../context.js";
import { assets } from "../../db/schema.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { assetById } from "../projects/asset.loader.js";
import type { AssetRow } from "../projects/asset.type.js";
import { projectById } from "../projects/project.loader.js";
import { applyOwnedWrite } from "../stewardship/stewardship.repository.js";
import { assertOwns } from "../stewardship/stewardship.service.js";
import type { WriteOutcome } from "../stewardship/stewardship.type.js";
import type { CreateAssetInput, RecordAssetIncomeInput, UpdateAssetInput } from "./asset-write.input.js";
import { assetCodeTaken, insertAsset, upsertAssetIncome } from "./asset-write.repository.js";
import { villageInScope } from "./household-registration.service.js";
import { existingAgencyIds } from "./project-write.repository.js";
import { findHouseholdIdsInScope } from "./registry.repository.js";
import { fromTxState, InputErrors, invalid, MAX_AMOUNT, uniqueViolation } from "./registry.validation.js";
import { applied, conflict, refused } from "../stewardship/write-outcome.js";

function reloadAsset(ctx: Context, id: number) {
  assetById(ctx).clear(id);
  return assetById(ctx).load(id);
}

interface Custodian {
  custodianKind: string;
  custodianAgencyId: number | null;
  custodianHouseholdId: number | null;
}

/** The custodian named by kind and id, each id in scope (an unknown one is FORBIDDEN, as for any id). */
async function custodian(
  ctx: Context,
  input: { custodianKind: string; custodianAgencyId?: string | null; custodianHouseholdId?: string | null },
  errors: InputErrors,
): Promise<Custodian> {
  const agencyId = input.custodianAgencyId ? decodeId(input.custodianAgencyId, "Agency") : null;
  const householdId = input.custodianHouseholdId ? decodeId(input.custodianHouseholdId, "Household") : null;
  if (agencyId !== null && !(await existingAgencyIds(ctx, [agencyId])).has(agencyId)) {
    throw new ForbiddenError("No such Agency in your scope.");
  }
  if (householdId !== null && !(await findHouseholdIdsInScope(ctx, [householdId])).has(householdId)) {
    throw new ForbiddenError("No such Household in your scope.");
  }
  const kind = input.custodianKind;
  if ((kind === "AGENCY") !== (agencyId !== null)) {
    errors.add(
      ["custodianAgencyId"],
      kind === "AGENCY" ? "REQUIRED" : "INCONSISTENT",
      "An agency custodian, and only it, names the agency.",
    );
  }
  if ((kind === "HOUSEHOLD") !== (householdId !== null)) {
    errors.add(
      ["custodianHouseholdId"],
      kind === "HOUSEHOLD" ? "REQUIRED" : "INCONSISTENT",
      "A household custodian, and only it, names the household.",
    );
  }
  return { custodianKind: kind, custodianAgencyId: agencyId, custodianHouseholdId: householdId };
}

const householdOwnedMessage = "A household-owned asset (确权到农户), and only it, is looked after by its household.";

export async function createAsset(ctx: Context, input: CreateAssetInput): Promise<WriteOutcome<AssetRow>> {
  assertOwns(ctx, "Asset", [
    "code",
    "name",
    "kind",
    "ownership",
    "value",
    "villageCode",
    "project",
    "custodian",
    "status",
    "formedOn",
  ]);
  const errors = new InputErrors();
  errors.required(["code"], input.code, "the asset code");
  errors.required(["name"], input.name, "the asset name");
  if (input.code?.trim() && (await assetCodeTaken(ctx, input.code.trim()))) {
    errors.add(["code"], "DUPLICATE", "This asset code is already used.");
  }
  await villageInScope(ctx, input.villageCode, ["villageCode"], errors);
  const projectId = decodeId(input.projectId, "Project");
  if (!(await projectById(ctx).load(projectId))) throw new ForbiddenError("No such Project in your scope.");
  errors.range(["value"], input.value, 0, MAX_AMOUNT, "A value");
  errors.date(["formedOn"], input.formedOn);
  const keeper = await custodian(ctx, input, errors);
  if ((input.kind === "HOUSEHOLD_OWNED") !== (input.custodianKind === "HOUSEHOLD")) {
    errors.add(["custodianKind"], "INCONSISTENT", householdOwnedMessage);
  }
  if (errors.any) return invalid(errors);
  try {
    const id = await insertAsset(ctx, {
      code: input.code.trim(),
      name: input.name.trim(),
      kind: input.kind as "OPERATING",
      ownership: input.ownership as "COLLECTIVE",
      value: input.value,
      villageCode: input.villageCode,
      projectId,
      custodianKind: keeper.custodianKind as "AGENCY",
      custodianAgencyId: keeper.custodianAgencyId,
      custodianHouseholdId: keeper.custodianHouseholdId,
      status: (input.status ?? "IN_USE") as "IN_USE",
      formedOn: input.formedOn,
    });
    return applied(await reloadAsset(ctx, id));
  } catch (error) {
    if (uniqueViolation(error) === null) throw error;
    errors.add(["code"], "DUPLICATE", "This asset code is already used.");
    return invalid(errors);
  }
}

export async function updateAsset(ctx: Context, input: UpdateAssetInput): Promise<WriteOutcome<AssetRow>> {
  const id = decodeId(input.assetId, "Asset");
  const errors = new InputErrors();
  const changes: Record<string, unknown> = {};
  if (input.name != null) {
    errors.required(["name"], input.name, "the asset name");
    changes.name = input.name.trim();
  }
  if (input.value != null) changes.value = input.value;
  if (input.status != null) changes.status = input.status;
  errors.range(["value"], input.value, 0, MAX_AMOUNT, "A value");
  if (input.custodianKind != null)
    Object.assign(changes, await custodian(ctx, { ...input, custodianKind: input.custodianKind }, errors));
  else if (input.custodianAgencyId != null || input.custodianHouseholdId != null) {
    errors.add(["custodianKind"], "REQUIRED", "Give the kind of custodian with the custodian.");
  }
  assertOwns(
    ctx,
    "Asset",
    Object.keys(changes).map((k) => (k.startsWith("custodian") ? "custodian" : k)),
  );
  if (!Object.keys(changes).length && !errors.any)
    errors.add(["name"], "REQUIRED", "Give at least one value to change.");
  if (errors.any) return invalid(errors);
  const state = await applyOwnedWrite(ctx, {
    table: assets,
    type: "Asset",
    id,
    version: input.version,
    reason: null,
    changes,
    scope: (c) => c.access.scope(assets.villageCode),
    precondition: (current) =>
      (current.kind === "HOUSEHOLD_OWNED") === ((changes.custodianKind ?? current.custodianKind) === "HOUSEHOLD")
        ? null
        : householdOwnedMessage,
  });
  if (state.kind === "missing") throw new ForbiddenError("No such Asset in your scope.");
  if (state.kind === "conflict")
    return conflict("Asset", input.version, state.currentVersion, await reloadAsset(ctx, id));
  if (state.kind === "refused") return refused(state.message, await reloadAsset(ctx, id));
  return applied(await reloadAsset(ctx, id), state.kind === "unchanged");
}

export async function recordAssetIncome(ctx: Context, input: RecordAssetIncomeInput): Promise<WriteOutcome<AssetRow>> {
  const id = decodeId(input.assetId, "Asset");
  assertOwns(ctx, "Asset", ["incomes"]);
  const errors = new InputErrors();
  errors.year(["year"], input.year);
  const toHouseholds = input.toHouseholds ?? 0;
  const toCollective = input.toCollective ?? 0;
  errors.range(["income"], input.income, 0, MAX_AMOUNT, "An income");
  errors.range(["toHouseholds"], toHouseholds, 0, MAX_AMOUNT, "A distributed amount");
  errors.range(["toCollective"], toCollective, 0, MAX_AMOUNT, "A kept amount");
  if (toHouseholds + toCollective > input.income) {
    errors.add(["toHouseholds"], "INCONSISTENT", "More was distributed and kept than the asset earned.");
  }
  if (errors.any) return invalid(errors);
  const state = await upsertAssetIncome(ctx, input.version, {
    assetId: id,
    year: input.year,
    income: input.income,
    toHouseholds,
    toCollective,
    distribution: input.distribution?.trim() || null,
  });
  return fromTxState(state, { type: "Asset", version: input.version }, () => reloadAsset(ctx, id), errors);
}
