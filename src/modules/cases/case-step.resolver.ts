import type { ClassType } from "type-graphql";
import { mutationResolvers } from "../../writes/owned-write.js";
import * as I from "./case.input.js";
import * as S from "./case.service.js";
import { CaseWriteResult } from "./case.target.js";

/** A step of a case as a mutation: the declared step, its input, and what its batch's records are. */
interface StepMutation<In extends I.CaseStepInput> {
  step: S.CaseStep<In>;
  input: ClassType<In>;
  description: string;
  /** What the records of the batch form are ("home visits (入户核实)"). */
  records: string;
}

const BATCH =
  "in one transaction, each record as the single step would be (same region level, checks, refusals and after-writes), a result per record; idempotent under `idempotencyKey`.";

/**
 * The resolvers of a case step: the single mutation and its batch form, generated as owned
 * writes' are, so no step goes without its batch form. Region levels (`mutationLevels` of the
 * policy) are the guard's, for both forms.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function stepResolvers<In extends I.CaseStepInput>(m: StepMutation<In>): Function[] {
  const { name } = m.step;
  return mutationResolvers({
    name,
    input: m.input,
    result: CaseWriteResult,
    description: m.description,
    single: (ctx, input) => S.runStep(ctx, m.step, input),
    batch: {
      what: m.records,
      description: `${name} for many cases ${BATCH}`,
      run: (ctx, input) => S.runStepBatch(ctx, m.step, input),
    },
  });
}

/** Every step of a case after its opening, each with its batch form (a township's or county's sitting). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const caseStepResolvers: Function[] = [
  stepResolvers({
    step: S.verifyCase,
    input: I.VerifyCaseInput,
    description: "入户核实: record the home visit (from OPENED).",
    records: "home visits (入户核实)",
  }),
  stepResolvers({
    step: S.noticeCase,
    input: I.NoticeCaseInput,
    description: "村级公示: record the village notice (from VERIFIED).",
    records: "village notices (村级公示)",
  }),
  stepResolvers({
    step: S.raiseObjection,
    input: I.RaiseObjectionInput,
    description: "Record an objection raised during the notice.",
    records: "objections raised during notices (公示异议)",
  }),
  stepResolvers({
    step: S.settleCaseObjection,
    input: I.SettleObjectionInput,
    description: "Record how an objection was settled.",
    records: "objection settlements",
  }),
  stepResolvers({
    step: S.reviewCase,
    input: I.ReviewCaseInput,
    description:
      "乡镇审核 (from NOTICED): refused (CASE_STEP_REFUSED, `missing`) while the notice runs or an objection is unsettled.",
    records: "township reviews (乡镇审核)",
  }),
  stepResolvers({
    step: S.confirmCase,
    input: I.ConfirmCaseInput,
    description: "县级确认 (from REVIEWED): the household is placed under monitoring with its type and risk types.",
    records: "county confirmations (县级确认)",
  }),
  stepResolvers({
    step: S.rejectCase,
    input: I.RejectCaseInput,
    description: "Close a case before confirmation without monitoring.",
    records: "case rejections",
  }),
  stepResolvers({
    step: S.recordAssistance,
    input: I.RecordAssistanceMeasureInput,
    description: "帮扶措施: record an assistance measure (case MONITORED).",
    records: "assistance measures (帮扶措施)",
  }),
  stepResolvers({
    step: S.eliminateRisk,
    input: I.EliminateRiskInput,
    description:
      "风险消除: refused (RISK_NOT_ELIMINATED, `missing`) while a configured criterion is unmet; then follow-ups fall due.",
    records: "risk eliminations (风险消除)",
  }),
  stepResolvers({
    step: S.recordFollowUpVisit,
    input: I.RecordFollowUpVisitInput,
    description: "跟踪回访: record a follow-up visit of an eliminated risk.",
    records: "follow-up visits (跟踪回访)",
  }),
].flat();
