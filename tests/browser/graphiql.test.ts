import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { ensureBundle } from "../../src/graphiql/bundle.js";
import { alertHub } from "../../src/modules/monitoring/alert.stream.js";
import { createTestApp, tokenFor } from "../helpers/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { example } from "../helpers/examples.js";
import { testServer } from "../helpers/server.js";

// Debian's chromium (apt-get install -y chromium): a browser is never downloaded through npm.
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// Skipped where the browser is missing, except in CI: .ci/run installs it, and a skip there would hide the test.
const skip = !hasChromium && !process.env.CI;
const skipped = skip ? `[skipped: ${CHROMIUM} is not installed — apt-get install -y chromium] ` : "";
const screenshots = new URL("../../.data/screenshots/", import.meta.url).pathname;

/**
 * An officer opens the query page on an offline network: everything comes from this server, a
 * token pasted as `npm run token` prints it is enough, the docs follow the token's department,
 * queries and subscriptions run, and the token is not left behind in the browser.
 */
describe.skipIf(skip)(`${skipped}the query page (GraphiQL) in Chromium`, () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Everything the page asked for that is not this server, and what the browser reported as an error. */
  const outside: string[] = [];
  const problems: string[] = [];
  const sent: { operationName?: string; authorization?: string }[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is not installed: apt-get install -y chromium`);
    if (!(await ensureBundle(() => {}))) throw new Error("the query page could not be built (npm run build:graphiql)");
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    app.serveSubscriptions(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-background-networking"],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on("websocket", (ws) => {
      if (!ws.url().startsWith(origin.replace("http", "ws"))) outside.push(ws.url());
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("request", (request) => {
      if (!request.url().endsWith("/graphql") || request.method() !== "POST") return;
      const { operationName } = (request.postDataJSON() ?? {}) as { operationName?: string };
      sent.push({ operationName, authorization: request.headers()["authorization"] });
    });
    mkdirSync(screenshots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.dispose();
  });

  const editorValue = (file: string) =>
    page.evaluate((suffix) => {
      const monaco = (globalThis as unknown as MonacoGlobal).__MONACO;
      return (
        monaco.editor
          .getModels()
          .find((m) => m.uri.path.endsWith(suffix))
          ?.getValue() ?? null
      );
    }, file);

  /** Replaces an editor's text the way a user does: select all, paste. */
  async function paste(file: string, text: string) {
    await page.click(`.monaco-editor[data-uri$="${file}"]`);
    await page.keyboard.press("Control+A");
    await page.evaluate((t) => (globalThis as unknown as BrowserGlobal).navigator.clipboard.writeText(t), text);
    await page.keyboard.press("Control+V");
    await expect.poll(() => editorValue(file)).toBe(text);
  }

  async function introspectedWith(authorization: string | undefined) {
    await expect
      .poll(() => sent.some((s) => s.operationName === "IntrospectionQuery" && s.authorization === authorization))
      .toBe(true);
  }

  it("loads with every request served by this server, the welcome query and the preset headers", async () => {
    await page.goto(`${origin}/`);
    await page.waitForSelector(".graphiql-container .monaco-editor");
    await expect.poll(() => editorValue("request-headers.json")).toContain('"X-Purpose": ""');
    expect(await editorValue("request-headers.json")).toContain('"Authorization": ""');
    expect(await editorValue("operation.graphql")).toContain("npm run token -- --department");
    await introspectedWith(undefined);
    await page.screenshot({ path: `${screenshots}graphiql-welcome.png` });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("takes a token pasted bare, shows that department's contract in the docs and runs a query", async () => {
    const token = await tokenFor("HEALTH", "431221");
    await paste(
      "request-headers.json",
      JSON.stringify({ Authorization: token, "X-Purpose": "INSURANCE_CHECK: 医保核查" }, null, 2),
    );
    // The docs follow the credentials: introspection again, now as HEALTH.
    await introspectedWith(`Bearer ${token}`);
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.getByRole("link", { name: "Mutation" }).first().click();
    const docs = page.locator(".graphiql-doc-explorer");
    await expect.poll(() => docs.textContent()).toContain("recordHealth");
    expect(await docs.textContent()).not.toContain("recordSchooling");

    await paste(
      "operation.graphql",
      `{ members(first: 3, filter: { regionCode: "431221" }) { nodes { name idNumber healthStatus } } }`,
    );
    await page.click(".graphiql-execute-button");
    await expect.poll(() => editorValue("response.json")).toContain('"members"');
    const response = JSON.parse((await editorValue("response.json"))!) as {
      data: { members: { nodes: { name: string; idNumber: string; healthStatus: string }[] } };
    };
    expect(response.data.members.nodes).toHaveLength(3);
    for (const member of response.data.members.nodes) expect(member.idNumber).toMatch(/^431221\*{8}\d{3}[\dX]$/);
    expect(sent.at(-1)).toEqual({ operationName: undefined, authorization: `Bearer ${token}` });
    await page.screenshot({ path: `${screenshots}graphiql-health-query.png` });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("opens an example from the Examples list and shows, as a subscription, the alert a write raises", async () => {
    await page.click('button[aria-label="Show Examples"]');
    await page.click('button[data-example="alert-raised"]');
    await expect.poll(() => editorValue("operation.graphql")).toBe(example("alert-raised"));
    // The example says it is for the registry owner: its token goes in the new tab's headers.
    const token = await tokenFor("RURAL_REVITALIZATION", "431221");
    await paste("request-headers.json", JSON.stringify({ Authorization: token }));
    const hub = alertHub(database);
    const listening = hub.size;
    await page.click(".graphiql-execute-button");
    await expect.poll(() => hub.size).toBe(listening + 1);

    const { body } = await app.graphql(
      { query: example("record-medical-insurance") },
      { authorization: `Bearer ${await tokenFor("MEDICAL_INSURANCE", "431221")}` },
    );
    expect(body.data).toMatchObject({ recordMedicalInsurance: { ok: true } });
    await expect.poll(() => editorValue("response.json")).toContain("MEDICAL_EXPENSE");
    expect(await editorValue("response.json")).toContain('"department": "MEDICAL_INSURANCE"');
    await page.screenshot({ path: `${screenshots}graphiql-subscription.png` });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("leaves no token in the browser's storage, history included", async () => {
    const stored = await page.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as BrowserGlobal;
      return JSON.stringify({ ...localStorage, ...sessionStorage });
    });
    expect(stored).toContain("members(first: 3"); // the history is kept…
    expect(stored).not.toMatch(/eyJ[\w-]+\.eyJ/); // …without the tokens it ran with
  });
});

/** What the page's own code sees (the tests are typed for Node, without the DOM's types). */
interface BrowserGlobal {
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
}

interface MonacoGlobal {
  __MONACO: { editor: { getModels(): { uri: { path: string }; getValue(): string }[] } };
}
