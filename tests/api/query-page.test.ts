import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { ensureBundle } from "../../src/graphiql/bundle.js";
import { requestHeaders, withoutCredentials } from "../../src/graphiql/client/headers.js";
import { createTestApp } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { loadExamples } from "../helpers/examples.js";
import { testServer } from "../helpers/server.js";

/**
 * The query page at `/` and its assets: served from the bundle built on this machine, under a
 * policy that lets the browser talk to this server only, and never anything but the bundle's files.
 */
describe("serving the query page", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    if (!(await ensureBundle(() => {}))) throw new Error("the query page could not be built (npm run build:graphiql)");
    database = await openTestDatabase({ seed: false });
    app = await createTestApp(database);
    server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  it("serves the page with every example embedded and a policy that keeps the browser on this server", async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy")!;
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("script-src 'self';");
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    const embedded = JSON.parse(/<script id="examples" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as {
      name: string;
      department: string;
    }[];
    expect(embedded.map((e) => [e.name, e.department])).toEqual(loadExamples().map((e) => [e.name, e.department]));
  });

  it("serves the bundle's files, gzipped to browsers that take it, revalidated by ETag", async () => {
    const plain = await fetch(`${origin}/graphiql/main.js`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    const plainText = await plain.text();
    const script = await fetch(`${origin}/graphiql/main.js`, { headers: { "accept-encoding": "gzip, deflate" } });
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("content-encoding")).toBe("gzip");
    expect(script.headers.get("vary")).toBe("accept-encoding");
    expect(await script.text()).toBe(plainText);
    const again = await fetch(`${origin}/graphiql/main.js`, {
      headers: { "if-none-match": script.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
    for (const worker of ["editor", "json", "graphql"]) {
      expect((await fetch(`${origin}/graphiql/${worker}.worker.js`)).status).toBe(200);
    }
  });

  it("serves nothing else under /graphiql/: no stamp, no path out of the folder, no guessed file", async () => {
    for (const path of [
      "/graphiql/build.json",
      "/graphiql/..%2f..%2fpackage.json",
      "/graphiql/%2e%2e/%2e%2e/package.json",
      "/graphiql/../../package.json",
      "/graphiql/main.js.map",
      "/graphiql/",
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain("xiangcun-graph");
    }
  });

  it("sends a token pasted bare with its scheme, drops empty headers and encodes a Chinese purpose", () => {
    expect(requestHeaders({ Authorization: " eyJhbGciOi.x.y\n", "X-Purpose": "", "X-Api-Key": null })).toEqual({
      Authorization: "Bearer eyJhbGciOi.x.y",
    });
    expect(requestHeaders({ authorization: "bearer abc", "X-Purpose": "医保核查" })).toEqual({
      authorization: "bearer abc",
      "X-Purpose": "%E5%8C%BB%E4%BF%9D%E6%A0%B8%E6%9F%A5",
    });
  });

  it("keeps credentials out of what the page stores", () => {
    const headers = `{\n  // token\n  "Authorization": "Bearer ey.J\\"x",\n  "x-api-key": "xg_123",\n  "X-Purpose": "audit"\n}`;
    expect(withoutCredentials(headers)).toBe(
      `{\n  // token\n  "Authorization": "",\n  "x-api-key": "",\n  "X-Purpose": "audit"\n}`,
    );
  });
});
