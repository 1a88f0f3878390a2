import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import {
  DisabilityType,
  EducationLevel,
  EmploymentKind,
  Gender,
  HealthStatus,
  LabourCapacity,
  RelationToHead,
  SchoolingStatus,
} from "../../shared/enums.js";
import { NodeInterface } from "../../shared/node.js";
import { connectionType } from "../../shared/pagination.js";

@Directive('@key(fields: "id")')
@ObjectType("Member", {
  implements: NodeInterface,
  description: "A member of a registered household (家庭成员): identity, schooling, health, labour and assistance.",
})
export class Member {
  @Field(() => ID, { description: "Global id (also the federation key)." })
  id!: string;

  @Field(() => Int, {
    description: "Database key of the member's household (use `household` for the object and its global id).",
  })
  householdId!: number;

  @Field(() => String, { description: "12-digit statistical code of the household's village." })
  villageCode!: string;

  @Field(() => String, { description: "Name (姓名)." })
  name!: string;

  @Field(() => String, { description: "Identity number (身份证号), 18 characters (GB 11643)." })
  idNumber!: string;

  @Field(() => Gender, { description: "Gender (性别)." })
  gender!: string;

  @Field(() => String, { description: "ISO date of birth, YYYY-MM-DD (出生日期)." })
  birthDate!: string;

  @Field(() => RelationToHead, { description: "Relation to the head of household (与户主关系)." })
  relation!: string;

  @Field(() => String, { description: "Ethnicity (民族)." })
  ethnicity!: string;

  @Field(() => EducationLevel, { description: "Highest education level (文化程度). Education." })
  educationLevel!: string;

  @Field(() => SchoolingStatus, { description: "Schooling status (在校生状况). Education." })
  schoolingStatus!: string;

  @Field(() => String, { nullable: true, description: "School attended (就读学校). Education." })
  school!: string | null;

  @Field(() => HealthStatus, { description: "Health status (健康状况). Health." })
  healthStatus!: string;

  @Field(() => DisabilityType, { nullable: true, description: "Disability type (残疾类别). Civil affairs." })
  disabilityType!: string | null;

  @Field(() => Int, { nullable: true, description: "Disability grade 1–4 (残疾等级). Civil affairs." })
  disabilityGrade!: number | null;

  @Field(() => LabourCapacity, { description: "Labour capacity (劳动技能)." })
  labourCapacity!: string;

  @Field(() => EmploymentKind, { description: "Employment (务工情况)." })
  employment!: string;

  @Field(() => String, { nullable: true, description: "Where the member works (务工地点)." })
  employmentPlace!: string | null;

  @Field(() => Int, { description: "Months employed this year (务工时间，月)." })
  employmentMonths!: number;

  @Field(() => Boolean, { description: "Enrolled in basic medical insurance (城乡居民基本医疗保险). Health." })
  hasBasicMedicalInsurance!: boolean;

  @Field(() => Boolean, { description: "Covered by serious-illness insurance (大病保险). Health." })
  hasSeriousIllnessInsurance!: boolean;

  @Field(() => Boolean, { description: "Enrolled in pension insurance (城乡居民基本养老保险)." })
  hasPensionInsurance!: boolean;

  @Field(() => Boolean, { description: "Has a contracted family doctor (家庭医生签约). Health." })
  hasFamilyDoctorContract!: boolean;

  @Field(() => Float, { description: "Out-of-pocket medical expense in yuan (个人自付医疗费用). Health." })
  medicalExpenseOutOfPocket!: number;

  @Field(() => Int, { nullable: true, description: "Year the medical expense refers to." })
  medicalExpenseYear!: number | null;

  @Field(() => Boolean, { description: "Receives the minimum living allowance (低保). Civil affairs." })
  receivesLowIncomeAllowance!: boolean;

  @Field(() => Boolean, { description: "Receives extreme-poverty support (特困供养). Civil affairs." })
  receivesExtremePovertySupport!: boolean;

  @Field(() => Int, { description: "Row version, bumped by every write (optimistic concurrency)." })
  version!: number;

  @Field(() => String, { description: "ISO timestamp of the last change." })
  updatedAt!: string;
}

export const MemberConnection = connectionType(Member, "Member", "member");

export interface MemberRow {
  id: string;
  rowId: number;
  householdId: number;
  villageCode: string;
  birthDate: string;
  relation: string;
  name?: string;
}
