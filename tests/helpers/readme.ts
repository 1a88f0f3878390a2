import { readFileSync } from "node:fs";
import { departmentOf } from "../../src/graphiql/examples.js";

export interface Block {
  /** The fence's info string, e.g. `graphql` or `json variables`. */
  info: string;
  text: string;
}

export interface ReadmeOperation {
  department: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** The fenced code blocks of README.md, in order. */
export function readmeBlocks(): Block[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  return [...readme.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    info: m[1]!.trim(),
    text: m[2]!,
  }));
}

/** Each `graphql` block with the department its first line names and the `json variables` block after it. */
export function readmeOperations(blocks = readmeBlocks()): ReadmeOperation[] {
  return blocks.flatMap((block, i) => {
    if (block.info !== "graphql") return [];
    const department = departmentOf(block.text);
    if (!department) throw new Error(`README graphql block without a "# department:" line:\n${block.text}`);
    const next = blocks[i + 1];
    const variables = next?.info === "json variables" ? (JSON.parse(next.text) as Record<string, unknown>) : undefined;
    return [{ department, query: block.text, variables }];
  });
}

/** The `curl` commands of the `sh` blocks, continuation lines joined. */
export function readmeCurlCommands(blocks = readmeBlocks()): string[] {
  return blocks
    .filter((b) => b.info === "sh")
    .flatMap((b) => b.text.replace(/\\\n/g, " ").split("\n"))
    .map((line) => line.trim())
    .filter((line) => line.startsWith("curl "));
}
