import { AlertScreeningResolver, ScreeningResolver } from "./screening.resolver.js";

// Cross-department screening (部门筛查预警).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const screeningResolvers: Function[] = [ScreeningResolver, AlertScreeningResolver];
