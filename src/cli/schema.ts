import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { emittedSchema } from "../schema-file.js";

/**
 * `npm run schema` writes schema/schema.graphql; `--check` fails when the committed file differs
 * from what the code builds (the drift check `npm run check` runs).
 */
const target = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));
const text = await emittedSchema();
if (process.argv.includes("--check")) {
  let committed: string;
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    committed = "";
  }
  if (committed !== text) {
    process.stderr.write("schema/schema.graphql is stale: run `npm run schema` and commit the result.\n");
    process.exit(1);
  }
  process.stdout.write("schema/schema.graphql is current.\n");
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
