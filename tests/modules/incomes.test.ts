import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";

type Alert = {
  signal: string;
  guaranteeItem: string | null;
  department: string;
  trigger: {
    field: string;
    oldValue: string | null;
    newValue: string | null;
    threshold: number | null;
    valuesWithheld: boolean;
  };
};
type WriteResult = {
  ok: boolean;
  record: { version: number } | null;
  inputErrors: { path: string[]; code: string }[];
  error: { code: string } | null;
};

const RECORD_INCOME = /* GraphQL */ `
  mutation ($input: RecordHouseholdIncomeInput!) {
    recordHouseholdIncome(input: $input) {
      ok
      record {
        version
      }
      inputErrors {
        path
        code
      }
      error {
        code
      }
    }
  }
`;
const RECORD_RIGID = /* GraphQL */ `
  mutation ($input: RecordRigidExpenditureInput!) {
    recordRigidExpenditure(input: $input) {
      ok
      record {
        version
      }
      inputErrors {
        path
        code
      }
      error {
        code
      }
    }
  }
`;
const HOUSEHOLD = /* GraphQL */ `
  query ($id: ID!) {
    household(id: $id) {
      version
      incomes {
        year
        perCapitaNetIncome
        persons
        verifiedBy
        verifiedOn
      }
      rigidExpenditures {
        year
        kind
        amount
        verifiedBy
      }
      alerts {
        signal
        guaranteeItem
        department
        trigger {
          field
          oldValue
          newValue
          threshold
          valuesWithheld
        }
      }
    }
  }
`;

/**
 * A county 乡村振兴局 officer records what the verification visits found (定期监测其收入支出状况):
 * incomes by kind and rigid expenditures, each with who verified it; the monitoring rules raise
 * the alerts the figures call for, inside the same write.
 */
describe("incomes and rigid expenditures", () => {
  const t = useTestApp();
  const officer = () => authHeaders("RURAL_REVITALIZATION", "431221");

  async function householdOf(id: number) {
    const data = await t.data<{
      household: {
        version: number;
        incomes: {
          year: number;
          perCapitaNetIncome: number;
          persons: number | null;
          verifiedBy: string | null;
          verifiedOn: string | null;
        }[];
        rigidExpenditures: { year: number; kind: string; amount: number; verifiedBy: string }[];
        alerts: Alert[];
      };
    }>(HOUSEHOLD, { id: toGlobalId("Household", id) }, await officer());
    return data.household;
  }

  const income = (householdId: number, version: number, year: number, perPerson: number, persons = 3) => ({
    householdId: toGlobalId("Household", householdId),
    version,
    year,
    wages: perPerson * persons,
    production: 0,
    property: 0,
    transfer: 0,
    productionCosts: 0,
    persons,
    verifiedBy: "杨家村 村两委 核实小组",
    verifiedOn: "2024-03-01",
    reason: "年度收入核实",
  });

  async function recordIncome(input: object) {
    const data = await t.data<{ recordHouseholdIncome: WriteResult }>(RECORD_INCOME, { input }, await officer());
    return data.recordHouseholdIncome;
  }

  it("the monitoring lines are rows with their source, and the registry owner sets a county's own line", async () => {
    const { monitoringStandards } = await t.data<{
      monitoringStandards: { year: number; regionPrefix: string | null; amount: number; source: string }[];
    }>(`{ monitoringStandards { year regionPrefix amount source } }`, {}, await officer());
    expect(monitoringStandards.map((s) => [s.year, s.amount])).toContainEqual([2024, 7000]);
    expect(monitoringStandards.every((s) => s.source.includes("示例值"))).toBe(true);

    const SET = `mutation($input: SetMonitoringStandardInput!) { setMonitoringStandard(input: $input) {
      ok record { year regionPrefix amount source version } inputErrors { path code } } }`;
    const county = await t.data<{
      setMonitoringStandard: { ok: boolean; record: { amount: number; version: number } };
    }>(
      SET,
      { input: { year: 2024, regionPrefix: "431221", amount: 7200, source: "芷江县乡村振兴局 2024年第3号通知" } },
      await officer(),
    );
    expect(county.setMonitoringStandard).toMatchObject({ ok: true, record: { amount: 7200, version: 1 } });
    const [line] = await t.database.rows<{ line: string }>(sql`SELECT monitoring_line(2024, '431221900201') AS line`);
    expect(Number(line!.line)).toBe(7200);

    const again = await t.data<{ setMonitoringStandard: { ok: boolean; inputErrors: { code: string }[] } }>(
      SET,
      { input: { year: 2024, regionPrefix: "431221", amount: 7300, source: "x" } },
      await officer(),
    );
    expect(again.setMonitoringStandard.inputErrors.map((e) => e.code)).toEqual(["DUPLICATE"]);

    // The line for everywhere is not a county officer's to change; nor is the line any other department's.
    const everywhere = await t.query(SET, { input: { year: 2025, amount: 7500, source: "x" } }, await officer());
    expect(everywhere.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const health = await t.query(
      SET,
      { input: { year: 2025, regionPrefix: "431221", amount: 7500, source: "x" } },
      await authHeaders("HEALTH", "431221"),
    );
    expect(health.errors?.length).toBeGreaterThan(0);
    await t.database.rows(sql`DELETE FROM monitoring_standards WHERE region_prefix = '431221'`);
  });

  it("an income recorded below the line raises a food-and-clothing alert, with who verified it", async () => {
    const household = await t.facts.household({ region: "431221", helper: true });
    const result = await recordIncome(income(household.rowId, household.version, 2024, 5200));
    expect(result).toMatchObject({ ok: true, error: null, inputErrors: [] });

    const after = await householdOf(household.rowId);
    expect(after.incomes).toEqual([
      {
        year: 2024,
        perCapitaNetIncome: 5200,
        persons: 3,
        verifiedBy: "杨家村 村两委 核实小组",
        verifiedOn: "2024-03-01",
      },
    ]);
    const [alert] = after.alerts;
    expect(after.alerts).toHaveLength(1);
    expect(alert).toMatchObject({
      signal: "GUARANTEE_UNMET",
      guaranteeItem: "FOOD_AND_CLOTHING",
      department: "RURAL_REVITALIZATION",
      trigger: {
        field: "HouseholdIncome.perCapitaNetIncome",
        newValue: "5200",
        threshold: 7000,
        valuesWithheld: false,
      },
    });

    // Recording the same figures again changes nothing and raises nothing more.
    const same = await recordIncome(income(household.rowId, after.version, 2024, 5200));
    expect(same.ok).toBe(true);
    expect((await householdOf(household.rowId)).alerts).toHaveLength(1);
  });

  it("an income at the line raises nothing; a verifier and a sensible household size are required", async () => {
    const household = await t.facts.household({ region: "431221" });
    expect((await recordIncome(income(household.rowId, household.version, 2024, 7000))).ok).toBe(true);
    expect((await householdOf(household.rowId)).alerts).toEqual([]);

    const bad = await recordIncome({
      ...income(household.rowId, household.version + 1, 2024, 7000, 0),
      verifiedBy: " ",
    });
    expect(bad.ok).toBe(false);
    expect(bad.inputErrors.map((e) => e.path.join("."))).toEqual(
      expect.arrayContaining(["input.persons", "input.verifiedBy"]),
    );
  });

  it("a drop of more than 30% from the year before raises INCOME_DROP, even above the line", async () => {
    const household = await t.facts.household({ region: "431221", incomes: { 2023: 16_000 } });
    const result = await recordIncome(income(household.rowId, household.version, 2024, 10_000));
    expect(result.ok).toBe(true);
    const { alerts } = await householdOf(household.rowId);
    expect(alerts.map((a) => a.signal)).toEqual(["INCOME_DROP"]);
    expect(alerts[0]!.trigger).toMatchObject({ oldValue: "16000", newValue: "10000", threshold: 11200 });

    // A smaller drop (20%) raises nothing.
    const other = await t.facts.household({ region: "431221", incomes: { 2023: 12_500 } });
    await recordIncome(income(other.rowId, other.version, 2024, 10_000));
    expect((await householdOf(other.rowId)).alerts).toEqual([]);
  });

  it("rigid expenditure beyond half the household's net income raises RIGID_EXPENDITURE", async () => {
    const household = await t.facts.household({ region: "431221" });
    // Net income 3 × 9,000 = 27,000 yuan in 2024.
    const recorded = await recordIncome(income(household.rowId, household.version, 2024, 9000));
    const rigid = (amount: number, version: number, kind = "MEDICAL") => ({
      householdId: toGlobalId("Household", household.rowId),
      version,
      year: 2024,
      kind,
      amount,
      note: "住院",
      verifiedBy: "镇卫生院 医保经办",
      verifiedOn: "2024-06-30",
      reason: "大病住院自付",
    });
    const first = await t.data<{ recordRigidExpenditure: WriteResult }>(
      RECORD_RIGID,
      { input: rigid(8000, recorded.record!.version) },
      await officer(),
    );
    expect(first.recordRigidExpenditure.ok).toBe(true);
    expect((await householdOf(household.rowId)).alerts).toEqual([]);

    const second = await t.data<{ recordRigidExpenditure: WriteResult }>(
      RECORD_RIGID,
      { input: rigid(7000, first.recordRigidExpenditure.record!.version, "DISASTER") },
      await officer(),
    );
    expect(second.recordRigidExpenditure.ok).toBe(true);
    const after = await householdOf(household.rowId);
    expect(after.rigidExpenditures.map((r) => [r.kind, r.amount])).toEqual([
      ["MEDICAL", 8000],
      ["DISASTER", 7000],
    ]);
    expect(after.alerts.map((a) => a.signal)).toEqual(["RIGID_EXPENDITURE"]);
    expect(after.alerts[0]!.trigger).toMatchObject({ oldValue: "27000", newValue: "15000", threshold: 13500 });
  });

  it("a batch of incomes is written by the engine, one result per record; only the registry owner may write them", async () => {
    const a = await t.facts.household({ region: "431221" });
    const b = await t.facts.household({ region: "431221" });
    const outside = await t.facts.household({ region: "431202" });
    const BATCH = `mutation($input: RecordHouseholdIncomeBatchInput!) { recordHouseholdIncomeBatch(input: $input) {
      applied rejected results { index status code } } }`;
    const records = [
      income(a.rowId, a.version, 2024, 8000),
      income(b.rowId, b.version, 2024, 6000),
      income(outside.rowId, outside.version, 2024, 6000),
    ];
    const { recordHouseholdIncomeBatch: batch } = await t.data<{
      recordHouseholdIncomeBatch: {
        applied: number;
        rejected: number;
        results: { status: string; code: string | null }[];
      };
    }>(BATCH, { input: { records } }, await officer());
    expect(batch).toMatchObject({ applied: 2, rejected: 1 });
    expect(batch.results.map((r) => r.code)).toEqual([null, null, "FORBIDDEN"]);
    expect((await householdOf(b.rowId)).alerts.map((x) => x.guaranteeItem)).toEqual(["FOOD_AND_CLOTHING"]);

    const civil = await t.query(BATCH, { input: { records } }, await authHeaders("CIVIL_AFFAIRS", "431221"));
    expect(civil.errors?.length).toBeGreaterThan(0);
  });

  it("another department sees an income alert, never the income behind it", async () => {
    const household = await t.facts.household({ region: "431221" });
    await recordIncome(income(household.rowId, household.version, 2024, 3000));
    const { household: seen } = await t.data<{ household: { alerts: Alert[] } }>(
      `query($id: ID!) { household(id: $id) { alerts { signal guaranteeItem trigger { field oldValue newValue threshold valuesWithheld } } } }`,
      { id: toGlobalId("Household", household.rowId) },
      await authHeaders("EDUCATION", "431221"),
    );
    expect(seen.alerts).toEqual([
      {
        signal: "GUARANTEE_UNMET",
        guaranteeItem: "FOOD_AND_CLOTHING",
        trigger: {
          field: "HouseholdIncome.perCapitaNetIncome",
          oldValue: null,
          newValue: null,
          threshold: null,
          valuesWithheld: true,
        },
      },
    ]);
  });
});
