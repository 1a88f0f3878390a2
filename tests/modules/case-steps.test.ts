import type { GraphQLFormattedError } from "graphql";
import { describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/shared/global-id.js";
import { authHeaders, useTestApp } from "../helpers/app.js";

type Outcome = { ok: boolean; record: { id: string; status: string; version: number } | null };
type BatchResult = {
  applied: number;
  unchanged: number;
  rejected: number;
  replayed: boolean;
  results: { index: number; id: string; status: string; code: string | null; message: string | null }[];
};

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Who takes which step of a case (seed 003: 经核查后按程序纳入): the township reviews, the county
 * confirms — a principal scoped below that level is refused whatever its department — and a
 * township's or county's sitting decides many cases at once with the batch form of a step.
 */
describe("monitoring case steps by level, one at a time and in batches", () => {
  const t = useTestApp();
  const county = () => authHeaders("RURAL_REVITALIZATION", "431221");

  async function mutate(name: string, inputType: string, input: object, headers: Record<string, string>) {
    const response = await t.query<Record<string, Outcome>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) { ok record { id status version } } }`,
      { input },
      headers,
    );
    return { outcome: response.data?.[name] ?? null, error: response.errors?.[0] as GraphQLFormattedError | undefined };
  }

  async function batch(name: string, inputType: string, input: object, headers: Record<string, string>) {
    const response = await t.query<Record<string, BatchResult>>(
      `mutation($input: ${inputType}!) { ${name}(input: $input) {
        applied unchanged rejected replayed results { index id status code message } } }`,
      { input },
      headers,
    );
    return { result: response.data?.[name] ?? null, error: response.errors?.[0] as GraphQLFormattedError | undefined };
  }

  async function step(name: string, inputType: string, input: object, headers?: Record<string, string>) {
    const { outcome, error } = await mutate(name, inputType, input, headers ?? (await county()));
    expect(error, JSON.stringify(error)).toBeUndefined();
    expect(outcome?.ok, name).toBe(true);
    return outcome!.record!;
  }

  /** A case opened by a cadre's visit, verified and noticed (its notice ended): ready for the township. */
  async function noticedCase(status: "EXITED" | "NOT_POOR" = "EXITED") {
    const household = await t.facts.household({ region: "431221", status });
    let c = await step("openMonitoringCase", "OpenMonitoringCaseInput", {
      householdId: household.id,
      source: "CADRE_VISIT",
      statement: "驻村工作队走访发现收入下降",
      openedOn: daysAgo(40),
    });
    c = await step("verifyCase", "VerifyCaseInput", {
      caseId: c.id,
      version: c.version,
      findings: "入户核实属实",
      verifiedOn: daysAgo(38),
    });
    c = await step("noticeCase", "NoticeCaseInput", {
      caseId: c.id,
      version: c.version,
      place: "村务公开栏",
      from: daysAgo(36),
      to: daysAgo(28),
    });
    return { household, c };
  }

  const monitoring = async (id: string) =>
    (
      await t.data<{ household: { status: string; monitoringStatus: string; monitoringType: string | null } }>(
        `query($id: ID!) { household(id: $id) { status monitoringStatus monitoringType } }`,
        { id },
        await county(),
      )
    ).household;

  it("refuses the township review to a village-scoped principal and the county confirmation to a township one", async () => {
    const { household, c } = await noticedCase();
    const village = await authHeaders("RURAL_REVITALIZATION", household.villageCode);
    const township = await authHeaders("RURAL_REVITALIZATION", household.villageCode.slice(0, 9));

    // The village's own officer may verify and notice, but not review for the township.
    const byVillage = await mutate(
      "reviewCase",
      "ReviewCaseInput",
      { caseId: c.id, version: c.version, note: "同意", reviewedOn: daysAgo(27) },
      village,
    );
    expect(byVillage.error?.extensions).toMatchObject({
      code: "FORBIDDEN",
      requiredLevel: "TOWNSHIP",
      principalLevel: "VILLAGE",
    });
    expect(byVillage.outcome).toBeNull();

    const reviewed = await step(
      "reviewCase",
      "ReviewCaseInput",
      { caseId: c.id, version: c.version, note: "乡镇审核同意", reviewedOn: daysAgo(27) },
      township,
    );
    expect(reviewed.status).toBe("REVIEWED");

    // The township cannot confirm for the county: nothing changes on the case or the household.
    const confirm = { caseId: c.id, version: reviewed.version, monitoringType: "UNSTABLE", riskTypes: ["INCOME_DROP"] };
    const byTownship = await mutate("confirmCase", "ConfirmCaseInput", confirm, township);
    expect(byTownship.error?.extensions).toMatchObject({
      code: "FORBIDDEN",
      requiredLevel: "COUNTY",
      principalLevel: "TOWNSHIP",
    });
    const batchByTownship = await batch("confirmCaseBatch", "ConfirmCaseBatchInput", { records: [confirm] }, township);
    expect(batchByTownship.error?.extensions?.code).toBe("FORBIDDEN");
    expect(await monitoring(household.id)).toMatchObject({ monitoringStatus: "NOT_MONITORED" });

    // A county officer — or a city one, wider — confirms.
    const confirmed = await step(
      "confirmCase",
      "ConfirmCaseInput",
      confirm,
      await authHeaders("RURAL_REVITALIZATION", "4312"),
    );
    expect(confirmed.status).toBe("MONITORED");
    expect(await monitoring(household.id)).toEqual({
      status: "EXITED",
      monitoringStatus: "MONITORED",
      monitoringType: "UNSTABLE",
    });
  });

  it("reviews and confirms many cases in one transaction, a result per record, and replays a retried batch", async () => {
    const cases = [await noticedCase(), await noticedCase("NOT_POOR"), await noticedCase()];
    const township = await authHeaders("RURAL_REVITALIZATION", "431221");
    const [first, second, third] = cases;

    // The third record is stale (a version nobody read): refused alone, the others applied.
    const reviews = {
      idempotencyKey: "township-sitting-1",
      records: [
        { caseId: first!.c.id, version: first!.c.version, note: "同意", reviewedOn: daysAgo(27) },
        { caseId: second!.c.id, version: second!.c.version, note: "同意", reviewedOn: daysAgo(27) },
        { caseId: third!.c.id, version: third!.c.version + 5, note: "同意", reviewedOn: daysAgo(27) },
      ],
    };
    const reviewed = await batch("reviewCaseBatch", "ReviewCaseBatchInput", reviews, township);
    expect(reviewed.error).toBeUndefined();
    expect(reviewed.result).toMatchObject({ applied: 2, rejected: 1, replayed: false });
    expect(reviewed.result!.results.map((r) => [r.status, r.code])).toEqual([
      ["APPLIED", null],
      ["APPLIED", null],
      ["REJECTED", "CONFLICT"],
    ]);
    // A retry after a lost answer returns the first result and applies nothing twice.
    const retried = await batch("reviewCaseBatch", "ReviewCaseBatchInput", reviews, township);
    expect(retried.result).toMatchObject({ applied: 2, rejected: 1, replayed: true });

    // The county confirms both reviewed cases; a case not yet reviewed is refused, saying what it needs.
    const confirmations = {
      records: [
        { caseId: first!.c.id, version: first!.c.version + 1, monitoringType: "UNSTABLE", riskTypes: ["ILLNESS"] },
        {
          caseId: second!.c.id,
          version: second!.c.version + 1,
          monitoringType: "MARGINAL",
          riskTypes: ["INCOME_DROP", "RIGID_EXPENDITURE"],
        },
        { caseId: third!.c.id, version: third!.c.version, monitoringType: "UNSTABLE", riskTypes: ["ILLNESS"] },
      ],
    };
    const confirmed = await batch("confirmCaseBatch", "ConfirmCaseBatchInput", confirmations, await county());
    expect(confirmed.error).toBeUndefined();
    expect(confirmed.result!.results.map((r) => [r.status, r.code])).toEqual([
      ["APPLIED", null],
      ["APPLIED", null],
      ["REJECTED", "REFUSED"],
    ]);
    expect(confirmed.result!.results[2]!.message).toContain("乡镇审核");
    expect(await monitoring(first!.household.id)).toEqual({
      status: "EXITED",
      monitoringStatus: "MONITORED",
      monitoringType: "UNSTABLE",
    });
    expect(await monitoring(second!.household.id)).toEqual({
      status: "NOT_POOR",
      monitoringStatus: "MONITORED",
      monitoringType: "MARGINAL",
    });
    expect(await monitoring(third!.household.id)).toMatchObject({ monitoringStatus: "NOT_MONITORED" });

    // A type that does not fit the registry (边缘易致贫户 for a household that had exited) is an
    // input problem of that record alone.
    const thirdReviewed = await step(
      "reviewCase",
      "ReviewCaseInput",
      { caseId: third!.c.id, version: third!.c.version, note: "同意", reviewedOn: daysAgo(27) },
      township,
    );
    const wrong = await batch(
      "confirmCaseBatch",
      "ConfirmCaseBatchInput",
      {
        records: [
          { caseId: third!.c.id, version: thirdReviewed.version, monitoringType: "MARGINAL", riskTypes: ["ILLNESS"] },
        ],
      },
      await county(),
    );
    expect(wrong.result).toMatchObject({ applied: 0, rejected: 1 });
    expect(wrong.result!.results[0]).toMatchObject({ status: "REJECTED", code: "INVALID_INPUT" });
    expect(await monitoring(third!.household.id)).toMatchObject({ monitoringStatus: "NOT_MONITORED" });
  });
  it("lets a county officer review for the township, and refuses a village officer's whole operation before any of it runs", async () => {
    const { household, c } = await noticedCase();
    const village = await authHeaders("RURAL_REVITALIZATION", household.villageCode);
    const review = { caseId: c.id, version: c.version, note: "同意", reviewedOn: daysAgo(27) };

    // The batch form has the township review's level without being listed apart; and an operation
    // holding a step the officer may take (a rejection) beside it is refused whole: nothing is written.
    const mixed = await t.query<Record<string, unknown>>(
      `mutation($review: ReviewCaseBatchInput!, $reject: RejectCaseInput!) {
        reject: rejectCase(input: $reject) { ok }
        review: reviewCaseBatch(input: $review) { applied }
      }`,
      { review: { records: [review] }, reject: { caseId: c.id, version: c.version, reason: "不符合条件" } },
      village,
    );
    expect(mixed.data ?? null).toBeNull();
    expect(mixed.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: "FORBIDDEN", requiredLevel: "TOWNSHIP", principalLevel: "VILLAGE" }),
    ]);
    const still = await t.data<{ node: { status: string; version: number } }>(
      `query($id: ID!) { node(id: $id) { ... on MonitoringCase { status version } } }`,
      { id: c.id },
      await county(),
    );
    expect(still.node).toEqual({ status: "NOTICED", version: c.version });

    // Wider than the township is allowed: the county reviews.
    const reviewed = await step("reviewCase", "ReviewCaseInput", review, await county());
    expect(reviewed.status).toBe("REVIEWED");
  });

  it("records a notice's objections and their settlements in batches, a result per record, and replays a retried batch", async () => {
    const first = await noticedCase();
    const second = await noticedCase();
    type Objections = {
      node: { version: number; objections: { id: string; content: string; settledOn: string | null }[] };
    };
    const objectionsOf = async (id: string) =>
      (
        await t.data<Objections>(
          `query($id: ID!) { node(id: $id) { ... on MonitoringCase { version objections { id content settledOn } } } }`,
          { id },
          await county(),
        )
      ).node;

    // The second record names no objector, the third a case nobody can see: each rejected alone.
    const raised = {
      idempotencyKey: "notice-objections-1",
      records: [
        {
          caseId: first.c.id,
          version: first.c.version,
          raisedBy: "村民甲",
          content: "收入需再核实",
          raisedOn: daysAgo(33),
        },
        { caseId: second.c.id, version: second.c.version, raisedBy: " ", content: "无", raisedOn: daysAgo(33) },
        {
          caseId: toGlobalId("MonitoringCase", 99_999_999),
          version: 1,
          raisedBy: "村民乙",
          content: "无",
          raisedOn: daysAgo(33),
        },
      ],
    };
    const once = await batch("raiseObjectionBatch", "RaiseObjectionBatchInput", raised, await county());
    expect(once.error).toBeUndefined();
    expect(once.result).toMatchObject({ applied: 1, rejected: 2, replayed: false });
    expect(once.result!.results.map((r) => [r.index, r.status, r.code])).toEqual([
      [0, "APPLIED", null],
      [1, "REJECTED", "INVALID_INPUT"],
      [2, "REJECTED", "FORBIDDEN"],
    ]);

    // A retry with the same key answers the first result: the objection is not recorded twice.
    const again = await batch("raiseObjectionBatch", "RaiseObjectionBatchInput", raised, await county());
    expect(again.result).toMatchObject({ applied: 1, rejected: 2, replayed: true });
    const objected = await objectionsOf(first.c.id);
    expect(objected.objections).toEqual([expect.objectContaining({ content: "收入需再核实", settledOn: null })]);
    expect((await objectionsOf(second.c.id)).objections).toEqual([]);

    // The same key for another batch is refused, not replayed.
    const misused = await batch(
      "settleObjectionBatch",
      "SettleObjectionBatchInput",
      { idempotencyKey: "notice-objections-1", records: [] },
      await county(),
    );
    expect(misused.error?.extensions?.code).toBe("BAD_USER_INPUT");

    // Settled in a batch; settling it again is refused for that record, saying when it was settled.
    const settle = (version: number) => ({
      caseId: first.c.id,
      version,
      objectionId: objected.objections[0]!.id,
      settlement: "经核实异议不成立",
      upheld: false,
      settledOn: daysAgo(30),
    });
    const settled = await batch(
      "settleObjectionBatch",
      "SettleObjectionBatchInput",
      { records: [settle(objected.version)] },
      await county(),
    );
    expect(settled.result).toMatchObject({ applied: 1, rejected: 0 });
    const twice = await batch(
      "settleObjectionBatch",
      "SettleObjectionBatchInput",
      { records: [settle(objected.version + 1)] },
      await county(),
    );
    expect(twice.result!.results[0]).toMatchObject({ status: "REJECTED", code: "REFUSED" });
    expect(twice.result!.results[0]!.message).toContain(daysAgo(30));
    expect((await objectionsOf(first.c.id)).objections).toEqual([expect.objectContaining({ settledOn: daysAgo(30) })]);
  });
});
