import "reflect-metadata";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../config.js";
import { emittedSchemaFiles } from "../schema-file.js";

/**
 * `npm run schema` writes schema/schema.graphql and schema/contracts/*.graphql; `--check` fails
 * when a committed file differs from what the code and the policy (POLICY_FILE) build (the drift check).
 */
const folder = fileURLToPath(new URL("../../schema/", import.meta.url));
// The contracts of the policy the server enforces: the same POLICY_FILE.
const files = await emittedSchemaFiles(loadConfig().POLICY_FILE);
const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

if (process.argv.includes("--check")) {
  const stale = [...files].filter(([name, text]) => read(join(folder, name)) !== text).map(([name]) => name);
  const extra = readdirSync(join(folder, "contracts"))
    .map((f) => `contracts/${f}`)
    .filter((name) => !files.has(name));
  if (stale.length || extra.length) {
    for (const name of [...stale, ...extra]) process.stderr.write(`schema/${name} is stale\n`);
    process.stderr.write("Run `npm run schema` and commit the result.\n");
    process.exit(1);
  }
  process.stdout.write(`schema/ is current (${files.size} files).\n`);
} else {
  for (const [name, text] of files) {
    const path = join(folder, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  process.stdout.write(`wrote ${files.size} files under ${folder}\n`);
}
