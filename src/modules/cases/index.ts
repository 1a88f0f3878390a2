import { CaseBatchResolver, CaseResolver, FollowUpResolver, HouseholdCasesResolver } from "./case.resolver.js";

// Resolver classes of the monitoring cases (识别, 帮扶, 风险消除, 跟踪回访), including `Household.monitoringCases`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const caseResolvers: Function[] = [CaseResolver, CaseBatchResolver, FollowUpResolver, HouseholdCasesResolver];
