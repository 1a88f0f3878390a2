import { eq } from "drizzle-orm";
import type { Context } from "../../context.js";
import { assetIncomes, assets } from "../../db/schema.js";
import { bumpVersion, lockRow, type TxState } from "./registry.repository.js";

export async function assetCodeTaken(ctx: Context, code: string): Promise<boolean> {
  return (await ctx.db.select({ id: assets.id }).from(assets).where(eq(assets.code, code))).length > 0;
}

export async function insertAsset(ctx: Context, asset: typeof assets.$inferInsert): Promise<number> {
  const [row] = await ctx.db.insert(assets).values(asset).returning({ id: assets.id });
  return row!.id;
}

/** One year's income of an asset in scope, replacing what was recorded for that year; the asset's version is bumped. */
export function upsertAssetIncome(
  ctx: Context,
  income: typeof assetIncomes.$inferInsert & { assetId: number },
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const asset = await lockRow(tx, assets, income.assetId, ctx.access.scope(assets.villageCode));
    if (!asset) return { kind: "missing" } as const;
    const { assetId: _a, year: _y, ...values } = income;
    await tx
      .insert(assetIncomes)
      .values(income)
      .onConflictDoUpdate({ target: [assetIncomes.assetId, assetIncomes.year], set: values });
    await bumpVersion(tx, assets, income.assetId);
    return { kind: "applied", id: income.assetId };
  });
}
