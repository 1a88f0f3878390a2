import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The checkout's root folder (the one holding package.json), whether this code runs from src/
 * through tsx or compiled into dist/src/: files beside the code (migrations, the policy, schema
 * examples, the query page's bundle) are found from here, not from a path relative to this file.
 */
function findRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, "package.json"))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error("package.json not found above the running code");
    folder = parent;
  }
  return folder;
}

export const projectRoot = findRoot();
