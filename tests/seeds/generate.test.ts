import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isValidIdNumber, parseIdNumber } from "../../src/shared/id-number.js";
import { generate, type TableBatch, TABLE_COLUMNS } from "../../seeds/generate.js";
import { csvField, toCsv } from "../../seeds/load.js";
import { tierPlan } from "../../seeds/plan.js";
import { countyAgencies } from "../../seeds/county.js";
import { AGENCY_OF_DEPARTMENT } from "../../seeds/vocabulary.js";
import { loadPolicyFile } from "../../src/access/policy.js";

function collect(seed?: number): Map<string, TableBatch["rows"]> {
  const tables = new Map<string, TableBatch["rows"]>();
  for (const batch of generate({ tier: "demo", seed })) {
    const rows = tables.get(batch.table) ?? [];
    for (const r of batch.rows) rows.push(r);
    tables.set(batch.table, rows);
  }
  return tables;
}

function hashes(tables: Map<string, TableBatch["rows"]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [table, rows] of tables) out[table] = createHash("sha256").update(toCsv(rows)).digest("hex");
  return out;
}

const demo = collect();
const col = (table: keyof typeof TABLE_COLUMNS, name: string) =>
  (TABLE_COLUMNS[table] as readonly string[]).indexOf(name);

describe("seed generator", () => {
  it("is deterministic: the same seed gives byte-identical CSV, another seed differs", () => {
    const first = hashes(demo);
    expect(Object.keys(first)).toHaveLength(Object.keys(TABLE_COLUMNS).length);
    expect(hashes(collect(42))).toEqual(first);
    const other = hashes(collect(7));
    expect(other.members).not.toBe(first.members);
    expect(other.households).not.toBe(first.households);
  });

  it("marks the city's counties as seed 002 counts them: 13 contiguous-area counties, 10 key counties", () => {
    const counties = tierPlan("city").counties;
    expect(counties).toHaveLength(13);
    expect(counties.filter((c) => c.isContiguousAreaCounty)).toHaveLength(13);
    expect(counties.filter((c) => c.isKeyCounty)).toHaveLength(10);
    expect(counties.reduce((n, c) => n + c.poorVillages, 0)).toBe(1237);
  });

  it("gives each village a registered population (户籍人口) beyond its registered poor", () => {
    const villages = demo.get("villages")!;
    const [population, poor, households, poorHouseholds] = [
      "registered_population",
      "registered_poor_population",
      "registered_households",
      "registered_poor_households",
    ].map((name) => col("villages", name));
    for (const v of villages) {
      expect(Number(v[population!])).toBeGreaterThan(Number(v[poor!]));
      expect(Number(v[households!])).toBeGreaterThanOrEqual(Number(v[poorHouseholds!]));
    }
    const sum = (i: number) => villages.reduce((n, v) => n + Number(v[i]), 0);
    const share = sum(poor!) / sum(population!);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.35);
  });

  it("produces the demo tier's scale", () => {
    expect(demo.get("villages")!.length).toBe(24);
    expect(demo.get("households")!.length).toBeGreaterThan(2500);
    expect(demo.get("households")!.length).toBeLessThan(3500);
    expect(demo.get("members")!.length).toBeGreaterThan(8000);
    expect(demo.get("members")!.length).toBeLessThan(12000);
  });

  it("brings every monitored household in by a confirmed case, from each source, some eliminated with follow-ups", () => {
    const cases = demo.get("monitoring_cases")!;
    const c = (name: string) => col("monitoring_cases", name);
    const byHousehold = new Map(cases.map((r) => [r[c("household_id")], r]));
    for (const h of demo.get("households")!) {
      const monitoring = h[col("households", "monitoring_status")];
      if (monitoring === "NOT_MONITORED") continue;
      const found = byHousehold.get(h[col("households", "id")])!;
      expect(found[c("status")]).toBe(monitoring === "MONITORED" ? "MONITORED" : "RISK_ELIMINATED");
      expect(found[c("monitoring_type")]).toBe(h[col("households", "monitoring_type")]);
      // Confirmed only after verification, notice and township review.
      expect(found[c("verified_on")]! < found[c("notice_from")]!).toBe(true);
      expect(found[c("notice_to")]! < found[c("reviewed_on")]!).toBe(true);
      expect(found[c("reviewed_on")]! < found[c("confirmed_on")]!).toBe(true);
      // Monitoring never turns a household into a poor or exited one it was not.
      if (h[col("households", "monitoring_type")] === "MARGINAL")
        expect(h[col("households", "status")]).toBe("NOT_POOR");
    }
    const statuses = new Set(cases.map((r) => r[c("status")]));
    for (const s of ["OPENED", "VERIFIED", "NOTICED", "REVIEWED", "MONITORED", "RISK_ELIMINATED", "REJECTED"]) {
      expect(statuses).toContain(s);
    }
    expect(new Set(cases.map((r) => r[c("source")]))).toEqual(
      new Set(["SELF_APPLICATION", "CADRE_VISIT", "DEPARTMENT_SCREENING"]),
    );
    const screened = cases.filter((r) => r[c("source")] === "DEPARTMENT_SCREENING").length;
    expect(demo.get("case_alerts")!.length).toBe(screened);
    const eliminated = cases.filter((r) => r[c("status")] === "RISK_ELIMINATED").length;
    expect(demo.get("follow_up_visits")!.length).toBe(2 * eliminated);
    expect(demo.get("assistance_measures")!.length).toBeGreaterThan(0);
  });

  it("seeds in every county of the demo and city tiers an agency of every department of the access policy", () => {
    // Every department of the policy says which agency it is, or that it is none (PUBLIC, VILLAGE_APPLICANT).
    const departments = Object.keys(loadPolicyFile().departments).sort();
    expect(Object.keys(AGENCY_OF_DEPARTMENT).sort()).toEqual(departments);
    const agencies = Object.values(AGENCY_OF_DEPARTMENT).filter((a): a is string => a !== null);
    for (const d of ["MEDICAL_INSURANCE", "DISABLED_PERSONS_FEDERATION", "WATER_RESOURCES", "HUMAN_RESOURCES"]) {
      expect(AGENCY_OF_DEPARTMENT[d], d).toBeTruthy();
    }

    for (const tier of ["demo", "city"] as const) {
      for (const county of tierPlan(tier).counties) {
        const keys = countyAgencies(county.name).map((a) => a.key);
        expect(keys.filter((k) => agencies.includes(k)).sort(), `${tier} ${county.name}`).toEqual([...agencies].sort());
      }
    }

    // The demo tier's rows: each county's agency of each department, at county level in the county.
    const [name, level, region] = ["name", "level", "region_code"].map((c) => col("agencies", c));
    const rows = new Set(
      demo.get("agencies")!.map((a) => `${String(a[region!])} ${String(a[level!])} ${String(a[name!])}`),
    );
    const counties = tierPlan("demo").counties;
    expect(counties.length).toBeGreaterThan(0);
    for (const county of counties) {
      const byKey = new Map(countyAgencies(county.name).map((a) => [a.key, a.name]));
      for (const key of agencies) {
        expect(rows.has(`${county.code6}000000 COUNTY ${byKey.get(key)!}`), `${county.name} ${key}`).toBe(true);
      }
    }
    expect([...rows].filter((r) => r.includes(" COUNTY ") && r.endsWith("医疗保障局")).length).toBe(counties.length);
    expect([...rows].filter((r) => r.includes(" COUNTY ") && r.endsWith("残疾人联合会")).length).toBe(counties.length);
  });

  it("gives every member a valid, unique identity number agreeing with birth date, gender and county", () => {
    const idNumber = col("members", "id_number");
    const birth = col("members", "birth_date");
    const gender = col("members", "gender");
    const village = col("members", "village_code");
    const seen = new Set<string>();
    const bad: string[] = [];
    for (const m of demo.get("members")!) {
      const id = m[idNumber] as string;
      const parsed = isValidIdNumber(id) ? parseIdNumber(id) : null;
      if (
        !parsed ||
        parsed.birthDate !== m[birth] ||
        parsed.gender !== m[gender] ||
        parsed.regionCode6 !== (m[village] as string).slice(0, 6) ||
        seen.has(id)
      ) {
        bad.push(`${id} ${String(m[birth])} ${String(m[gender])}`);
      }
      seen.add(id);
    }
    expect(bad).toEqual([]);
    expect(seen.size).toBe(demo.get("members")!.length);
  });

  it("keeps the code hierarchy consistent", () => {
    const regions = new Map(demo.get("regions")!.map((r) => [r[0] as string, r]));
    for (const [code, r] of regions) {
      const parent = r[3] as string | null;
      if (r[2] === "PROVINCE") expect(parent).toBeNull();
      if (r[2] === "CITY") expect(parent!.slice(0, 2)).toBe(code.slice(0, 2));
      if (r[2] === "COUNTY") expect(code.slice(0, 4)).toBe(parent!.slice(0, 4));
      if (r[2] === "TOWNSHIP") {
        expect(regions.get(parent!)![2]).toBe("COUNTY");
        expect(code.slice(0, 6)).toBe(parent!.slice(0, 6));
        expect(code.slice(9)).toBe("000");
      }
    }
    for (const v of demo.get("villages")!) {
      const code = v[col("villages", "code")] as string;
      const township = v[col("villages", "township_code")] as string;
      expect(regions.get(township)![2]).toBe("TOWNSHIP");
      expect(code.slice(0, 9)).toBe(township.slice(0, 9));
      expect(code).toMatch(/^[0-9]{12}$/);
    }
    const villages = new Set(demo.get("villages")!.map((v) => v[1] as string));
    const bad: unknown[] = [];
    for (const h of demo.get("households")!) {
      const number = h[col("households", "household_number")] as string;
      const village = h[col("households", "village_code")] as string;
      const monitored = h[col("households", "monitoring_status")] !== "NOT_MONITORED";
      if (
        !villages.has(village) ||
        !number.startsWith(village) ||
        !/^[0-9]{16,18}$/.test(number) ||
        monitored !== (h[col("households", "monitoring_type")] !== null)
      ) {
        bad.push(h);
      }
    }
    expect(bad).toEqual([]);
  });

  it("writes CSV that COPY reads back: NULL, empty strings, quotes, arrays, booleans", () => {
    expect(csvField(null)).toBe("");
    expect(csvField("")).toBe('""');
    expect(csvField(true)).toBe("t");
    expect(csvField(12.5)).toBe("12.5");
    expect(csvField('说 "好"')).toBe('"说 ""好"""');
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField(["ILLNESS", "DISABILITY"])).toBe('"{ILLNESS,DISABILITY}"');
    expect(csvField([])).toBe("{}");
    expect(
      toCsv([
        [1, null, "x"],
        [2, "", ["A"]],
      ]),
    ).toBe('1,,x\n2,"",{A}\n');
  });
});
