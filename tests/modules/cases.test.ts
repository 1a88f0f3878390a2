import { sql } from "drizzle-orm";
import type { GraphQLFormattedError } from "graphql";
import { describe, expect, it } from "vitest";
import { followUpSchedule } from "../../src/modules/cases/case.service.js";
import { authHeaders, tokenFor, TEST_PURPOSE, useTestApp } from "../helpers/app.js";

type Outcome = {
  ok: boolean;
  inputErrors: { path: string[]; code: string }[];
  error: { code: string; message: string } | null;
  record: Case | null;
};
type Case = {
  id: string;
  status: string;
  source: string;
  version: number;
  monitoringType: string | null;
  riskTypes: string[];
  formerlyPoor: boolean | null;
  alerts: { id: string; status: string }[];
  objections: { id: string; settledOn: string | null; upheld: boolean | null }[];
  assistance: { kind: string; department: string; funds: number | null }[];
  followUps: { id: string; dueOn: string; visitedOn: string | null }[];
};
type Missing = { code: string; message: string };

const CASE_FIELDS = `id status source version monitoringType riskTypes formerlyPoor
  alerts { id status } objections { id settledOn upheld } assistance { kind department funds }
  followUps { id dueOn visitedOn }`;

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const thisYear = new Date().getUTCFullYear();

/**
 * Monitoring cases as the county bureau (乡村振兴局) works them under seed 003: a department's data
 * raise an alert, the bureau opens a case, verifies it at home, notices it in the village, the
 * township reviews and the county confirms; only then is the household monitored. Assistance is
 * recorded, the risk is eliminated against stated criteria, and follow-up visits fall due.
 */
describe("monitoring cases", () => {
  const t = useTestApp();
  const bureau = () => authHeaders("RURAL_REVITALIZATION", "431221");

  async function mutate(
    name: string,
    inputType: string,
    input: object,
    headers?: Record<string, string>,
    fields = CASE_FIELDS,
  ) {
    const response = await t.query<Record<string, Outcome>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) {
        ok inputErrors { path code } error { code message } record { ${fields} } } }`,
      { input },
      headers ?? (await bureau()),
    );
    return { outcome: response.data?.[name] ?? null, errors: response.errors };
  }

  /** A step that must be applied: the case after it. */
  async function step(name: string, inputType: string, input: object): Promise<Case> {
    const { outcome, errors } = await mutate(name, inputType, input);
    expect(errors, JSON.stringify(errors)).toBeUndefined();
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    return outcome!.record!;
  }

  /** A step that must be refused: its typed error and what it lists as missing. */
  async function refused(name: string, inputType: string, input: object) {
    const { errors } = await mutate(name, inputType, input);
    const error = errors?.[0] as GraphQLFormattedError | undefined;
    return { code: error?.extensions?.code, missing: (error?.extensions?.missing ?? []) as Missing[] };
  }

  /** 医保: insurance enrolment and medical expenses are the medical-insurance bureau's writes. */
  async function recordMedicalInsurance(input: object) {
    const body = await t.query<{ recordMedicalInsurance: { ok: boolean } }>(
      `mutation($input: RecordMedicalInsuranceInput!) { recordMedicalInsurance(input: $input) { ok } }`,
      { input },
      await authHeaders("MEDICAL_INSURANCE", "431221"),
    );
    expect(body.data?.recordMedicalInsurance.ok, JSON.stringify(body.errors)).toBe(true);
  }

  async function household(id: string) {
    const data = await t.data<{
      household: {
        status: string;
        monitoringStatus: string;
        monitoringType: string | null;
        version: number;
        alerts: { id: string; signal: string; status: string; version: number }[];
        monitoringCases: { id: string; status: string }[];
      };
    }>(
      `query($id: ID!) { household(id: $id) { status monitoringStatus monitoringType version
        alerts { id signal status version } monitoringCases { id status } } }`,
      { id },
      await bureau(),
    );
    return data.household;
  }

  it("takes a household from a health alert through identification, monitoring, assistance and elimination to follow-up", async () => {
    const made = await t.facts.household({
      region: "431221",
      status: "EXITED",
      helper: true,
      housing: { housingGrade: "A", housingAssessedOn: "2023-04-01" },
      members: [{ age: 52 }, { age: 49 }],
    });
    const [patient, spouse] = made.members;

    // 医保: a hospital stay's settlement crosses the expense threshold — an alert is raised in the same write.
    await recordMedicalInsurance({
      memberId: patient!.id,
      version: patient!.version,
      medicalExpenseOutOfPocket: 26000,
      medicalExpenseYear: thisYear,
      reason: "住院结算",
    });
    const [alert] = (await household(made.id)).alerts;
    expect(alert).toMatchObject({ signal: "MEDICAL_EXPENSE", status: "OPEN" });

    // 部门筛查预警: the bureau opens a case from the alert.
    let c = await step("openMonitoringCase", "OpenMonitoringCaseInput", {
      householdId: made.id,
      source: "DEPARTMENT_SCREENING",
      alertIds: [alert!.id],
      statement: "大额医疗支出预警",
      openedOn: daysAgo(30),
    });
    expect(c).toMatchObject({ status: "OPENED", source: "DEPARTMENT_SCREENING", alerts: [{ id: alert!.id }] });
    // A second case for the same household is refused while this one is open.
    const again = await mutate("openMonitoringCase", "OpenMonitoringCaseInput", {
      householdId: made.id,
      source: "CADRE_VISIT",
      statement: "重复",
    });
    expect(again.outcome?.inputErrors).toEqual([{ path: ["input", "householdId"], code: "DUPLICATE" }]);

    // Out of order: the township cannot review a case nobody visited or noticed.
    const early = await refused("reviewCase", "ReviewCaseInput", { caseId: c.id, version: c.version, note: "同意" });
    expect(early.code).toBe("CASE_STEP_REFUSED");
    expect(early.missing.map((m) => m.code)).toEqual(["VERIFICATION", "NOTICE"]);

    c = await step("verifyCase", "VerifyCaseInput", {
      caseId: c.id,
      version: c.version,
      findings: "户主住院,自付医疗费用较高,家庭收入下降",
      verifiedOn: daysAgo(25),
    });
    const tooShort = await mutate("noticeCase", "NoticeCaseInput", {
      caseId: c.id,
      version: c.version,
      place: "村务公开栏",
      from: daysAgo(20),
      to: daysAgo(18),
    });
    expect(tooShort.outcome?.inputErrors).toEqual([{ path: ["input", "to"], code: "OUT_OF_RANGE" }]);
    c = await step("noticeCase", "NoticeCaseInput", {
      caseId: c.id,
      version: c.version,
      place: "村务公开栏",
      from: daysAgo(20),
      to: daysAgo(12),
    });
    c = await step("raiseObjection", "RaiseObjectionInput", {
      caseId: c.id,
      version: c.version,
      raisedBy: "村民代表",
      content: "该户有子女在外务工,收入情况需核实",
      raisedOn: daysAgo(15),
    });
    expect(c.objections).toEqual([expect.objectContaining({ settledOn: null })]);

    // Reviewed during the notice with the objection open: both are listed.
    const pending = await refused("reviewCase", "ReviewCaseInput", {
      caseId: c.id,
      version: c.version,
      note: "同意",
      reviewedOn: daysAgo(14),
    });
    expect(pending.code).toBe("CASE_STEP_REFUSED");
    expect(pending.missing.map((m) => m.code)).toEqual(["NOTICE_PERIOD_NOT_ENDED", "OBJECTION_UNSETTLED"]);

    c = await step("settleObjection", "SettleObjectionInput", {
      caseId: c.id,
      version: c.version,
      objectionId: c.objections[0]!.id,
      settlement: "经核实,子女务工收入不稳定,异议不成立",
      upheld: false,
      settledOn: daysAgo(11),
    });
    c = await step("reviewCase", "ReviewCaseInput", {
      caseId: c.id,
      version: c.version,
      note: "乡镇审核同意",
      reviewedOn: daysAgo(10),
    });
    expect(c.status).toBe("REVIEWED");
    // Until the county confirms, the household is not monitored.
    expect(await household(made.id)).toMatchObject({
      status: "EXITED",
      monitoringStatus: "NOT_MONITORED",
      monitoringType: null,
    });

    const wrongType = await mutate("confirmCase", "ConfirmCaseInput", {
      caseId: c.id,
      version: c.version,
      monitoringType: "MARGINAL",
      riskTypes: ["ILLNESS"],
    });
    expect(wrongType.outcome?.inputErrors).toEqual([{ path: ["input", "monitoringType"], code: "INCONSISTENT" }]);
    c = await step("confirmCase", "ConfirmCaseInput", {
      caseId: c.id,
      version: c.version,
      monitoringType: "UNSTABLE",
      riskTypes: ["ILLNESS", "RIGID_EXPENDITURE"],
      confirmedOn: daysAgo(9),
    });
    expect(c).toMatchObject({
      status: "MONITORED",
      monitoringType: "UNSTABLE",
      riskTypes: ["ILLNESS", "RIGID_EXPENDITURE"],
      formerlyPoor: true,
    });
    // Monitored, and still 已脱贫: the poverty status is the registry's, apart from monitoring.
    expect(await household(made.id)).toMatchObject({
      status: "EXITED",
      monitoringStatus: "MONITORED",
      monitoringType: "UNSTABLE",
    });

    c = await step("recordAssistanceMeasure", "RecordAssistanceMeasureInput", {
      caseId: c.id,
      version: c.version,
      kind: "HEALTH",
      description: "医疗救助二次报销",
      department: "HEALTH",
      startedOn: daysAgo(8),
      funds: 8000,
    });
    expect(c.assistance).toEqual([{ kind: "HEALTH", department: "HEALTH", funds: 8000 }]);

    // The spouse's insurance lapses: an item of 两不愁三保障 turns UNMET and raises its own alert.
    await recordMedicalInsurance({
      memberId: spouse!.id,
      version: spouse!.version,
      hasBasicMedicalInsurance: false,
      reason: "断保",
    });
    const notYet = await refused("eliminateRisk", "EliminateRiskInput", {
      caseId: c.id,
      version: c.version,
      note: "收入恢复",
    });
    expect(notYet.code).toBe("RISK_NOT_ELIMINATED");
    expect(notYet.missing.map((m) => m.code).sort()).toEqual(["GUARANTEE_NOT_MET", "OPEN_ALERT"]);
    expect(notYet.missing.find((m) => m.code === "GUARANTEE_NOT_MET")?.message).toContain("basic medical care");

    // Fixed: the spouse is enrolled again and the bureau works the insurance alert to its end.
    await recordMedicalInsurance({
      memberId: spouse!.id,
      version: spouse!.version + 1,
      hasBasicMedicalInsurance: true,
      reason: "续保",
    });
    let insurance = (await household(made.id)).alerts.find((a) => a.signal === "GUARANTEE_UNMET")!;
    for (const to of ["VERIFIED", "ASSISTING", "RESOLVED"]) {
      const moved = await t.data<{ advanceAlert: { ok: boolean; record: { version: number } } }>(
        `mutation($input: AdvanceAlertInput!) { advanceAlert(input: $input) { ok record { version } } }`,
        { input: { alertId: insurance.id, version: insurance.version, to, note: "已续保" } },
        await bureau(),
      );
      expect(moved.advanceAlert.ok).toBe(true);
      insurance = { ...insurance, version: moved.advanceAlert.record.version };
    }

    c = await step("eliminateRisk", "EliminateRiskInput", {
      caseId: c.id,
      version: c.version,
      note: "医疗费用已报销,收入稳定",
      eliminatedOn: daysAgo(1),
    });
    expect(c.status).toBe("RISK_ELIMINATED");
    // The risk is eliminated; the household stays 已脱贫, monitored as 脱贫不稳定户 until now; the
    // case's own alert is resolved with it.
    const after = await household(made.id);
    expect(after).toMatchObject({ status: "EXITED", monitoringStatus: "RISK_ELIMINATED", monitoringType: "UNSTABLE" });
    // Its history answers where it stood on any day: before the confirmation, under monitoring, after.
    const asOf = async (day: string) =>
      (
        await t.data<{ household: { status: string; monitoringStatus: string } }>(
          `query($id: ID!, $d: String!) { household(id: $id, asOf: $d) { status monitoringStatus } }`,
          { id: made.id, d: day },
          await bureau(),
        )
      ).household;
    expect(await asOf(daysAgo(10))).toEqual({ status: "EXITED", monitoringStatus: "NOT_MONITORED" });
    expect(await asOf(daysAgo(5))).toEqual({ status: "EXITED", monitoringStatus: "MONITORED" });
    expect(await asOf(daysAgo(0))).toEqual({ status: "EXITED", monitoringStatus: "RISK_ELIMINATED" });
    expect(after.alerts.find((a) => a.id === alert!.id)?.status).toBe("RESOLVED");
    const schedule = followUpSchedule(daysAgo(1), 6, 2);
    expect(c.followUps.map((f) => f.dueOn)).toEqual(schedule);

    // 跟踪回访: the first visit falls due six months on, scoped to the county.
    const due = async (asOf: string, region = "431221") =>
      (
        await t.data<{ followUpsDue: { nodes: { id: string; dueOn: string; case: { id: string } }[] } }>(
          `query($dueBy: String) { followUpsDue(dueBy: $dueBy, first: 100) { nodes { id dueOn case { id } } } }`,
          { dueBy: asOf },
          await authHeaders("RURAL_REVITALIZATION", region),
        )
      ).followUpsDue.nodes.filter((n) => n.case?.id === c.id);
    expect(await due(daysAgo(2))).toEqual([]);
    expect((await due(schedule[0]!)).map((n) => n.dueOn)).toEqual([schedule[0]]);
    expect(await due(schedule[0]!, "431202")).toEqual([]);
    c = await step("recordFollowUpVisit", "RecordFollowUpVisitInput", {
      caseId: c.id,
      version: c.version,
      findings: "生活稳定,无返贫风险",
    });
    expect(c.followUps[0]!.visitedOn).not.toBeNull();
    expect(await due(schedule[0]!)).toEqual([]);

    // Cases are personal data: their read is in the audit, with the household.
    const [entry] = await t.database.rows<{ fields: string[]; household_ids: number[] }>(
      sql`SELECT fields, household_ids FROM audit_log WHERE fields::text LIKE '%MonitoringCase%' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry!.household_ids).toContain(made.rowId);
  });

  it("lets a village applicant file a self-application for its own village only, and see only its own applications", async () => {
    const ours = await t.facts.household({ region: "431221", status: "EXITED" });
    const theirs = await t.facts.household({ region: "431202", status: "EXITED" });
    const applicant = {
      authorization: `Bearer ${await tokenFor("VILLAGE_APPLICANT", ours.villageCode, "village-cadre-1")}`,
      "x-purpose": TEST_PURPOSE,
    };
    const filed = await mutate(
      "fileSelfApplication",
      "FileSelfApplicationInput",
      { householdId: ours.id, statement: "家中遭遇洪灾,房屋受损,申请纳入监测" },
      applicant,
      "status source",
    );
    expect(filed.errors).toBeUndefined();
    expect(filed.outcome).toMatchObject({ ok: true, record: { status: "OPENED", source: "SELF_APPLICATION" } });
    const other = await mutate(
      "fileSelfApplication",
      "FileSelfApplicationInput",
      { householdId: theirs.id, statement: "代邻村申请" },
      applicant,
      "status",
    );
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // It reads its applications' status, nothing of the household or the case's steps.
    const mine = await t.query<{ monitoringCases: { nodes: { status: string; source: string }[] } }>(
      `{ monitoringCases(first: 10) { nodes { status source } } }`,
      {},
      applicant,
    );
    expect(mine.data?.monitoringCases.nodes).toEqual([{ status: "OPENED", source: "SELF_APPLICATION" }]);
    // Neither is in its department's contract: the document is refused before it runs.
    const steps = await t.query(`{ monitoringCases(first: 10) { nodes { verificationFindings } } }`, {}, applicant);
    expect(steps.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const registry = await t.query(`{ households(first: 1) { nodes { id } } }`, {}, applicant);
    expect(registry.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const verify = await mutate(
      "verifyCase",
      "VerifyCaseInput",
      { caseId: (await household(ours.id)).monitoringCases[0]!.id, version: 1, findings: "自行核实" },
      applicant,
      "status",
    );
    // Verifying is the bureau's mutation: not in the applicant's contract.
    expect(verify.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    // The bureau sees the application with the household it is for.
    expect((await household(ours.id)).monitoringCases).toEqual([expect.objectContaining({ status: "OPENED" })]);

    // An applicant's credentials name one village, never a county.
    const county = await t.query(
      `{ monitoringCases(first: 1) { nodes { status } } }`,
      {},
      {
        authorization: `Bearer ${await tokenFor("VILLAGE_APPLICANT", "431221")}`,
      },
    );
    expect(county.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("ends a marginal household's monitoring without calling it exited from poverty, and counts 返贫 and 致贫 apart", async () => {
    const edge = await t.facts.household({
      region: "431221",
      status: "NOT_POOR",
      housing: { housingGrade: "B", housingAssessedOn: "2023-04-01" },
      incomes: { [thisYear - 1]: 9000 },
    });
    let c = await step("openMonitoringCase", "OpenMonitoringCaseInput", {
      householdId: edge.id,
      source: "CADRE_VISIT",
      statement: "驻村工作队走访发现务工收入中断",
      openedOn: daysAgo(40),
    });
    c = await step("verifyCase", "VerifyCaseInput", {
      caseId: c.id,
      version: c.version,
      findings: "务工中断",
      verifiedOn: daysAgo(39),
    });
    c = await step("noticeCase", "NoticeCaseInput", {
      caseId: c.id,
      version: c.version,
      place: "村委会公示栏",
      from: daysAgo(38),
      to: daysAgo(30),
    });
    c = await step("reviewCase", "ReviewCaseInput", {
      caseId: c.id,
      version: c.version,
      note: "同意",
      reviewedOn: daysAgo(29),
    });
    const unstable = await mutate("confirmCase", "ConfirmCaseInput", {
      caseId: c.id,
      version: c.version,
      monitoringType: "UNSTABLE",
      riskTypes: ["UNSTABLE_EMPLOYMENT"],
    });
    expect(unstable.outcome?.inputErrors).toEqual([{ path: ["input", "monitoringType"], code: "INCONSISTENT" }]);
    c = await step("confirmCase", "ConfirmCaseInput", {
      caseId: c.id,
      version: c.version,
      monitoringType: "MARGINAL",
      riskTypes: ["UNSTABLE_EMPLOYMENT", "INCOME_DROP"],
      confirmedOn: daysAgo(28),
    });
    expect(c).toMatchObject({ formerlyPoor: false, monitoringType: "MARGINAL" });
    const ended = await step("eliminateRisk", "EliminateRiskInput", {
      caseId: c.id,
      version: c.version,
      note: "已稳定就业",
    });
    expect(ended.status).toBe("RISK_ELIMINATED");
    // Never registered poor, so never "exited": its poverty status stays NOT_POOR.
    expect(await household(edge.id)).toMatchObject({
      status: "NOT_POOR",
      monitoringStatus: "RISK_ELIMINATED",
      monitoringType: "MARGINAL",
    });

    // The registry owner's status changes: a never-poor household falling into poverty is 致贫
    // (NEWLY_POOR), an exited one 返贫 (RETURNED); monitoring is left as it was.
    const other = await t.facts.household({ region: "431221", monitoringType: "MARGINAL" });
    const change = async (id: string, version: number, action: string) =>
      t.data<{
        changeHouseholdStatus: { ok: boolean; record: { status: string; monitoringStatus: string; version: number } };
      }>(
        `mutation($input: ChangeHouseholdStatusInput!) { changeHouseholdStatus(input: $input) {
          ok record { status monitoringStatus version } } }`,
        { input: { householdId: id, version, action, reason: "动态管理" } },
        await bureau(),
      );
    const before = await t.data<{ monitoringCounts: { returnedToPoverty: number; becamePoor: number } }>(
      `{ monitoringCounts(regionCode: "431221") { returnedToPoverty becamePoor } }`,
      {},
      await bureau(),
    );
    const became = await change(other.id, other.version, "RETURN_TO_POVERTY");
    expect(became.changeHouseholdStatus.record).toMatchObject({ status: "NEWLY_POOR", monitoringStatus: "MONITORED" });
    const exited = await t.facts.household({ region: "431221", status: "EXITED" });
    const returned = await change(exited.id, exited.version, "RETURN_TO_POVERTY");
    expect(returned.changeHouseholdStatus.record.status).toBe("RETURNED");
    const counts = await t.data<{ monitoringCounts: { returnedToPoverty: number; becamePoor: number } }>(
      `{ monitoringCounts(regionCode: "431221") { returnedToPoverty becamePoor } }`,
      {},
      await bureau(),
    );
    expect(counts.monitoringCounts).toEqual({
      returnedToPoverty: before.monitoringCounts.returnedToPoverty + 1,
      becamePoor: before.monitoringCounts.becamePoor + 1,
    });

    // Households under monitoring are counted by their own monitoring standing: the edge household
    // whose risk was eliminated among the eliminated, one monitored without a case (as a household
    // converted from the old MONITORED status is) among the marginal ones.
    const standing = async () =>
      (
        await t.data<{ monitoringCounts: { marginal: number; riskEliminated: number } }>(
          `{ monitoringCounts(regionCode: "431221") { marginal riskEliminated } }`,
          {},
          await bureau(),
        )
      ).monitoringCounts;
    const [expected] = await t.database.rows<{ marginal: number; eliminated: number }>(
      sql`SELECT count(*) FILTER (WHERE monitoring_status = 'MONITORED' AND monitoring_type = 'MARGINAL')::int AS marginal,
        count(*) FILTER (WHERE monitoring_status = 'RISK_ELIMINATED')::int AS eliminated
        FROM households WHERE village_code LIKE '431221%'`,
    );
    const counted = await standing();
    expect(counted).toEqual({ marginal: expected!.marginal, riskEliminated: expected!.eliminated });
    await t.facts.household({ region: "431221", monitoringType: "MARGINAL" });
    expect(await standing()).toEqual({ marginal: counted.marginal + 1, riskEliminated: counted.riskEliminated });
  });

  it("shows a case's type and assistance to the assisting departments, its identification steps only to the bureau and civil affairs", async () => {
    for (const department of [
      "HEALTH",
      "EDUCATION",
      "HOUSING",
      "CIVIL_AFFAIRS",
      "WATER_RESOURCES",
      "HUMAN_RESOURCES",
      "MEDICAL_INSURANCE",
      "DISABLED_PERSONS_FEDERATION",
    ]) {
      const headers = await authHeaders(department, "431221");
      const typed = await t.query(
        `{ monitoringCases(first: 5) { nodes { status monitoringType riskTypes assistance { kind } } } }`,
        {},
        headers,
      );
      expect(typed.errors, department).toBeUndefined();
      const findings = await t.query(`{ monitoringCases(first: 5) { nodes { verificationFindings } } }`, {}, headers);
      // The steps are outside the contract of the departments that may not read them.
      expect(findings.errors?.[0]?.extensions?.code ?? null, department).toBe(
        department === "CIVIL_AFFAIRS" ? null : "GRAPHQL_VALIDATION_FAILED",
      );
    }
    for (const department of ["TRANSPORT"]) {
      const none = await t.query(
        `{ monitoringCases(first: 5) { nodes { status } } }`,
        {},
        await authHeaders(department, "431221"),
      );
      expect(none.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    }
    const anonymous = await t.query(`{ monitoringCases(first: 5) { nodes { status } } }`, {}, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});
