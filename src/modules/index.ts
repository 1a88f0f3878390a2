import type { NonEmptyArray } from "type-graphql";
import { agencyResolvers } from "./agencies/index.js";
import { auditResolvers } from "./audit/index.js";
import { caseResolvers } from "./cases/index.js";
import { changeResolvers } from "./changes/index.js";
import { stewardshipResolvers } from "./stewardship/index.js";
import { householdResolvers } from "./households/index.js";
import { incomeResolvers } from "./incomes/index.js";
import { screeningResolvers } from "./screening/index.js";
import { monitoringResolvers } from "./monitoring/index.js";
import { NodeResolver } from "./node/node.resolver.js";
import { projectResolvers } from "./projects/index.js";
import { regionResolvers } from "./regions/index.js";
import { registryResolvers } from "./registry/index.js";
import { villageResolvers } from "./villages/index.js";

/** Every module's resolvers: the one list the schema is built from. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  NodeResolver,
  ...regionResolvers,
  ...villageResolvers,
  ...householdResolvers,
  ...monitoringResolvers,
  ...caseResolvers,
  ...projectResolvers,
  ...agencyResolvers,
  ...auditResolvers,
  ...stewardshipResolvers,
  ...registryResolvers,
  ...incomeResolvers,
  ...screeningResolvers,
  ...changeResolvers,
];
