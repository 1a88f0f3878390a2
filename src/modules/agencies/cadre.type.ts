import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Gender } from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Cadre", {
  implements: NodeInterface,
  description: "A cadre (帮扶干部) of a helping agency: first secretary, work-team member or household helper.",
})
export class Cadre {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => String, { description: "Name (姓名)." })
  name!: string;

  @Field(() => Gender, { description: "Gender (性别)." })
  gender!: string;

  @Field(() => String, { nullable: true, description: "Position in the agency (职务)." })
  position!: string | null;

  @Field(() => String, {
    description: "Mobile phone (联系电话). Personal data: masked or denied by the access policy.",
  })
  phone!: string;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;
}

export const CadreConnection = connectionType(Cadre, "Cadre", "cadre");

export interface CadreRow {
  id: string;
  rowId: number;
  name: string;
  agencyId: number;
}
