import { relative } from "node:path";
import { buildBundle, bundleFolder } from "../graphiql/bundle.js";

/**
 * `npm run build:graphiql` bundles the query page (GraphiQL, React, Monaco and its workers) into
 * dist/static/graphiql/. `npm start` does the same by itself when the bundle is missing or stale;
 * run this to build ahead (an image, a server without development dependencies) or to see an error.
 */
try {
  const { ms, files } = await buildBundle();
  for (const { name, bytes } of files) process.stdout.write(`${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${name}\n`);
  process.stdout.write(`Built the query page into ${relative(process.cwd(), bundleFolder)} in ${ms} ms.\n`);
} catch (error) {
  process.stderr.write(`Could not build the query page: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
