// `npm start`: the compiled server (dist/src/main.js, from `npm run build`) when NODE_ENV=production,
// else the TypeScript sources through tsx, so that `npm install && npm start` needs no build step.
import { existsSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";

const compiled = new URL("../dist/src/main.js", import.meta.url);

if (process.env.NODE_ENV === "production") {
  if (!existsSync(compiled)) {
    process.stderr.write(
      "NODE_ENV=production runs the compiled server, and dist/src/main.js is missing: run `npm run build` first.\n",
    );
    process.exit(1);
  }
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
