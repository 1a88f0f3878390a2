import { readFileSync } from "node:fs";

/**
 * The options of `node` that `npm start` gives the server (package.json's start script), so that the
 * benchmarks run the server as it runs; BENCH_NODE_FLAGS replaces them ("" for none, to compare).
 */
export const serverNodeFlags: string[] =
  process.env.BENCH_NODE_FLAGS !== undefined
    ? process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean)
    : (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start
        .split(/\s+/)
        .filter((word) => word.startsWith("--"));
