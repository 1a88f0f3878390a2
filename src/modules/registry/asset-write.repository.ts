import { and, eq } from "drizzle-orm";
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

/**
 * One year's income of an asset in scope, replacing what was recorded for that year, checked against
 * the asset's version as the caller read it: the asset is locked (no key column is written), a stale
 * version is a conflict, and a write that changes the year's income bumps the asset's version.
 */
export function upsertAssetIncome(
  ctx: Context,
  version: number,
  income: typeof assetIncomes.$inferInsert & { assetId: number },
): Promise<TxState> {
  return ctx.db.transaction(async (tx) => {
    const asset = await lockRow(tx, assets, income.assetId, ctx.access.scope(assets.villageCode), "no key update");
    if (!asset) return { kind: "missing" } as const;
    if (asset.version !== version) return { kind: "conflict", currentVersion: asset.version as number };
    const { assetId: _a, year: _y, ...values } = income;
    const [recorded] = await tx
      .select()
      .from(assetIncomes)
      .where(and(eq(assetIncomes.assetId, income.assetId), eq(assetIncomes.year, income.year)));
    const same =
      recorded &&
      Object.entries(values).every(
        ([key, value]) => (recorded[key as keyof typeof recorded] ?? null) === (value ?? null),
      );
    if (same) return { kind: "unchanged" } as const;
    await tx
      .insert(assetIncomes)
      .values(income)
      .onConflictDoUpdate({ target: [assetIncomes.assetId, assetIncomes.year], set: values });
    await bumpVersion(tx, assets, income.assetId);
    return { kind: "applied", id: income.assetId };
  });
}
