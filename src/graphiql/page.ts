import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { builtBundle, bundleFolder } from "./bundle.js";
import { loadExamples } from "./examples.js";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * The browser may load and connect to this server only: the page works on an offline network and
 * nothing it shows (tokens, query results) can be sent elsewhere by a script or a style.
 * Monaco sets inline styles on its widgets, hence 'unsafe-inline' for styles only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function page(examplesJson: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Xiangcun Graph · 乡村数据共享平台</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphiql/main.css">
<script id="examples" type="application/json">${examplesJson}</script>
<script src="/graphiql/main.js" defer></script>
</head>
<body><div id="graphiql"></div></body>
</html>`;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Xiangcun Graph</title></head>
<body><h1>Xiangcun Graph</h1><p>The query page is not built yet. <code>npm start</code> builds it in the background
on its first start: reload in a few seconds. If it stays like this, run <code>npm run build:graphiql</code> to see why
(it needs the development dependencies). GraphQL is served at <code>/graphql</code> all the same.</p></body></html>`;

/**
 * Serves the query page at `/` and its bundled assets under `/graphiql/`; answers false for any
 * other path. Only files the bundle's build listed are served: a request names a file, never a path.
 */
export function createPageHandler(): (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean {
  // `<` escaped so that no example text can close the script element it is embedded in.
  const examplesJson = JSON.stringify(loadExamples()).replace(/</g, "\\u003c");
  const html = page(examplesJson);

  return (req, res, pathname) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (pathname === "/") {
      const built = builtBundle() !== null;
      res.writeHead(built ? 200 : 503, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
      res.end(req.method === "HEAD" ? undefined : built ? html : NOT_BUILT);
      return true;
    }
    if (!pathname.startsWith("/graphiql/")) return false;
    const name = pathname.slice("/graphiql/".length);
    const bundle = builtBundle();
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf("."))];
    if (!bundle || !type || !bundle.files.includes(name)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
      return true;
    }
    // The names do not change between builds: the browser revalidates, a 304 when nothing changed.
    const etag = `"${bundle.inputs.slice(0, 32)}"`;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag }).end();
      return true;
    }
    const gzip = bundle.gzipped?.includes(name) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    let body: Buffer;
    try {
      body = readFileSync(join(bundleFolder, gzip ? `${name}.gz` : name));
    } catch {
      // Swapped for a new build between the stamp and the file: the browser retries on reload.
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "2" }).end("rebuilding");
      return true;
    }
    res.writeHead(200, {
      "content-type": type,
      "cache-control": "no-cache",
      etag,
      vary: "accept-encoding",
      "x-content-type-options": "nosniff",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
