import { eq } from "drizzle-orm";
import type { Context } from "../../context.js";
import type { Drizzle } from "../../db/client.js";
import { assetIncomes, assets } from "../../db/schema.js";
import type { ChildRows } from "../../writes/children.js";

export async function assetCodeTaken(ctx: Context, code: string): Promise<boolean> {
  return (await ctx.db.select({ id: assets.id }).from(assets).where(eq(assets.code, code))).length > 0;
}

export function insertAsset(asset: typeof assets.$inferInsert) {
  return async (tx: Drizzle): Promise<number> => {
    const [row] = await tx.insert(assets).values(asset).returning({ id: assets.id });
    return row!.id;
  };
}

/** One year's income of an asset, replacing what was recorded for that year (the ledger's `incomes`). */
export function assetIncome(income: Omit<typeof assetIncomes.$inferInsert, "assetId">): ChildRows {
  return { field: "incomes", table: assetIncomes, parent: "assetId", key: ["year"], rows: [income] };
}
