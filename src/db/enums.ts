import { pgEnum } from "drizzle-orm/pg-core";

// Enum values are the schema's vocabulary; their Chinese terms live in the GraphQL descriptions.
export const regionLevel = pgEnum("region_level", ["PROVINCE", "CITY", "COUNTY", "TOWNSHIP"]);
export const villagePovertyStatus = pgEnum("village_poverty_status", ["NOT_POOR", "POOR", "DEEP_POOR", "EXITED"]);
export const householdAttribute = pgEnum("household_attribute", [
  "GENERAL",
  "LOW_INCOME_ASSURED",
  "EXTREME_POVERTY_SUPPORTED",
]);
// The registry's poverty status alone: monitoring is `monitoringStatus`, apart. RETURNED (返贫) is a
// household that had exited falling back; NEWLY_POOR (致贫) one never registered poor falling into
// poverty; NOT_POOR a household never registered poor (建档立卡), known to the registry for monitoring.
export const householdStatus = pgEnum("household_status", ["POOR", "EXITED", "RETURNED", "NEWLY_POOR", "NOT_POOR"]);
/** Where a household stands in return-to-poverty monitoring (防止返贫动态监测), whatever its poverty status. */
export const monitoringStatus = pgEnum("monitoring_status", ["NOT_MONITORED", "MONITORED", "RISK_ELIMINATED"]);
export const povertyCause = pgEnum("poverty_cause", [
  "ILLNESS",
  "DISABILITY",
  "SCHOOLING",
  "DISASTER",
  "LACK_OF_LAND",
  "LACK_OF_WATER",
  "LACK_OF_SKILLS",
  "LACK_OF_LABOUR",
  "LACK_OF_CAPITAL",
  "POOR_TRANSPORT",
  "LACK_OF_DRIVE",
]);
export const housingGrade = pgEnum("housing_grade", ["A", "B", "C", "D"]);
export const housingPriority = pgEnum("housing_priority", [
  "REGISTERED_POOR",
  "LOW_INCOME",
  "DISPERSED_EXTREME_POOR",
  "POOR_DISABLED",
]);
export const monitoringType = pgEnum("monitoring_type", ["UNSTABLE", "MARGINAL", "SUDDEN_HARDSHIP"]);
export const householdEventKind = pgEnum("household_event_kind", [
  "IDENTIFIED",
  "EXITED",
  "PLACED_UNDER_MONITORING",
  "RETURNED_TO_POVERTY",
  "RISK_ELIMINATED",
  "FIELD_CHANGED",
  "BECAME_POOR",
]);
export const gender = pgEnum("gender", ["MALE", "FEMALE"]);
export const relationToHead = pgEnum("relation_to_head", [
  "HEAD",
  "SPOUSE",
  "SON",
  "DAUGHTER",
  "DAUGHTER_IN_LAW",
  "SON_IN_LAW",
  "GRANDSON",
  "GRANDDAUGHTER",
  "FATHER",
  "MOTHER",
  "SIBLING",
  "OTHER",
]);
export const educationLevel = pgEnum("education_level", [
  "NONE",
  "PRESCHOOL",
  "PRIMARY",
  "JUNIOR_SECONDARY",
  "SENIOR_SECONDARY",
  "VOCATIONAL",
  "TERTIARY",
]);
export const schoolingStatus = pgEnum("schooling_status", [
  "IN_SCHOOL",
  "DROPPED_OUT",
  "NOT_OF_SCHOOL_AGE",
  "GRADUATED",
  "HOME_TAUGHT",
  "EXEMPT_FOR_HEALTH",
]);
export const insuranceSubsidyCategory = pgEnum("insurance_subsidy_category", [
  "FULL",
  "FIXED",
  "FORMERLY_POOR",
  "NONE",
]);
export const healthStatus = pgEnum("health_status", ["HEALTHY", "CHRONIC_ILLNESS", "SERIOUS_ILLNESS", "DISABLED"]);
export const disabilityType = pgEnum("disability_type", [
  "VISUAL",
  "HEARING",
  "SPEECH",
  "PHYSICAL",
  "INTELLECTUAL",
  "MENTAL",
  "MULTIPLE",
]);
export const labourCapacity = pgEnum("labour_capacity", ["NORMAL", "WEAK", "NONE", "NOT_OF_WORKING_AGE"]);
export const employmentKind = pgEnum("employment_kind", [
  "UNEMPLOYED",
  "FARMING",
  "LOCAL_WAGE",
  "MIGRANT_IN_PROVINCE",
  "MIGRANT_OUT_OF_PROVINCE",
  "PUBLIC_WELFARE_POST",
  "SELF_EMPLOYED",
]);
export const projectCategory = pgEnum("project_category", [
  "ROAD",
  "WATER",
  "POWER",
  "HOUSING",
  "INDUSTRY",
  "TOURISM",
  "EDUCATION",
  "HEALTH",
  "CULTURE",
  "INFORMATIZATION",
  "RELOCATION",
  "MICROCREDIT",
  "EMPLOYMENT_TRAINING",
]);
export const projectStatus = pgEnum("project_status", ["PLANNED", "APPROVED", "IN_PROGRESS", "COMPLETED", "ACCEPTED"]);
export const fundSource = pgEnum("fund_source", [
  "CENTRAL_FISCAL",
  "PROVINCIAL_FISCAL",
  "CITY_FISCAL",
  "COUNTY_FISCAL",
  "INTEGRATED_AGRICULTURE",
  "LOAN",
  "SOCIAL_DONATION",
]);
export const assetKind = pgEnum("asset_kind", ["PUBLIC_WELFARE", "OPERATING", "HOUSEHOLD_OWNED"]);
export const assetOwnership = pgEnum("asset_ownership", ["INDIVIDUAL", "COLLECTIVE", "STATE"]);
export const assetStatus = pgEnum("asset_status", ["IN_USE", "IDLE", "DAMAGED", "DISPOSED"]);
export const custodianKind = pgEnum("custodian_kind", ["AGENCY", "VILLAGE_COLLECTIVE", "HOUSEHOLD"]);
export const agencyKind = pgEnum("agency_kind", [
  "GOVERNMENT_DEPARTMENT",
  "PARTY_ORGAN",
  "STATE_OWNED_ENTERPRISE",
  "PRIVATE_ENTERPRISE",
  "SOCIAL_ORGANISATION",
  "MILITARY",
  "UNIVERSITY",
  "EAST_WEST_PARTNER",
]);
export const agencyLevel = pgEnum("agency_level", ["CENTRAL", "PROVINCIAL", "CITY", "COUNTY", "TOWNSHIP"]);
export const agencyVillageKind = pgEnum("agency_village_kind", ["DESIGNATED", "EAST_WEST"]);
export const cadreVillageRole = pgEnum("cadre_village_role", [
  "FIRST_SECRETARY",
  "WORK_TEAM_LEADER",
  "WORK_TEAM_MEMBER",
]);
export const alertSignal = pgEnum("alert_signal", [
  "GUARANTEE_UNMET",
  "MEDICAL_EXPENSE",
  "UNSAFE_HOUSING",
  "SCHOOL_DROPOUT",
  "INCOME_DROP",
  "RIGID_EXPENDITURE",
  "DEPARTMENT_SCREENING",
]);
export const alertStatus = pgEnum("alert_status", ["OPEN", "VERIFIED", "ASSISTING", "RESOLVED", "DISMISSED"]);
export const rigidExpenditureKind = pgEnum("rigid_expenditure_kind", ["MEDICAL", "EDUCATION", "DISASTER", "ACCIDENT"]);

/** Kind of assistance measure of a monitoring case (帮扶措施); three share a department's word. */
export const assistanceKind = pgEnum("assistance_kind", [
  "INDUSTRY",
  "EMPLOYMENT",
  "HEALTH",
  "EDUCATION",
  "HOUSING",
  "DRINKING_WATER",
  "SUBSISTENCE_ALLOWANCE",
  "TEMPORARY_RELIEF",
  "MICROCREDIT",
  "INSURANCE",
  "OTHER",
]);
