import { CaseResolver, FollowUpResolver, HouseholdCasesResolver } from "./case.resolver.js";
import { caseStepResolvers } from "./case-step.resolver.js";

// Resolver classes of the monitoring cases (识别, 帮扶, 风险消除, 跟踪回访), including `Household.monitoringCases`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const caseResolvers: Function[] = [CaseResolver, ...caseStepResolvers, FollowUpResolver, HouseholdCasesResolver];
