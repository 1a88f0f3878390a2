import DataLoader from "dataloader";

export interface LoaderHost {
  loaders: Map<unknown, unknown>;
}

/**
 * A per-request DataLoader, created on first use: keys are batched per tick, the cache lives as
 * long as the request (and so its principal). Modules define loaders without a central registry.
 */
export function defineLoader<C extends LoaderHost, K, V, CK = K>(
  batch: (ctx: C, keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
  options: DataLoader.Options<K, V, CK> = {},
): (ctx: C) => DataLoader<K, V, CK> {
  const slot = {};
  return (ctx) => {
    let loader = ctx.loaders.get(slot) as DataLoader<K, V, CK> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, CK>((keys) => batch(ctx, keys), { maxBatchSize: 5000, ...options });
      ctx.loaders.set(slot, loader);
    }
    return loader;
  };
}

/** Orders batch results by key, `null` where a key has no row. */
export function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/** Groups batch results by key, `[]` where a key has none. */
export function groupByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}
