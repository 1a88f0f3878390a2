import type { Context } from "../../context.js";
import { byKey, defineLoader, groupByKey } from "../../shared/loader.js";
import { findRegionsByCodes, findRegionsByParents } from "./region.repository.js";

export const regionByCode = defineLoader(async (ctx: Context, codes: readonly string[]) =>
  byKey(codes, await findRegionsByCodes(ctx, codes), (r) => r.code),
);

export const regionChildren = defineLoader(async (ctx: Context, parents: readonly string[]) =>
  groupByKey(parents, await findRegionsByParents(ctx, parents), (r) => r.parentCode as string),
);
