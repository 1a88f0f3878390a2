import DataLoader from "dataloader";
import type { Context } from "../../context.js";

/**
 * A per-request DataLoader per argument variant (e.g. a relation's `first` or `kind`): parents
 * asking with the same arguments share one batch, hence one statement per variant and level.
 */
export function defineVariantLoader<P, K, V>(
  variantKey: (param: P) => string,
  batch: (ctx: Context, param: P, keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
): (ctx: Context, param: P) => DataLoader<K, V> {
  const slot = {};
  return (ctx, param) => {
    let family = ctx.loaders.get(slot) as Map<string, DataLoader<K, V>> | undefined;
    if (!family) {
      family = new Map();
      ctx.loaders.set(slot, family);
    }
    const key = variantKey(param);
    let loader = family.get(key);
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => batch(ctx, param, keys), { maxBatchSize: 5000 });
      family.set(key, loader);
    }
    return loader;
  };
}
