import { get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getNamedType, getNullableType, isLeafType, isListType, isObjectType, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimits } from "../../src/operation/limits.js";
import { LIST_SIZE } from "../../src/shared/list-size.js";
import { authHeaders, createTestApp, request, testConfig } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { BOMBS, repeat } from "../helpers/bombs.js";
import { loadExamples } from "../helpers/examples.js";
import type { App } from "../../src/app.js";
import { testServer } from "../helpers/server.js";

/** /health on a connection of its own, as a load balancer's probe asks it (no pooled socket to race its keep-alive). */
const probeHealth = (base: string) =>
  new Promise<number>((resolve, reject) => {
    get(`${base}/health`, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject);
  });

const codesOf = (errors: { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code);

describe("an attacker's bombs, each answered with its limit before any statement runs", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let base: string;
  const officer = () => authHeaders("RURAL_REVITALIZATION");
  const anonymous = async () => ({});

  beforeAll(async () => {
    database = await openTestDatabase({ seed: "demo" });
    app = await createTestApp(database);
    server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  for (const [name, bomb] of Object.entries(BOMBS)) {
    for (const [who, headers] of [
      ["unauthenticated", anonymous],
      ["as an officer", officer],
    ] as const) {
      it(`refuses ${name} (${who}) with ${bomb.code}, the figure and the limit`, async () => {
        const before = database.statements.count;
        const response = await request(app, { query: bomb.query, variables: bomb.variables }, await headers());
        expect(response.status).toBe(200);
        expect(response.data ?? null).toBeNull();
        expect(codesOf(response.errors)).toContain(bomb.code);
        const error = response.errors!.find((e) => e.extensions?.code === bomb.code)!;
        expect(error.extensions).toMatchObject({ limit: expect.any(Number), measured: expect.any(Number) });
        expect(error.extensions!.measured as number).toBeGreaterThan(error.extensions!.limit as number);
        // The message gives figures, never a name from the document.
        expect(error.message).not.toMatch(/village|township|agenc|cadre|household|member|project|region|typename/i);
        // Officers' credentials are checked without a statement here (a signed token): nothing ran.
        expect(database.statements.count - before).toBe(0);
      });
    }
  }

  it("gives the public a smaller budget than an officer: the same page is refused to one, served to the other", async () => {
    const page = `{ villages(first: 1000) { nodes { name township { children { name } } } } }`;
    const asPublic = await request(app, { query: page }, {});
    expect(codesOf(asPublic.errors)).toEqual(["COST_LIMIT"]);
    expect(asPublic.errors![0]!.extensions).toMatchObject({ limit: testConfig.COST_LIMIT_PUBLIC });
    const asOfficer = await request(app, { query: page }, await officer());
    expect(codesOf(asOfficer.errors)).not.toContain("COST_LIMIT");
  });

  it("resolves variables before estimating: a small page passes where the default page is refused", async () => {
    const query = `query Page($n: Int = 1000) { villages(first: $n) { nodes { name township { children { name } } } } }`;
    expect(codesOf((await request(app, { query }, {})).errors)).toEqual(["COST_LIMIT"]);
    const small = await request(app, { query, variables: { n: 5 } }, {});
    expect(codesOf(small.errors)).not.toContain("COST_LIMIT");
  });

  it("counts a list spread through many fragments once per spread, and still answers at once", async () => {
    // 2^30 expanded selections if the fragments were walked naively.
    const fragments = repeat(30, (i) => `fragment F${i} on Region { ...F${i + 1} ...F${i + 1} }`);
    const query = `{ regions { ...F0 } } ${fragments} fragment F30 on Region { villages { name } }`;
    const response = await request(app, { query }, {});
    expect(codesOf(response.errors)).toEqual(["COST_LIMIT"]);
  });

  it("keeps /health answering and memory bounded while bombs are sent again and again", async () => {
    const post = (body: unknown) =>
      fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>);
    const rssBefore = process.memoryUsage().rss;
    for (const bomb of Object.values(BOMBS)) {
      const volley = Array.from({ length: 20 }, () => post({ query: bomb.query, variables: bomb.variables }));
      const health = probeHealth(base);
      const answers = await Promise.all(volley);
      expect(await health).toBe(200);
      for (const answer of answers) expect(codesOf(answer.errors)).toContain(bomb.code);
    }
    // Generous: the bombs are refused before any work, so growth is noise (one test process, PGlite included).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  });

  it("holds subscriptions to the same limits", async () => {
    // The subscription path calls the same check; here it is called as that path does.
    const limits = createLimits(testConfig);
    const document = parse(`subscription { alertRaised { ${"__typename @include(if: true) ".repeat(60)} } }`);
    const principal = { id: "x", department: "PUBLIC", region: "", via: "anonymous" as const };
    expect(codesOf(limits(document, undefined, {}, app.schema, principal))).toEqual(["DIRECTIVE_LIMIT"]);
  });

  it("lets every example operation through for the department it names", () => {
    const limits = createLimits(testConfig);
    for (const example of loadExamples()) {
      const principal = { id: "x", department: example.department, region: "", via: "jwt" as const };
      // As written, and with the largest page where the page is a variable (the statements test's 1,000).
      for (const variables of [{}, { first: testConfig.MAX_PAGE_SIZE }]) {
        const errors = limits(parse(example.query), undefined, variables, app.schema, principal);
        expect(
          errors.map((e) => e.message),
          example.name,
        ).toEqual([]);
      }
    }
  });

  it("knows the size of every list an attacker can nest: each declares one, or is sliced by first/last", () => {
    const undeclared: string[] = [];
    for (const type of Object.values(app.schema.getTypeMap())) {
      // A connection's (or the change feed's page's) lists hold its page, sized by the `first` of the
      // field that returns it; a write's result lists are as long as its input.
      if (!isObjectType(type) || type.name.startsWith("__") || /(Connection|Page|Result)$/.test(type.name)) continue;
      for (const field of Object.values(type.getFields())) {
        const list = isListType(getNullableType(field.type)) && !isLeafType(getNamedType(field.type));
        const sliced = field.args.some((a) => a.name === "first" || a.name === "last");
        if (list && !sliced && field.extensions[LIST_SIZE] === undefined) undeclared.push(`${type.name}.${field.name}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it("refuses an answer larger than MAX_RESPONSE_BYTES with RESPONSE_TOO_LARGE", async () => {
    const small = await createTestApp(database, {});
    const capped = await import("../../src/app.js").then(({ createApp }) =>
      createApp({ ...testConfig, MAX_RESPONSE_BYTES: 2048 }, database),
    );
    try {
      const query = `{ households(first: 200) { nodes { householdNumber members { name } } } }`;
      const response = await capped.graphql({ query }, await officer());
      expect(response.status).toBe(200);
      expect(response.body.data).toBeUndefined();
      expect(codesOf(response.body.errors)).toEqual(["RESPONSE_TOO_LARGE"]);
      expect(response.body.errors![0]!.extensions).toMatchObject({ limit: 2048 });
      expect((await small.graphql({ query })).body.errors).toBeUndefined();
    } finally {
      await capped.stop();
      await small.stop();
    }
  });
});
