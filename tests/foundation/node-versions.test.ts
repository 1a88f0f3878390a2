import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** `engines` says which Node versions we support; no installed package may want more than that. */
describe("supported Node versions", () => {
  it("are declared, and every package in the lock file runs on each of them", () => {
    const ours = pkg.engines.node;
    expect(semver.validRange(ours)).not.toBeNull();
    const wantMore = Object.entries(lock.packages)
      .filter(([path, p]) => path && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .map(([path, p]) => ({ path, version: p.version, node: (p.engines as { node: string }).node }))
      .filter((p) => !semver.subset(ours, p.node))
      .map((p) => `${p.path}@${p.version} wants node ${p.node}`);
    expect(wantMore).toEqual([]);
  });

  it("include the Node that runs this test", () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
