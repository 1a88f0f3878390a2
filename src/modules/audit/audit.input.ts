import { Field, InputType } from "type-graphql";

@InputType("AuditFilter", { description: "Which audit entries to list; all conditions must hold." })
export class AuditFilter {
  @Field(() => String, { nullable: true, description: "Only reads by this department." })
  department?: string | null;

  @Field(() => String, { nullable: true, description: "Only reads by this principal." })
  principal?: string | null;

  @Field(() => String, { nullable: true, description: "Only reads at or after this time (ISO)." })
  from?: string | null;

  @Field(() => String, { nullable: true, description: "Only reads before this time (ISO)." })
  to?: string | null;
}
