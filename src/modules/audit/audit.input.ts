import { Field, InputType } from "type-graphql";
import { Reads } from "../../access/reads.js";

@InputType("AuditFilter", { description: "Which audit entries to list; all conditions must hold." })
export class AuditFilter {
  @Reads("department")
  @Field(() => String, { nullable: true, description: "Only reads by this department." })
  department?: string | null;

  @Reads("principal")
  @Field(() => String, { nullable: true, description: "Only reads by this principal." })
  principal?: string | null;

  @Reads("at")
  @Field(() => String, { nullable: true, description: "Only reads at or after this time (ISO)." })
  from?: string | null;

  @Reads("at")
  @Field(() => String, { nullable: true, description: "Only reads before this time (ISO)." })
  to?: string | null;
}
