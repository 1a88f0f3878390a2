import type { Context } from "../../context.js";
import { intKey } from "../../shared/global-id.js";
import { agencyById } from "../agencies/agency.loader.js";
import { cadreById } from "../agencies/cadre.loader.js";
import { householdById } from "../households/household.loader.js";
import { memberById } from "../households/member.loader.js";
import { assetById } from "../projects/asset.loader.js";
import { projectById } from "../projects/project.loader.js";
import { regionByCode } from "../regions/region.loader.js";
import { villageById } from "../villages/village.loader.js";

type Fetch = (ctx: Context, key: string) => Promise<object | null>;

/**
 * The types `node(id)` and federation's `_entities` resolve, each through the same scoped loader
 * as every other path. A new entity type is added here, explicitly.
 */
const NODE_TYPES: Readonly<Record<string, Fetch>> = {
  Region: (ctx, key) => regionByCode(ctx).load(key),
  Village: (ctx, key) => villageById(ctx).load(intKey(key, "Village")),
  Household: (ctx, key) => householdById(ctx).load(intKey(key, "Household")),
  Member: (ctx, key) => memberById(ctx).load(intKey(key, "Member")),
  Project: (ctx, key) => projectById(ctx).load(intKey(key, "Project")),
  Asset: (ctx, key) => assetById(ctx).load(intKey(key, "Asset")),
  Agency: (ctx, key) => agencyById(ctx).load(intKey(key, "Agency")),
  Cadre: (ctx, key) => cadreById(ctx).load(intKey(key, "Cadre")),
};

export const nodeTypes = (): string[] => Object.keys(NODE_TYPES);

export async function fetchNode(ctx: Context, type: string, key: string): Promise<object | null> {
  const fetch = Object.hasOwn(NODE_TYPES, type) ? NODE_TYPES[type] : undefined;
  // A type the principal cannot read does not exist for it: not even its id is echoed back.
  if (!fetch || !ctx.access.canRead(type)) return null;
  const row = await fetch(ctx, key);
  return row ? Object.assign(row, { __typename: type }) : null;
}
