import type { Context } from "../context.js";

type Fetch = (ctx: Context, key: string) => Promise<object | null>;

const fetchers = new Map<string, Fetch>();

/**
 * Each module registers how to load its entities by key; `node(id)` and federation's `_entities`
 * both resolve through here, and so through the same scoped loaders as every other path.
 */
export function registerNode(type: string, fetch: Fetch): void {
  fetchers.set(type, fetch);
}

export async function fetchNode(ctx: Context, type: string, key: string): Promise<object | null> {
  const fetch = fetchers.get(type);
  // A type the principal cannot read does not exist for it: not even its id is echoed back.
  if (!fetch || !ctx.access.canRead(type)) return null;
  const row = await fetch(ctx, key);
  return row ? Object.assign(row, { __typename: type }) : null;
}

export function nodeTypes(): string[] {
  return [...fetchers.keys()];
}
