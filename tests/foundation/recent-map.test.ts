import { describe, expect, it } from "vitest";
import { RecentMap } from "../../src/shared/recent-map.js";

/** The caches of compiled queries, plans, statements, tokens and hashes keep what was used last. */
describe("a cache of the most recently used entries", () => {
  it("forgets the least recently used beyond its size, a read counting as a use", () => {
    const cache = new RecentMap<string, number>(2);
    cache.set("a", 1).set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect([cache.peek("a"), cache.peek("b"), cache.peek("c")]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it("lets entries age from when they were set when only peeked at", () => {
    const cache = new RecentMap<string, number>(2);
    cache.set("a", 1).set("b", 2);
    expect(cache.peek("a")).toBe(1);
    cache.set("c", 3);
    expect([cache.peek("a"), cache.peek("b"), cache.peek("c")]).toEqual([undefined, 2, 3]);
  });

  it("computes a remembered value once, and not at all when computing it fails", () => {
    const cache = new RecentMap<string, number>(4);
    let computed = 0;
    expect(cache.remember("x", () => ++computed)).toBe(1);
    expect(cache.remember("x", () => ++computed)).toBe(1);
    expect(() =>
      cache.remember("y", () => {
        throw new Error("cannot build");
      }),
    ).toThrow("cannot build");
    expect(cache.peek("y")).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
