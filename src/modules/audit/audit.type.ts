import { Field, Int, ObjectType } from "type-graphql";
import { connectionType } from "../../shared/pagination.js";

@ObjectType("AuditEntry", {
  description: "One read of personal data (查询留痕): who read which fields of how many records, when and why.",
})
export class AuditEntry {
  @Field(() => String, { description: "Sequence number of the entry in the append-only log." })
  id!: string;

  @Field(() => String, { description: "When the read happened (ISO timestamp)." })
  at!: string;

  @Field(() => String, { description: "Who read: the principal (user id or api-key:<id>)." })
  principal!: string;

  @Field(() => String, { description: "The principal's department." })
  department!: string;

  @Field(() => String, { description: "The principal's region scope (code prefix; empty = everywhere)." })
  region!: string;

  @Field(() => String, { nullable: true, description: "The GraphQL operation name, if the client gave one." })
  operationName!: string | null;

  @Field(() => String, { description: "SHA-256 of the operation document." })
  documentHash!: string;

  @Field(() => [String], { description: "The personal fields returned, as Type.field." })
  fields!: string[];

  @Field(() => Int, { description: "How many records with personal data were returned." })
  recordCount!: number;

  @Field(() => String, { nullable: true, description: "The purpose code the reader declared (X-Purpose)." })
  purpose!: string | null;

  @Field(() => String, { nullable: true, description: "The free text declared with the purpose code." })
  purposeText!: string | null;

  @Field(() => String, { description: "The server's id of the request (also in the server log)." })
  requestId!: string;

  @Field(() => String, {
    nullable: true,
    description: "The client's own request id (X-Request-Id), sanitised: for correlation, not verified.",
  })
  correlationId!: string | null;

  @Field(() => String, { description: "Link of the previous entry: the chain that makes tampering evident." })
  prevHash!: string;

  @Field(() => String, {
    description:
      "Link of this entry: an HMAC, under a key the database does not hold, of its content and the previous link.",
  })
  hash!: string;
}

export const AuditEntryConnection = connectionType(AuditEntry, "AuditEntry", "audit entry");

export interface AuditRow {
  id: string;
  rowId: number;
  householdIds: number[];
}
