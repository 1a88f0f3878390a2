import "reflect-metadata";
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultPolicyPath } from "../access/policy.js";
import { loadConfig } from "../config.js";
import { compiledSqlFiles } from "../plan/snapshot.js";

/**
 * `npm run sql` writes schema/sql/<example>.<DEPARTMENT>.sql, the compiled statements of every
 * example operation for every department; `--check` fails when a committed file differs (drift).
 */
const folder = fileURLToPath(new URL("../../schema/sql/", import.meta.url));
const config = loadConfig();
const files = await compiledSqlFiles(config, config.POLICY_FILE ?? defaultPolicyPath);
const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

if (process.argv.includes("--check")) {
  const stale = [...files].filter(([name, text]) => read(join(folder, name)) !== text).map(([name]) => name);
  const present = (() => {
    try {
      return readdirSync(folder);
    } catch {
      return [];
    }
  })();
  const extra = present.filter((name) => !files.has(name));
  if (stale.length || extra.length) {
    for (const name of [...stale, ...extra]) process.stderr.write(`schema/sql/${name} is stale\n`);
    process.stderr.write("Run `npm run sql` and commit the result.\n");
    process.exit(1);
  }
  process.stdout.write(`schema/sql/ is current (${files.size} files).\n`);
} else {
  mkdirSync(folder, { recursive: true });
  for (const name of readdirSync(folder)) if (!files.has(name)) unlinkSync(join(folder, name));
  for (const [name, text] of files) writeFileSync(join(folder, name), text);
  process.stdout.write(`wrote ${files.size} files under ${folder}\n`);
}
