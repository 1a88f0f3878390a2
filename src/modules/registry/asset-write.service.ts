import { assertWrites } from "../../access/access.js";
import type { Context } from "../../context.js";
import { ForbiddenError } from "../../shared/errors.js";
import { decodeId } from "../../shared/global-id.js";
import { InputErrors, MAX_AMOUNT } from "../../shared/input-errors.js";
import { create } from "../../writes/create.js";
import { write } from "../../writes/engine.js";
import type { WriteOutcome } from "../../writes/write.type.js";
import type { AssetRow } from "../projects/asset.type.js";
import { projectById } from "../projects/project.loader.js";
import { assetTarget } from "../projects/project.target.js";
import type { CreateAssetInput, RecordAssetIncomeInput, UpdateAssetInput } from "./asset-write.input.js";
import { assetCodeTaken, assetIncome, insertAsset } from "./asset-write.repository.js";
import { villageInScope } from "./household-registration.service.js";
import { existingAgencyIds } from "./project-write.repository.js";
import { findHouseholdIdsInScope } from "./registry.repository.js";

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
  assertWrites(ctx.access, "Asset", [
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
  const asset = {
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
  };
  const duplicateCode = { path: ["code"], message: "This asset code is already used." };
  return create(ctx, assetTarget, { insert: insertAsset(asset), duplicates: {}, fallback: duplicateCode }, errors);
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
  if (!Object.keys(changes).length && !errors.any)
    errors.add(["name"], "REQUIRED", "Give at least one value to change.");
  const record = {
    id,
    version: input.version,
    reason: null,
    set: changes,
    check: (current: Record<string, unknown>) =>
      (current.kind === "HOUSEHOLD_OWNED") === ((changes.custodianKind ?? current.custodianKind) === "HOUSEHOLD")
        ? null
        : { refused: householdOwnedMessage },
  };
  return write(ctx, assetTarget, record, errors);
}

export async function recordAssetIncome(ctx: Context, input: RecordAssetIncomeInput): Promise<WriteOutcome<AssetRow>> {
  const id = decodeId(input.assetId, "Asset");
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
  const income = {
    year: input.year,
    income: input.income,
    toHouseholds,
    toCollective,
    distribution: input.distribution?.trim() || null,
  };
  return write(ctx, assetTarget, { id, version: input.version, reason: null, children: assetIncome(income) }, errors);
}
