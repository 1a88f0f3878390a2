import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import {
  DisabilityType,
  EducationLevel,
  EmploymentKind,
  Gender,
  HealthStatus,
  InsuranceSubsidyCategory,
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

  @Field(() => String, {
    nullable: true,
    description: "Evidence of a schooling exemption (送教上门 / 因身体原因): the document or decision. Education.",
  })
  schoolingExemptionEvidence!: string | null;

  @Field(() => HealthStatus, { description: "Health status (健康状况). Health." })
  healthStatus!: string;

  @Field(() => Boolean, { description: "Has a contracted family doctor (家庭医生签约). Health." })
  hasFamilyDoctorContract!: boolean;

  @Field(() => DisabilityType, {
    nullable: true,
    description: "Disability type (残疾类别). Disabled persons' federation.",
  })
  disabilityType!: string | null;

  @Field(() => Int, { nullable: true, description: "Disability grade 1–4 (残疾等级). Disabled persons' federation." })
  disabilityGrade!: number | null;

  @Field(() => Boolean, {
    description: "Holds a disability certificate (持第二代残疾人证). Disabled persons' federation.",
  })
  hasDisabilityCertificate!: boolean;

  @Field(() => Boolean, {
    description: "Receives the living allowance for disabled people in hardship (困难残疾人生活补贴).",
  })
  receivesDisabilityLivingAllowance!: boolean;

  @Field(() => Boolean, {
    description: "Receives the nursing allowance for severely disabled people (重度残疾人护理补贴).",
  })
  receivesDisabilityNursingAllowance!: boolean;

  @Field(() => LabourCapacity, { description: "Labour capacity (劳动技能)." })
  labourCapacity!: string;

  @Field(() => EmploymentKind, { description: "Employment (务工情况). Human resources." })
  employment!: string;

  @Field(() => String, { nullable: true, description: "Where the member works (务工地点). Human resources." })
  employmentPlace!: string | null;

  @Field(() => Int, { description: "Months employed this year (务工时间，月). Human resources." })
  employmentMonths!: number;

  @Field(() => Boolean, { description: "Has had vocational skills training (职业技能培训). Human resources." })
  hasVocationalTraining!: boolean;

  @Field(() => Boolean, { description: "Holds a rural public-welfare job (乡村公益岗位). Human resources." })
  hasPublicWelfareJob!: boolean;

  @Field(() => Boolean, {
    description: "Enrolled in basic pension insurance (城乡居民基本养老保险). Human resources.",
  })
  hasPensionInsurance!: boolean;

  @Field(() => Boolean, {
    description: "The government pays the pension premium (养老保险费代缴). Human resources.",
  })
  pensionPremiumPaidByGovernment!: boolean;

  @Field(() => Boolean, {
    description: "Enrolled in basic medical insurance (城乡居民基本医疗保险). Medical insurance.",
  })
  hasBasicMedicalInsurance!: boolean;

  @Field(() => Boolean, { description: "Covered by serious-illness insurance (大病保险). Medical insurance." })
  hasSeriousIllnessInsurance!: boolean;

  @Field(() => InsuranceSubsidyCategory, {
    nullable: true,
    description: "Premium subsidy category (分类资助参保); null when not recorded. Medical insurance.",
  })
  insuranceSubsidyCategory!: string | null;

  @Field(() => Float, {
    description:
      "Medical expense reimbursed in the expense year, yuan (基本医保、大病保险、医疗救助报销). Medical insurance.",
  })
  medicalExpenseReimbursed!: number;

  @Field(() => Float, {
    description: "Out-of-pocket medical expense in yuan (个人自付医疗费用). Medical insurance.",
  })
  medicalExpenseOutOfPocket!: number;

  @Field(() => Int, { nullable: true, description: "Year the medical expense refers to. Medical insurance." })
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
