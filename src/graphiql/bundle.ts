import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { projectRoot } from "../shared/project-root.js";

/**
 * The query page's assets: GraphiQL, React and Monaco's workers bundled by esbuild from
 * src/graphiql/client/ into a git-ignored folder, so the page never loads anything from a CDN.
 * Built by `npm run build:graphiql`, or by `npm start` when missing or stale (after `npm install`
 * changed a package or the client code changed): nothing to remember, whatever the install path.
 */
const root = projectRoot;
const clientFolder = join(root, "src", "graphiql", "client");
export const bundleFolder = join(root, "dist", "static", "graphiql");
const STAMP = "build.json";

export interface BundleStamp {
  /** Hash of what the bundle is made from: the client code, this file and the package lock. */
  inputs: string;
  files: string[];
  /** Files that also exist gzipped as `<name>.gz` (7 MB of scripts and styles are 2 MB gzipped). */
  gzipped: string[];
}

function inputsHash(): string {
  const hash = createHash("sha256");
  const sources = readdirSync(clientFolder).sort();
  for (const name of sources) hash.update(name).update(readFileSync(join(clientFolder, name)));
  // This file's source, also when it runs compiled from dist/ (the same inputs, the same bundle).
  hash.update(readFileSync(join(root, "src", "graphiql", "bundle.ts")));
  const lock = join(root, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex");
}

/** The bundle on disk as its build recorded it, or null when there is none (cheap: read per request). */
export function builtBundle(): BundleStamp | null {
  try {
    return JSON.parse(readFileSync(join(bundleFolder, STAMP), "utf8")) as BundleStamp;
  } catch {
    return null;
  }
}

/**
 * The bundle, or null when it is missing or was built from other inputs than the ones installed now.
 * Without the client sources (an install that ships the built bundle only) the bundle is taken as is.
 */
export function currentBundle(): BundleStamp | null {
  const stamp = builtBundle();
  if (!stamp || !stamp.files.every((f) => existsSync(join(bundleFolder, f)))) return null;
  if (!existsSync(clientFolder)) return stamp;
  return stamp.inputs === inputsHash() ? stamp : null;
}

/** Builds into a fresh folder and swaps it in whole, so a running server never serves a half-written bundle. */
export async function buildBundle(): Promise<{ ms: number; files: { name: string; bytes: number }[] }> {
  const started = Date.now();
  // Imported here: a production install without dev dependencies serves a bundle built beforehand.
  const esbuild = await import("esbuild");
  const inputs = inputsHash();
  const staging = `${bundleFolder}.${process.pid}.tmp`;
  removeAbandonedStaging();
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      main: join(clientFolder, "main.tsx"),
      // One classic worker per Monaco language service, served beside the page (client/workers.ts).
      "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
      "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
      "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
    },
    outdir: staging,
    bundle: true,
    format: "iife",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    loader: { ".ttf": "file", ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
    assetNames: "[name]-[hash]",
    logLevel: "silent",
  });
  const files = readdirSync(staging).sort();
  const gzipped = files.filter((f) => f.endsWith(".js") || f.endsWith(".css"));
  for (const f of gzipped)
    writeFileSync(join(staging, `${f}.gz`), gzipSync(readFileSync(join(staging, f)), { level: 9 }));
  writeFileSync(join(staging, STAMP), JSON.stringify({ inputs, files, gzipped } satisfies BundleStamp));
  mkdirSync(join(bundleFolder, ".."), { recursive: true });
  rmSync(bundleFolder, { recursive: true, force: true });
  try {
    renameSync(staging, bundleFolder);
  } catch (error) {
    // Another process (a second test file, a second server) swapped in the same inputs first.
    rmSync(staging, { recursive: true, force: true });
    if (!currentBundle()) throw error;
  }
  return {
    ms: Date.now() - started,
    files: files.map((name) => ({ name, bytes: statSync(join(bundleFolder, name)).size })),
  };
}

/** Staging folders left by builds whose process died (stopped during its first start). */
function removeAbandonedStaging() {
  const parent = join(bundleFolder, "..");
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const pid = /^graphiql\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid && (Number(pid) === process.pid || !isRunning(Number(pid)))) {
      rmSync(join(parent, name), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The bundle's files, built first when missing or stale; null when it cannot be built here
 * (esbuild and the page's packages are development dependencies) — the server then says so at `/`.
 */
export async function ensureBundle(
  report: (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void,
): Promise<BundleStamp | null> {
  try {
    const current = currentBundle();
    if (current) return current;
    report("info", "building the query page (GraphiQL) into dist/static/graphiql: once per install");
    const built = await buildBundle();
    report("info", "query page built", { ms: built.ms, bytes: built.files.reduce((n, f) => n + f.bytes, 0) });
    return currentBundle();
  } catch (error) {
    report("warn", "the query page could not be built: run `npm run build:graphiql` to see why", {
      error: String(error),
    });
    return null;
  }
}
