import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { PageArgs } from "../../shared/pagination.js";
import { Household, type HouseholdRow } from "../households/household.type.js";
import { AuditFilter } from "./audit.input.js";
import { householdAccessLog, listAudit } from "./audit.service.js";
import { AuditEntry, AuditEntryConnection } from "./audit.type.js";
import { MAX_ACCESS_LOG } from "./audit.loader.js";
import { ListSize } from "../../shared/list-size.js";

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description: "The read audit, newest first: every entry for the registry owner, your department's own for others.",
  })
  auditLog(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) args: PageArgs,
    @Arg("filter", () => AuditFilter, { nullable: true }) filter?: AuditFilter,
  ) {
    return listAudit(ctx, filter ?? {}, args);
  }
}

@Resolver(() => Household)
export class HouseholdAccessLogResolver {
  @ListSize(MAX_ACCESS_LOG)
  @FieldResolver(() => [AuditEntry], {
    description: "Who read this household's personal data, when and for what (newest first, at most 100).",
  })
  accessLog(@Root() household: HouseholdRow, @Ctx() ctx: Context) {
    return householdAccessLog(ctx, household);
  }
}
