import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, groupGraph, importGraph } from "../helpers/imports.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const moduleOf = (file: string) => (file.startsWith("modules/") ? file.split("/").slice(0, 2).join("/") : null);

/** Modules depend one way: a module that needs another's behaviour gets it through a registration point. */
describe("the code's import graph", () => {
  it("has no cycle between modules, not even through types", () => {
    const inModules = new Map(
      [...importGraph(src)]
        .filter(([file]) => moduleOf(file))
        .map(([file, targets]) => [file, targets.filter((t) => moduleOf(t))] as const),
    );
    const modules = groupGraph(inModules, (file) => moduleOf(file)!);
    expect(modules.size).toBeGreaterThan(5);
    expect(cycles(modules).map((c) => c.join(" → "))).toEqual([]);
  });

  it("has no cycle between files when the code runs", () => {
    expect(cycles(importGraph(src, { runtime: true })).map((c) => c.join(" → "))).toEqual([]);
  });

  it("keeps the write engine and shared/ free of the modules (and shared/ of access/)", () => {
    const offending = [...importGraph(src)].flatMap(([file, targets]) =>
      targets
        .filter(
          (t) =>
            ((file.startsWith("writes/") || file.startsWith("shared/")) && t.startsWith("modules/")) ||
            (file.startsWith("shared/") && t.startsWith("access/")),
        )
        .map((t) => `${file} → ${t}`),
    );
    expect(offending).toEqual([]);
  });

  it("finds a cycle when there is one (the walk itself)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c", "a"]]);
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });
});
