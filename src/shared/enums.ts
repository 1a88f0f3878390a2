import { registerEnumType } from "type-graphql";
import * as db from "../db/enums.js";

type Values<E extends { enumValues: readonly string[] }> = E["enumValues"][number];

/**
 * Registers a database enum as a GraphQL enum whose values carry their Chinese term.
 * Every value needs a description: the record type makes a missing one a compile error.
 */
export function graphqlEnum<E extends { enumValues: readonly string[] }>(
  pgEnum: E,
  name: string,
  description: string,
  values: Record<Values<E>, string>,
): Record<Values<E>, Values<E>> {
  const object = Object.fromEntries(pgEnum.enumValues.map((v) => [v, v])) as Record<Values<E>, Values<E>>;
  const valuesConfig = Object.fromEntries(
    Object.entries(values).map(([k, d]) => [k, { description: d as string }]),
  ) as Record<string, { description: string }>;
  registerEnumType(object, { name, description, valuesConfig: valuesConfig as never });
  return object;
}

export const RegionLevel = graphqlEnum(
  db.regionLevel,
  "RegionLevel",
  "Level in the administrative hierarchy (行政区划级别).",
  {
    PROVINCE: "省级 Province.",
    CITY: "地级 City / prefecture.",
    COUNTY: "县级 County, county-level city or district.",
    TOWNSHIP: "乡级 Township or town.",
  },
);

export const VillagePovertyStatus = graphqlEnum(
  db.villagePovertyStatus,
  "VillagePovertyStatus",
  "A village's poverty status.",
  {
    NOT_POOR: "非贫困村 Not a registered poor village.",
    POOR: "贫困村 Registered poor village.",
    DEEP_POOR: "深度贫困村 Deep-poverty village.",
    EXITED: "已出列 Poor village that has exited poverty.",
  },
);

export const HouseholdAttribute = graphqlEnum(
  db.householdAttribute,
  "HouseholdAttribute",
  "Registered household attribute (贫困户属性).",
  {
    GENERAL: "一般贫困户 General poor household.",
    LOW_INCOME_ASSURED: "低保贫困户 Poor household on the minimum living allowance.",
    EXTREME_POVERTY_SUPPORTED: "特困供养户 Household supported as extremely poor.",
  },
);

export const HouseholdStatus = graphqlEnum(
  db.householdStatus,
  "HouseholdStatus",
  "A household's poverty status in the registry (贫困状态). Monitoring is apart (`MonitoringStatus`): placing a household under monitoring or eliminating its risk never changes this.",
  {
    POOR: "未脱贫 Registered poor (建档立卡), not yet exited.",
    EXITED: "已脱贫 Registered poor and exited poverty.",
    RETURNED: "返贫 Had exited poverty and fell back into it (counted apart from 致贫).",
    NEWLY_POOR: "致贫 Never registered poor, fell into poverty (counted apart from 返贫).",
    NOT_POOR:
      "非建档立卡 Never registered poor: an ordinary rural household known to the registry (e.g. an edge household, 边缘易致贫户, under monitoring).",
  },
);

export const MonitoringStatus = graphqlEnum(
  db.monitoringStatus,
  "MonitoringStatus",
  "Where a household stands in return-to-poverty monitoring (防止返贫动态监测), whatever its poverty status. Set only by a monitoring case: its county confirmation (纳入监测) and its risk elimination (风险消除).",
  {
    NOT_MONITORED: "未纳入监测 Never placed under monitoring.",
    MONITORED: "监测对象 Under monitoring, with its `monitoringType`.",
    RISK_ELIMINATED: "风险已消除 Its risk was eliminated; `monitoringType` keeps the type it was monitored as.",
  },
);

export const PovertyCause = graphqlEnum(db.povertyCause, "PovertyCause", "Cause of poverty (致贫原因).", {
  ILLNESS: "因病 Illness.",
  DISABILITY: "因残 Disability.",
  SCHOOLING: "因学 Schooling costs.",
  DISASTER: "因灾 Natural disaster.",
  LACK_OF_LAND: "缺土地 Lack of land.",
  LACK_OF_WATER: "缺水 Lack of water.",
  LACK_OF_SKILLS: "缺技术 Lack of skills.",
  LACK_OF_LABOUR: "缺劳力 Lack of labour.",
  LACK_OF_CAPITAL: "缺资金 Lack of capital.",
  POOR_TRANSPORT: "交通条件落后 Poor transport.",
  LACK_OF_DRIVE: "自身发展动力不足 Lack of own drive.",
});

export const HousingGrade = graphqlEnum(db.housingGrade, "HousingGrade", "Housing safety grade (房屋安全等级).", {
  A: "A级 Safe.",
  B: "B级 Basically safe.",
  C: "C级 Locally dangerous (局部危房).",
  D: "D级 Wholly dangerous (整栋危房).",
});

export const HousingPriority = graphqlEnum(
  db.housingPriority,
  "HousingPriority",
  "Priority category for dangerous-house renovation (危房改造四类重点对象).",
  {
    REGISTERED_POOR: "建档立卡贫困户 Registered poor household.",
    LOW_INCOME: "低保户 Minimum-living-allowance household.",
    DISPERSED_EXTREME_POOR: "农村分散供养特困人员 Dispersed extremely poor person.",
    POOR_DISABLED: "贫困残疾人家庭 Poor family with a disabled member.",
  },
);

export const MonitoringType = graphqlEnum(
  db.monitoringType,
  "MonitoringType",
  "Kind of return-to-poverty monitoring (监测对象类型).",
  {
    UNSTABLE: "脱贫不稳定户 Exited but unstable.",
    MARGINAL: "边缘易致贫户 Marginal, at risk of falling into poverty.",
    SUDDEN_HARDSHIP: "突发严重困难户 Sudden severe hardship.",
  },
);

export const HouseholdEventKind = graphqlEnum(
  db.householdEventKind,
  "HouseholdEventKind",
  "What a history event records (动态管理).",
  {
    IDENTIFIED: "识别 Identified as poor and registered.",
    EXITED: "脱贫 Exited poverty.",
    PLACED_UNDER_MONITORING:
      "纳入监测 Placed under monitoring (a case's county confirmation); the poverty status is unchanged.",
    RETURNED_TO_POVERTY: "返贫 A household that had exited returned to poverty (status RETURNED).",
    RISK_ELIMINATED: "风险消除 Monitoring risk eliminated (a case's decision); the poverty status is unchanged.",
    FIELD_CHANGED: "信息变更 A department changed a field it owns.",
    BECAME_POOR: "致贫 A household never registered poor became poor (status NEWLY_POOR, counted apart from 返贫).",
  },
);

export const Gender = graphqlEnum(db.gender, "Gender", "Gender (性别).", {
  MALE: "男 Male.",
  FEMALE: "女 Female.",
});

export const RelationToHead = graphqlEnum(
  db.relationToHead,
  "RelationToHead",
  "Relation to the head of household (与户主关系).",
  {
    HEAD: "户主 Head of household.",
    SPOUSE: "配偶 Spouse.",
    SON: "之子 Son.",
    DAUGHTER: "之女 Daughter.",
    DAUGHTER_IN_LAW: "之儿媳 Daughter-in-law.",
    SON_IN_LAW: "之女婿 Son-in-law.",
    GRANDSON: "之孙子 Grandson.",
    GRANDDAUGHTER: "之孙女 Granddaughter.",
    FATHER: "之父 Father.",
    MOTHER: "之母 Mother.",
    SIBLING: "兄弟姐妹 Brother or sister.",
    OTHER: "其他 Other.",
  },
);

export const EducationLevel = graphqlEnum(db.educationLevel, "EducationLevel", "Highest education level (文化程度).", {
  NONE: "文盲或半文盲 None.",
  PRESCHOOL: "学前教育 Preschool.",
  PRIMARY: "小学 Primary school.",
  JUNIOR_SECONDARY: "初中 Junior secondary.",
  SENIOR_SECONDARY: "高中 Senior secondary.",
  VOCATIONAL: "中职/高职 Vocational.",
  TERTIARY: "大专及以上 Tertiary.",
});

export const SchoolingStatus = graphqlEnum(
  db.schoolingStatus,
  "SchoolingStatus",
  "Schooling status (在校生状况), recorded by education.",
  {
    IN_SCHOOL: "在校 In school.",
    DROPPED_OUT: "辍学 Dropped out.",
    NOT_OF_SCHOOL_AGE: "非在校年龄 Not of school age.",
    GRADUATED: "已毕业/离校 Graduated or left school.",
    HOME_TAUGHT: "送教上门 Taught at home by a school (exempt from attendance; not a dropout).",
    EXEMPT_FOR_HEALTH: "因身体原因不具备学习条件 Exempt: physically unable to attend school (not a dropout).",
  },
);

/** Schooling statuses that exempt a school-age child from attendance: never a dropout, need evidence. */
export const SCHOOLING_EXEMPTIONS: readonly string[] = ["HOME_TAUGHT", "EXEMPT_FOR_HEALTH"];

export const InsuranceSubsidyCategory = graphqlEnum(
  db.insuranceSubsidyCategory,
  "InsuranceSubsidyCategory",
  "Premium subsidy for basic medical insurance (城乡居民医保分类资助参保), recorded by medical insurance.",
  {
    FULL: "全额资助 Premium paid in full (农村特困人员).",
    FIXED: "定额资助 Fixed subsidy (低保对象).",
    FORMERLY_POOR: "脱贫人口资助 Subsidy for people lifted out of poverty (transition period).",
    NONE: "不资助 No subsidy.",
  },
);

export const HealthStatus = graphqlEnum(
  db.healthStatus,
  "HealthStatus",
  "Health status (健康状况), recorded by health.",
  {
    HEALTHY: "健康 Healthy.",
    CHRONIC_ILLNESS: "长期慢性病 Chronic illness.",
    SERIOUS_ILLNESS: "大病 Serious illness.",
    DISABLED: "残疾 Disabled.",
  },
);

export const DisabilityType = graphqlEnum(db.disabilityType, "DisabilityType", "Disability type (残疾类别).", {
  VISUAL: "视力残疾 Visual.",
  HEARING: "听力残疾 Hearing.",
  SPEECH: "言语残疾 Speech.",
  PHYSICAL: "肢体残疾 Physical.",
  INTELLECTUAL: "智力残疾 Intellectual.",
  MENTAL: "精神残疾 Mental.",
  MULTIPLE: "多重残疾 Multiple.",
});

export const LabourCapacity = graphqlEnum(db.labourCapacity, "LabourCapacity", "Labour capacity (劳动技能).", {
  NORMAL: "普通劳动力 Able to work.",
  WEAK: "弱劳动力或半劳动力 Partly able to work.",
  NONE: "丧失劳动力 Unable to work.",
  NOT_OF_WORKING_AGE: "无劳动力（未成年或老年）Not of working age.",
});

export const EmploymentKind = graphqlEnum(db.employmentKind, "EmploymentKind", "Employment (务工情况).", {
  UNEMPLOYED: "未就业 Not employed.",
  FARMING: "务农 Farming.",
  LOCAL_WAGE: "乡镇内务工 Wage work in the township.",
  MIGRANT_IN_PROVINCE: "省内务工 Migrant work in the province.",
  MIGRANT_OUT_OF_PROVINCE: "省外务工 Migrant work out of the province.",
  PUBLIC_WELFARE_POST: "公益性岗位 Public-welfare post.",
  SELF_EMPLOYED: "自主创业 Self-employed.",
});

export const ProjectCategory = graphqlEnum(
  db.projectCategory,
  "ProjectCategory",
  "Project category: the 10 key works (十项重点工作) and other measures.",
  {
    ROAD: "村级道路畅通 Village roads.",
    WATER: "饮水安全 Drinking water.",
    POWER: "农村电力保障 Power supply.",
    HOUSING: "危房改造 Dangerous-house renovation.",
    INDUSTRY: "特色产业增收 Characteristic industries.",
    TOURISM: "乡村旅游扶贫 Rural tourism.",
    EDUCATION: "教育扶贫 Education.",
    HEALTH: "卫生和计划生育 Health.",
    CULTURE: "文化建设 Culture.",
    INFORMATIZATION: "贫困村信息化 Village informatization.",
    RELOCATION: "易地扶贫搬迁 Relocation.",
    MICROCREDIT: "扶贫小额信贷 Microcredit.",
    EMPLOYMENT_TRAINING: "就业培训 Employment and training.",
  },
);

export const ProjectStatus = graphqlEnum(db.projectStatus, "ProjectStatus", "Project status (项目状态).", {
  PLANNED: "计划 Planned (in the project library).",
  APPROVED: "已批复 Approved.",
  IN_PROGRESS: "实施中 In progress.",
  COMPLETED: "已完工 Completed.",
  ACCEPTED: "已验收 Accepted.",
});

export const FundSource = graphqlEnum(db.fundSource, "FundSource", "Source of project funds (资金来源).", {
  CENTRAL_FISCAL: "中央财政 Central fiscal funds.",
  PROVINCIAL_FISCAL: "省级财政 Provincial fiscal funds.",
  CITY_FISCAL: "市级财政 City fiscal funds.",
  COUNTY_FISCAL: "县级财政 County fiscal funds.",
  INTEGRATED_AGRICULTURE: "统筹整合涉农资金 Integrated agriculture-related funds.",
  LOAN: "信贷资金 Loans.",
  SOCIAL_DONATION: "社会捐赠 Social donations.",
});

export const AssetKind = graphqlEnum(db.assetKind, "AssetKind", "Asset ledger (扶贫项目资产类别).", {
  PUBLIC_WELFARE: "公益性资产 Public-welfare asset.",
  OPERATING: "经营性资产 Operating asset.",
  HOUSEHOLD_OWNED: "到户类资产 Asset owned by a household.",
});

export const AssetOwnership = graphqlEnum(db.assetOwnership, "AssetOwnership", "Who owns an asset (权属).", {
  INDIVIDUAL: "个人 Individual.",
  COLLECTIVE: "村集体 Village collective.",
  STATE: "国有 State.",
});

export const AssetStatus = graphqlEnum(db.assetStatus, "AssetStatus", "Asset status (资产状态).", {
  IN_USE: "正常使用 In use.",
  IDLE: "闲置 Idle.",
  DAMAGED: "损毁 Damaged.",
  DISPOSED: "已处置 Disposed.",
});

export const CustodianKind = graphqlEnum(db.custodianKind, "CustodianKind", "Who looks after an asset (管护主体).", {
  AGENCY: "单位 An agency.",
  VILLAGE_COLLECTIVE: "村集体 The village collective.",
  HOUSEHOLD: "农户 A household.",
});

export const AgencyKind = graphqlEnum(db.agencyKind, "AgencyKind", "Kind of helping agency (帮扶单位类型).", {
  GOVERNMENT_DEPARTMENT: "政府部门 Government department.",
  PARTY_ORGAN: "党群机关 Party organ.",
  STATE_OWNED_ENTERPRISE: "国有企业 State-owned enterprise.",
  PRIVATE_ENTERPRISE: "民营企业 Private enterprise.",
  SOCIAL_ORGANISATION: "社会组织 Social organisation.",
  MILITARY: "部队 Military unit.",
  UNIVERSITY: "高校 University.",
  EAST_WEST_PARTNER: "东西部协作单位 East-west cooperation partner.",
});

export const AgencyLevel = graphqlEnum(db.agencyLevel, "AgencyLevel", "Administrative level of an agency (单位层级).", {
  CENTRAL: "中央 Central.",
  PROVINCIAL: "省级 Provincial.",
  CITY: "市级 City.",
  COUNTY: "县级 County.",
  TOWNSHIP: "乡镇 Township.",
});

export const AgencyVillageKind = graphqlEnum(
  db.agencyVillageKind,
  "AgencyVillageKind",
  "How an agency helps a village.",
  {
    DESIGNATED: "定点帮扶 Designated (paired) help.",
    EAST_WEST: "东西部协作 East-west cooperation.",
  },
);

export const CadreVillageRole = graphqlEnum(
  db.cadreVillageRole,
  "CadreVillageRole",
  "A cadre's role in a village (驻村职务).",
  {
    FIRST_SECRETARY: "第一书记 First secretary.",
    WORK_TEAM_LEADER: "驻村工作队队长 Leader of the resident work team.",
    WORK_TEAM_MEMBER: "驻村工作队队员 Member of the resident work team.",
  },
);
