import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { authHeaders, createTestApp, request, type Response } from "../helpers/app.js";
import { onPostgres, openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { listen, serve, type Listening } from "../helpers/server.js";

/**
 * Integrators' bulk export (POST /export), told as their stories on the demo tier: an export is
 * the connection walked page by page — the same rows with the same masks, for every department —
 * streamed from one snapshot, resumable after a broken connection, audited once, and never a row
 * or a value the department could not have read through a query.
 */

type Headers = Record<string, string>;
type Row = Record<string, unknown>;

interface Exported {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let database: TestDatabase;
let app: App;
let listening: Listening | undefined;
let origin: string;

beforeAll(async () => {
  database = await openTestDatabase({ seed: "demo" });
  app = await createTestApp(database);
  listening = await listen(app.handle);
  origin = listening.origin;
});

afterAll(async () => {
  await app?.stop();
  await listening?.close();
  await database?.dispose();
});

/** POSTs an export and reads the whole answer (raw bytes: gzip is undone here, not by the client). */
function exportOf(
  body: { query: string; variables?: Record<string, unknown> },
  headers: Headers,
  params: Record<string, string> = {},
  server = origin,
): Promise<Exported> {
  const url = new URL("/export", server);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const text = (res.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** The JSON Lines of an export split into its control lines and its rows. */
function linesOf(text: string) {
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
  const control = lines.filter((l) => "@export" in l);
  return {
    header: control.find((l) => l["@export"] === "header"),
    pages: control.filter((l) => l["@export"] === "page"),
    end: control.find((l) => l["@export"] === "end"),
    error: control.find((l) => l["@export"] === "error"),
    rows: lines.filter((l) => !("@export" in l)),
  };
}

interface WalkPage {
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string };
}

/** Every node of a connection, walked with cursors through /graphql as a client would. */
async function walk(field: string, selection: string, headers: Headers, filter = ""): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const response: Response<Record<string, WalkPage>> = await request<Record<string, WalkPage>>(
      app,
      {
        query: `query Walk($after: String) { ${field}(${filter} first: 1000, after: $after) { nodes { ${selection} } pageInfo { hasNextPage endCursor } } }`,
        variables: { after },
      },
      headers,
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const page: WalkPage = response.data![field]!;
    rows.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

/** A selection of every leaf field (without required arguments) the contract gives a type, and its members'. */
function selectionFor(contract: GraphQLSchema, typeName: string, nested = true): string {
  const type = contract.getType(typeName) as GraphQLObjectType;
  const parts: string[] = [];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(f.type);
    if (isLeafType(named)) parts.push(f.name);
    else if (nested && typeName === "Household" && f.name === "members" && isObjectType(named)) {
      parts.push(`members { ${selectionFor(contract, named.name, false)} }`);
    }
  }
  return parts.join(" ");
}

/** The first connection of a department's contract whose nodes it may read. */
function exportableConnection(contract: GraphQLSchema): { field: string; type: string } | null {
  const query = contract.getQueryType()!;
  for (const field of ["households", "members", "villages", "projects", "agencies"]) {
    const connection = query.getFields()[field] && getNamedType(query.getFields()[field]!.type);
    const nodes = isObjectType(connection) ? connection.getFields().nodes : undefined;
    if (nodes) return { field, type: getNamedType(nodes.type).name };
  }
  return null;
}

async function headersOf(department: string): Promise<Headers> {
  if (department === "PUBLIC") return {};
  if (department !== "VILLAGE_APPLICANT") return authHeaders(department);
  const [village] = await database.rows<{ code: string }>(sql`SELECT code FROM villages ORDER BY code LIMIT 1`);
  return authHeaders(department, village!.code);
}

describe("an integrator exports its department's slice", () => {
  it("gets, for every department of the policy, exactly the rows and values of walking the connection page by page", async () => {
    let departments = 0;
    for (const department of app.policy.departments) {
      const contract = app.contracts.get(department)!;
      const target = exportableConnection(contract);
      if (!target) continue;
      departments++;
      const headers = await headersOf(department);
      const selection = selectionFor(contract, target.type);
      const walked = await walk(target.field, selection, headers);
      const exported = await exportOf({ query: `query Slice { ${target.field} { nodes { ${selection} } } }` }, headers);
      expect(exported.status, `${department}: ${exported.text.slice(0, 300)}`).toBe(200);
      const { header, end, rows, error } = linesOf(exported.text);
      expect(error, department).toBeUndefined();
      expect(rows, department).toEqual(walked);
      expect(header).toMatchObject({ node: target.type, total: walked.length, rowsBefore: 0 });
      expect(end).toMatchObject({ rows: walked.length });
    }
    expect(departments).toBeGreaterThanOrEqual(10);
  }, 600_000);

  it("reads pages of its own nesting and filter: households of one county with their members", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const query = `query County($county: String) { households(filter: { regionCode: $county }, orderBy: HOUSEHOLD_NUMBER) { edges { cursor node { id householdNumber villageCode members { name idNumber } } } } }`;
    const exported = await exportOf({ query, variables: { county: "431202" } }, headers);
    const { rows, pages, header } = linesOf(exported.text);
    const walked = await walk(
      "households",
      "id householdNumber villageCode members { name idNumber }",
      headers,
      'filter: { regionCode: "431202" }, orderBy: HOUSEHOLD_NUMBER,',
    );
    expect(rows).toEqual(walked);
    expect(rows.every((r) => String(r.villageCode).startsWith("431202"))).toBe(true);
    expect(pages.length).toBe(Math.ceil(rows.length / 1000) - 1);
    expect(header!.fields).toEqual(["id", "householdNumber", "villageCode", "members.name", "members.idNumber"]);
  });

  it("writes each row on one line, lists nested at any depth included", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const selection = "householdNumber projects { name year } village { name projects { name } } members { name }";
    const query = `query Nested { households(filter: { regionCode: "431202" }) { nodes { ${selection} } } }`;
    const exported = await exportOf({ query }, headers);
    expect(exported.status).toBe(200);
    const { rows, end } = linesOf(exported.text);
    const walked = await walk("households", selection, headers, 'filter: { regionCode: "431202" },');
    expect(rows).toEqual(walked);
    expect(end).toMatchObject({ rows: walked.length });
    // Lists of more than one object appear in the rows: their separators stayed on the line.
    expect(rows.some((r) => ((r.village as { projects: unknown[] }).projects ?? []).length > 1)).toBe(true);
  });

  it("never sees a row outside its region, nor a value it may only read masked", async () => {
    const headers = await authHeaders("HEALTH", "431202");
    const exported = await exportOf({ query: `{ members { nodes { id villageCode idNumber } } }` }, headers);
    const { rows } = linesOf(exported.text);
    const [{ n } = { n: -1 }] = await database.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM members WHERE village_code LIKE '431202%'`,
    );
    expect(rows).toHaveLength(n);
    expect(rows.every((r) => String(r.villageCode).startsWith("431202"))).toBe(true);
    expect(rows.every((r) => /^\d{6}\*{8}\w{4}$/.test(String(r.idNumber)))).toBe(true);
  });

  it("is refused, before anything streams, a field its department may not read", async () => {
    const exported = await exportOf(
      { query: `{ households { nodes { id incomes { kind amount } } } }` },
      await authHeaders("HEALTH"),
    );
    expect(exported.status).toBe(400);
    const body = JSON.parse(exported.text) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("must declare a purpose to export identity numbers (policy: exportPurposeRequired)", async () => {
    const { "x-purpose": _purpose, ...withoutPurpose } = await authHeaders("RURAL_REVITALIZATION");
    const refused = await exportOf({ query: `{ members { nodes { id idNumber } } }` }, withoutPurpose);
    expect(refused.status).toBe(403);
    expect(
      (JSON.parse(refused.text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe("FORBIDDEN");
    const allowed = await exportOf({ query: `{ members { nodes { id name } } }` }, withoutPurpose);
    expect(allowed.status).toBe(200);
  });

  it("leaves one audit entry per export, with its fields, its records and its purpose", async () => {
    const headers = await authHeaders("CIVIL_AFFAIRS", "431221");
    const count = async () => (await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`))[0]!.n;
    const before = await count();
    const exported = await exportOf({ query: `query Allowances { members { nodes { id name idNumber } } }` }, headers);
    const { rows } = linesOf(exported.text);
    expect(rows.length).toBeGreaterThan(1000);
    expect(await count()).toBe(before + 1);
    const [entry] = await database.rows<{
      operation_name: string;
      fields: string[];
      record_count: number;
      purpose: string;
    }>(sql`SELECT * FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(entry).toMatchObject({
      operation_name: "export:Allowances",
      fields: ["Member.id", "Member.idNumber", "Member.name"],
      record_count: rows.length,
      purpose: "MONITORING",
    });
  });
});

describe("an export's audit", () => {
  it("records in its one entry what walking the pages records in theirs: fields, records and households", async () => {
    type Entry = { fields: string[]; record_count: number; household_ids: number[] };
    const headers = await authHeaders("HEALTH", "431202");
    const selection = "id householdNumber members { id name idNumber healthStatus }";
    const lastId = async () =>
      (await database.rows<{ id: number }>(sql`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`))[0]!.id;
    const entriesAfter = (id: number) =>
      database.rows<Entry>(sql`SELECT fields, record_count, household_ids FROM audit_log WHERE id > ${id} ORDER BY id`);

    const beforeWalk = await lastId();
    const walked = await walk("households", selection, headers);
    const pages = await entriesAfter(beforeWalk);
    const beforeExport = await lastId();
    const exported = await exportOf({ query: `query Nested { households { nodes { ${selection} } } }` }, headers);
    expect(linesOf(exported.text).rows).toEqual(walked);
    expect(walked.length).toBeGreaterThan(1000);
    const entries = await entriesAfter(beforeExport);

    expect(entries).toHaveLength(1);
    const [entry] = entries;
    const byNumber = (a: number, b: number) => a - b;
    expect(entry!.fields).toEqual([...new Set(pages.flatMap((p) => p.fields))].sort());
    expect(entry!.record_count).toBe(pages.reduce((sum, p) => sum + p.record_count, 0));
    expect([...entry!.household_ids].sort(byNumber)).toEqual(
      [...new Set(pages.flatMap((p) => p.household_ids))].sort(byNumber),
    );
  });
});

describe("an integrator's export in other forms", () => {
  it("takes a flat selection as CSV, UTF-8 with a byte-order mark, gzipped when asked", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const query = `{ villages { nodes { code name povertyStatus } } }`;
    const csv = await exportOf({ query }, { ...headers, "accept-encoding": "gzip" }, { format: "csv" });
    expect(csv.headers["content-encoding"]).toBe("gzip");
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.text.startsWith("\uFEFFcode,name,povertyStatus\r\n")).toBe(true);
    const walked = await walk("villages", "code name povertyStatus", headers);
    const records = csv.text.slice(1).split("\r\n").filter(Boolean).slice(1);
    expect(records).toEqual(walked.map((v) => [v.code, v.name, v.povertyStatus].join(",")));
  });

  it("refuses CSV for a nested selection with a typed error", async () => {
    const exported = await exportOf(
      { query: `{ households { nodes { id members { name } } } }` },
      await authHeaders("RURAL_REVITALIZATION"),
      { format: "csv" },
    );
    expect(exported.status).toBe(400);
    expect(JSON.parse(exported.text)).toMatchObject({ errors: [{ extensions: { code: "EXPORT_CSV_NESTED" } }] });
  });

  it("refuses an operation that pages itself or selects no connection", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    for (const query of [
      `{ households(first: 10) { nodes { id } } }`,
      `{ regions { code } }`,
      `{ households { totalCount } }`,
    ]) {
      const exported = await exportOf({ query }, headers);
      expect(exported.status, query).toBe(400);
      expect(JSON.parse(exported.text), query).toMatchObject({
        errors: [{ extensions: { code: "EXPORT_OPERATION_INVALID" } }],
      });
    }
  });
});

describe("an interrupted export", () => {
  /** Reads an export until `pages` page lines have arrived, then hangs up; returns what it had. */
  function interrupted(body: { query: string }, headers: Headers, pages: number, server = origin): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        new URL("/export", server),
        { method: "POST", headers: { "content-type": "application/json", ...headers } },
        (res) => {
          let text = "";
          let held = false;
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            // Hold the first chunk a moment: the socket's buffers fill and the server waits for
            // them to drain, as it would for a slow client, instead of having written it all.
            if (!held) {
              held = true;
              res.pause();
              setTimeout(() => res.resume(), 500);
            }
            text += chunk;
            if ((text.match(/"@export":"page"/g) ?? []).length >= pages) {
              req.destroy();
              resolve(text);
            }
          });
          res.on("end", () => reject(new Error("the export ended before it was interrupted")));
        },
      );
      req.on("error", () => {});
      req.end(JSON.stringify(body));
    });
  }

  // Wide rows (megabytes in all): more than the sockets between them hold, so the export is
  // still running when the client hangs up.
  const wide = `age birthDate disabilityGrade disabilityType educationLevel employment employmentMonths employmentPlace ethnicity gender hasBasicMedicalInsurance hasDisabilityCertificate hasFamilyDoctorContract hasPensionInsurance hasPublicWelfareJob hasSeriousIllnessInsurance hasVocationalTraining healthStatus householdId idNumber insuranceSubsidyCategory labourCapacity medicalExpenseOutOfPocket medicalExpenseReimbursed medicalExpenseYear pensionPremiumPaidByGovernment receivesDisabilityLivingAllowance receivesDisabilityNursingAllowance receivesExtremePovertySupport receivesLowIncomeAllowance relation school schoolingStatus updatedAt version villageCode`;

  it("resumes after the last page line received and delivers every row exactly once", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const body = { query: `query All { members { nodes { id name ${wide} } } }` };
    const partial = await interrupted(body, headers, 2);
    // What the client keeps: everything up to its last complete page line.
    const upTo = partial.slice(0, partial.lastIndexOf('"@export":"page"'));
    const kept =
      partial.slice(0, upTo.lastIndexOf("\n") + 1) + partial.slice(upTo.lastIndexOf("\n") + 1).split("\n")[0] + "\n";
    const first = linesOf(kept);
    const token = first.pages.at(-1)!.resume as string;
    expect(first.rows).toHaveLength(2000);

    // Meanwhile the last member is renamed: the resumed export reads the export's snapshot on
    // PostgreSQL (the old name), and the current data on PGlite, where it asks for that (fresh=true).
    const [last] = await database.rows<{ id: number; name: string }>(
      sql`SELECT id, name FROM members ORDER BY id DESC LIMIT 1`,
    );
    await database.rows(sql`UPDATE members SET name = '改名' WHERE id = ${last!.id}`);
    const resumed = await exportOf(body, headers, onPostgres ? { resume: token } : { resume: token, fresh: "true" });
    await database.rows(sql`UPDATE members SET name = ${last!.name} WHERE id = ${last!.id}`);
    expect(resumed.status, resumed.text.slice(0, 300)).toBe(200);
    const second = linesOf(resumed.text);
    expect(second.header).toMatchObject({ resumed: true, rowsBefore: 2000, fresh: !onPostgres });
    if (onPostgres) expect(second.header!.snapshot).toEqual(expect.any(String));
    expect(second.rows.at(-1)!.name).toBe(onPostgres ? last!.name : "改名");
    const all = [...first.rows, ...second.rows].map((r) => r.id);
    const walked = (await walk("members", "id name", headers)).map((r) => r.id);
    expect(all).toEqual(walked);
    expect(new Set(all).size).toBe(all.length);
    expect(second.end).toMatchObject({ rows: walked.length });
  });

  it("ends when its client hangs up mid-way: its COPY, its snapshot's transaction and its connection are let go", async () => {
    // A server that keeps an interrupted export's snapshot one second for a resume, then lets it go.
    const server = await serve(database, { EXPORT_SNAPSHOT_HOLD_SECONDS: "1" });
    try {
      const headers = await authHeaders("RURAL_REVITALIZATION");
      const body = { query: `query All { members { nodes { id name ${wide} } } }` };
      const before = (
        await database.rows<{ id: number }>(sql`SELECT coalesce(max(id), 0)::int AS id FROM audit_log`)
      )[0]!.id;
      // As many hang-ups as one principal may run exports at once: none may hold its place after.
      for (let i = 0; i < 2; i++) {
        const partial = await interrupted(body, headers, 1, server.origin);
        expect(partial).not.toContain('"@export":"end"');
      }
      if (onPostgres) {
        // Nothing of the exports is left on the database server: no COPY, no open transaction.
        const left = () =>
          database.rows<{ application_name: string; state: string }>(
            sql`SELECT application_name, state FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND (application_name = 'xg-export' OR xact_start IS NOT NULL)`,
          );
        let rows = await left();
        for (let attempt = 0; attempt < 100 && rows.length; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          rows = await left();
        }
        expect(rows).toEqual([]);
      }
      // Each was audited as what it delivered before the hang-up, less than the whole.
      const [{ total }] = (await database.rows<{ total: number }>(sql`SELECT count(*)::int AS total FROM members`)) as [
        { total: number },
      ];
      const entries = await database.rows<{ operation_name: string; record_count: number }>(
        sql`SELECT operation_name, record_count FROM audit_log WHERE id > ${before} ORDER BY id`,
      );
      expect(entries).toHaveLength(2);
      for (const entry of entries) {
        expect(entry.operation_name).toBe("export:All");
        expect(entry.record_count).toBeGreaterThan(0);
        expect(entry.record_count).toBeLessThan(total);
      }
      // The database and the principal's export places serve again: a write, then a whole export.
      await database.rows(sql`UPDATE members SET name = name WHERE id = (SELECT min(id) FROM members)`);
      const whole = linesOf((await exportOf(body, headers, {}, server.origin)).text);
      expect(whole.end).toMatchObject({ rows: total });
    } finally {
      await server.close();
    }
  });

  it("fails with a typed code when the snapshot is gone and the client did not ask for fresh data", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const body = { query: `query Done { villages { nodes { code } } }` };
    const done = linesOf((await exportOf(body, headers)).text);
    const again = await exportOf(body, headers, { resume: done.end!.resume as string });
    // A finished export keeps nothing: its snapshot ended with it (and PGlite never keeps one).
    expect(again.status).toBe(410);
    expect(JSON.parse(again.text)).toMatchObject({ errors: [{ extensions: { code: "EXPORT_SNAPSHOT_GONE" } }] });
    const other = await exportOf({ query: `query Other { villages { nodes { name } } }` }, headers, {
      resume: done.end!.resume as string,
    });
    expect(JSON.parse(other.text)).toMatchObject({ errors: [{ extensions: { code: "EXPORT_RESUME_INVALID" } }] });
  });
});

describe("an export, then the change feed", () => {
  it("names the feed position of its snapshot: following the feed from it brings what changed after the export", async () => {
    const headers = await authHeaders("RURAL_REVITALIZATION");
    const exported = linesOf(
      (await exportOf({ query: `query Villages { villages { nodes { id name } } }` }, headers)).text,
    );
    const position = exported.header!.position as string;
    expect(typeof position).toBe("string");
    await database.rows(sql`UPDATE villages SET name = name || '（新）' WHERE code = (SELECT min(code) FROM villages)`);
    const feed = `query Feed($after: String) { changes(after: $after, types: ["Village"], first: 100) { entries { operation id changedFields node { ... on Village { name } } } } }`;
    // The feed delivers a change once every transaction begun before it has ended: on a shared
    // PostgreSQL server another database's transaction may hold it back a moment.
    let entries: { operation: string; id: string; changedFields: string[]; node: { name: string } }[] = [];
    for (let attempt = 0; attempt < 100 && entries.length === 0; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await request(app, { query: feed, variables: { after: position } }, headers);
      expect(response.errors).toBeUndefined();
      entries = (response.data as { changes: { entries: typeof entries } }).changes.entries;
    }
    const village = entries.find((e) => e.operation === "UPDATED" && e.changedFields.includes("name"));
    expect(village).toBeDefined();
    expect(village!.node.name).toMatch(/（新）$/);
    expect(exported.rows.some((r) => r.id === village!.id)).toBe(true);
  });
});
