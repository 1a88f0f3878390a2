import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import * as e from "./enums.js";

/** Every 12-digit statistical code column: 2 province, 2 city, 2 county, 3 township, 3 village. */
const code = (name: string) => char(name, { length: 12 });
const money = (name: string) => numeric(name, { precision: 14, scale: 2, mode: "number" });
/** Optimistic concurrency: every mutable row carries a version bumped by each write. */
const version = () => integer("version").notNull().default(1);
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
const codeCheck = (column: string) => sql.raw(`${column} ~ '^[0-9]{12}$'`);

export const regions = pgTable(
  "regions",
  {
    code: code("code").primaryKey(),
    name: text("name").notNull(),
    level: e.regionLevel("level").notNull(),
    parentCode: code("parent_code"),
    isKeyCounty: boolean("is_key_county").notNull().default(false),
    isContiguousAreaCounty: boolean("is_contiguous_area_county").notNull().default(false),
    isDeepPovertyCounty: boolean("is_deep_poverty_county").notNull().default(false),
    exitYear: smallint("exit_year"),
  },
  (t) => [
    foreignKey({ columns: [t.parentCode], foreignColumns: [t.code] }),
    index("regions_parent_code_idx").on(t.parentCode),
    index("regions_level_code_idx").on(t.level, t.code),
    check("regions_code_format", codeCheck("code")),
    check("regions_parent_required", sql`(level = 'PROVINCE') = (parent_code IS NULL)`),
  ],
);

export const villages = pgTable(
  "villages",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    code: code("code").notNull().unique(),
    name: text("name").notNull(),
    townshipCode: code("township_code")
      .notNull()
      .references(() => regions.code),
    povertyStatus: e.villagePovertyStatus("poverty_status").notNull(),
    exitYear: smallint("exit_year"),
    // 户籍人口 and 户籍户数: everyone registered in the village, poor or not.
    registeredPopulation: integer("registered_population").notNull().default(0),
    registeredHouseholds: integer("registered_households").notNull().default(0),
    // 建档立卡: the registered-poor households and people counted at identification.
    registeredPoorPopulation: integer("registered_poor_population").notNull().default(0),
    registeredPoorHouseholds: integer("registered_poor_households").notNull().default(0),
    // transport
    hasHardenedRoad: boolean("has_hardened_road").notNull().default(false),
    hasBusService: boolean("has_bus_service").notNull().default(false),
    distanceToTownshipKm: numeric("distance_to_township_km", { precision: 6, scale: 1, mode: "number" }),
    // water and power
    hasTapWater: boolean("has_tap_water").notNull().default(false),
    drinkingWaterSafe: boolean("drinking_water_safe").notNull().default(false),
    hasUpgradedPowerGrid: boolean("has_upgraded_power_grid").notNull().default(false),
    // information
    hasBroadband: boolean("has_broadband").notNull().default(false),
    hasInformationServicePoint: boolean("has_information_service_point").notNull().default(false),
    // health, culture, education
    hasClinic: boolean("has_clinic").notNull().default(false),
    hasCulturalRoom: boolean("has_cultural_room").notNull().default(false),
    hasKindergarten: boolean("has_kindergarten").notNull().default(false),
    hasPrimarySchool: boolean("has_primary_school").notNull().default(false),
    collectiveIncome: money("collective_income").notNull().default(0),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("villages_township_code_idx").on(t.townshipCode),
    index("villages_poverty_status_idx").on(t.povertyStatus, t.code),
    check("villages_code_format", codeCheck("code")),
    check("villages_code_in_township", sql`left(code, 9) = left(township_code, 9)`),
    check("villages_exit_year", sql`(poverty_status = 'EXITED') = (exit_year IS NOT NULL)`),
    check("villages_population", sql`registered_population >= 0 AND registered_households >= 0`),
    check("villages_poor_population", sql`registered_poor_population >= 0 AND registered_poor_households >= 0`),
    check("villages_distance", sql`distance_to_township_km IS NULL OR distance_to_township_km >= 0`),
  ],
);

export const agencies = pgTable(
  "agencies",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    kind: e.agencyKind("kind").notNull(),
    level: e.agencyLevel("level").notNull(),
    regionCode: code("region_code").references(() => regions.code),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("agencies_region_code_idx").on(t.regionCode),
    index("agencies_kind_level_idx").on(t.kind, t.level),
    unique("agencies_name_unique").on(t.name),
  ],
);

export const cadres = pgTable(
  "cadres",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    gender: e.gender("gender").notNull(),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id),
    position: text("position"),
    phone: text("phone").notNull(),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [index("cadres_agency_id_idx").on(t.agencyId), check("cadres_phone", sql`phone ~ '^1[3-9][0-9]{9}$'`)],
);

export const households = pgTable(
  "households",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    householdNumber: text("household_number").notNull().unique(),
    villageCode: code("village_code")
      .notNull()
      .references(() => villages.code, { onUpdate: "cascade" }),
    address: text("address").notNull(),
    attribute: e.householdAttribute("attribute").notNull(),
    status: e.householdStatus("status").notNull(),
    identifiedYear: smallint("identified_year").notNull(),
    exitedYear: smallint("exited_year"),
    primaryCause: e.povertyCause("primary_cause").notNull(),
    otherCauses: e
      .povertyCause("other_causes")
      .array()
      .notNull()
      .default(sql`'{}'`),
    housingGrade: e.housingGrade("housing_grade"),
    housingAssessedOn: date("housing_assessed_on"),
    housingRenovated: boolean("housing_renovated").notNull().default(false),
    housingRenovationYear: smallint("housing_renovation_year"),
    housingPriority: e.housingPriority("housing_priority"),
    drinkingWaterSafe: boolean("drinking_water_safe"),
    relocated: boolean("relocated").notNull().default(false),
    relocationYear: smallint("relocation_year"),
    // Monitoring, apart from the poverty status: placed under by a case's county confirmation, its
    // type kept once the risk is eliminated (the type the household was monitored as).
    monitoringStatus: e.monitoringStatus("monitoring_status").notNull().default("NOT_MONITORED"),
    monitoringType: e.monitoringType("monitoring_type"),
    version: version(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // (village_code, id) serves a village's households and keyset pages inside it; (left(code, n), id)
    // a city's, county's or township's in id order (src/shared/region-code.ts `underRegion`): a range
    // over the code does not come in id order, and PostgreSQL would walk the primary key instead,
    // through every household of the regions before it. The code itself is their last column: a
    // region's count reads them alone (an index-only scan needs the column the expression is of).
    index("households_village_code_id_idx").on(t.villageCode, t.id),
    index("households_city_id_idx").on(sql`left(${t.villageCode}, 4)`, t.id, t.villageCode),
    index("households_county_id_idx").on(sql`left(${t.villageCode}, 6)`, t.id, t.villageCode),
    index("households_township_id_idx").on(sql`left(${t.villageCode}, 9)`, t.id, t.villageCode),
    unique("households_id_village_code").on(t.id, t.villageCode),
    index("households_status_idx").on(t.status, t.id),
    // A village's households of some statuses (poor members per village, 贫困发生率) without a heap visit.
    index("households_village_code_status_idx").on(t.villageCode, t.status, t.id),
    index("households_attribute_idx").on(t.attribute, t.id),
    index("households_primary_cause_idx").on(t.primaryCause, t.id),
    index("households_identified_year_idx").on(t.identifiedYear, t.id),
    index("households_monitoring_type_idx")
      .on(t.monitoringType, t.id)
      .where(sql`monitoring_type IS NOT NULL`),
    index("households_other_causes_idx").using("gin", t.otherCauses),
    check("households_number_format", sql`household_number ~ '^[0-9]{12}[0-9]{4,6}$'`),
    check("households_exit", sql`exited_year IS NULL OR exited_year >= identified_year`),
    index("households_monitoring_status_idx")
      .on(t.monitoringStatus, t.id)
      .where(sql`monitoring_status <> 'NOT_MONITORED'`),
    check("households_monitoring", sql`(monitoring_status = 'NOT_MONITORED') = (monitoring_type IS NULL)`),
    check("households_years", sql`identified_year BETWEEN 2013 AND 2100`),
    check("households_renovation", sql`NOT housing_renovated OR housing_renovation_year IS NOT NULL`),
  ],
);

export const householdIncomes = pgTable(
  "household_incomes",
  {
    /** The row's own key (its global id, its change-feed entries); the year is told apart by (household, year). */
    id: integer("id").notNull().unique().generatedAlwaysAsIdentity(),
    householdId: integer("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "cascade" }),
    year: smallint("year").notNull(),
    wages: money("wages").notNull().default(0),
    production: money("production").notNull().default(0),
    property: money("property").notNull().default(0),
    transfer: money("transfer").notNull().default(0),
    productionCosts: money("production_costs").notNull().default(0),
    perCapitaNetIncome: money("per_capita_net_income").notNull(),
    /** People counted in the verification the per-capita figure divides by (家庭人口); NULL before it was recorded. */
    persons: smallint("persons"),
    /** Who verified the figures (核实人 / 核实单位) and when; NULL for incomes loaded before they were recorded. */
    verifiedBy: text("verified_by"),
    verifiedOn: date("verified_on"),
    version: version(),
  },
  (t) => [
    primaryKey({ columns: [t.householdId, t.year] }),
    index("household_incomes_year_idx").on(t.year, t.perCapitaNetIncome),
    check("household_incomes_non_negative", sql`wages >= 0 AND production >= 0 AND property >= 0 AND transfer >= 0`),
    check("household_incomes_persons", sql`persons IS NULL OR persons > 0`),
  ],
);

/** Rigid expenditure of a household in a year, by kind (刚性支出: 因病、因学、因灾、因意外事故). */
export const householdRigidExpenditures = pgTable(
  "household_rigid_expenditures",
  {
    /** The row's own key (its global id, its change-feed entries). */
    id: integer("id").notNull().unique().generatedAlwaysAsIdentity(),
    householdId: integer("household_id")
      .notNull()
      .references(() => households.id, { onDelete: "cascade" }),
    year: smallint("year").notNull(),
    kind: e.rigidExpenditureKind("kind").notNull(),
    amount: money("amount").notNull(),
    note: text("note"),
    verifiedBy: text("verified_by").notNull(),
    verifiedOn: date("verified_on").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.householdId, t.year, t.kind] }),
    check("household_rigid_expenditures_amount", sql`amount >= 0`),
  ],
);

/**
 * Monitoring lines (防止返贫监测标准) per year and region, each with the document it comes from:
 * local policy, edited by the registry owner, never a constant of the code. A year without a
 * line takes the latest earlier year's; a region takes its longest matching prefix (NULL = all).
 */
export const monitoringStandards = pgTable(
  "monitoring_standards",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    year: smallint("year").notNull(),
    regionPrefix: text("region_prefix"),
    /** Per-capita net income, yuan per person and year. */
    amount: money("amount").notNull(),
    /** The document it comes from (title and number), free text. */
    source: text("source").notNull(),
    /** The prefix as a 12-digit code (NULL → all zeros): the region scope of whoever may edit the line. */
    scopeCode: char("scope_code", { length: 12 })
      .notNull()
      .generatedAlwaysAs(sql`rpad(coalesce(region_prefix, ''), 12, '0')`),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("monitoring_standards_year_region").on(t.year, sql`coalesce(region_prefix, '')`),
    check(
      "monitoring_standards_region",
      sql`region_prefix IS NULL OR region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$'`,
    ),
    check("monitoring_standards_amount", sql`amount >= 0`),
    check("monitoring_standards_year", sql`year BETWEEN 2013 AND 2100`),
  ],
);

export const householdEvents = pgTable(
  "household_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    householdId: integer("household_id")
      .notNull()
      .references(() => households.id),
    kind: e.householdEventKind("kind").notNull(),
    occurredOn: date("occurred_on").notNull(),
    fromStatus: e.householdStatus("from_status"),
    toStatus: e.householdStatus("to_status"),
    field: text("field"),
    oldValue: jsonb("old_value"),
    newValue: jsonb("new_value"),
    reason: text("reason").notNull(),
    recordedBy: text("recorded_by").notNull(),
    department: text("department").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("household_events_household_idx").on(t.householdId, t.occurredOn, t.id)],
);

export const members = pgTable(
  "members",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    householdId: integer("household_id").notNull(),
    // Denormalised from the household so the region-subtree filter on members uses an index;
    // the composite foreign key keeps it equal to the household's village.
    villageCode: code("village_code").notNull(),
    name: text("name").notNull(),
    idNumber: char("id_number", { length: 18 }).notNull().unique(),
    gender: e.gender("gender").notNull(),
    birthDate: date("birth_date").notNull(),
    relation: e.relationToHead("relation").notNull(),
    ethnicity: text("ethnicity").notNull().default("汉族"),
    // schooling (education)
    educationLevel: e.educationLevel("education_level").notNull(),
    schoolingStatus: e.schoolingStatus("schooling_status").notNull(),
    school: text("school"),
    // What shows a school-age child exempt (送教上门 / 因身体原因不具备学习条件): a document or decision.
    schoolingExemptionEvidence: text("schooling_exemption_evidence"),
    // health (health)
    healthStatus: e.healthStatus("health_status").notNull(),
    hasFamilyDoctorContract: boolean("has_family_doctor_contract").notNull().default(false),
    // disability (disabled persons' federation)
    disabilityType: e.disabilityType("disability_type"),
    disabilityGrade: smallint("disability_grade"),
    hasDisabilityCertificate: boolean("has_disability_certificate").notNull().default(false),
    receivesDisabilityLivingAllowance: boolean("receives_disability_living_allowance").notNull().default(false),
    receivesDisabilityNursingAllowance: boolean("receives_disability_nursing_allowance").notNull().default(false),
    // labour capacity (rural revitalization)
    labourCapacity: e.labourCapacity("labour_capacity").notNull(),
    // employment, training, public-welfare jobs and pensions (human resources)
    employment: e.employmentKind("employment").notNull(),
    employmentPlace: text("employment_place"),
    employmentMonths: smallint("employment_months").notNull().default(0),
    hasVocationalTraining: boolean("has_vocational_training").notNull().default(false),
    hasPublicWelfareJob: boolean("has_public_welfare_job").notNull().default(false),
    hasPensionInsurance: boolean("has_pension_insurance").notNull().default(false),
    pensionPremiumPaidByGovernment: boolean("pension_premium_paid_by_government").notNull().default(false),
    // insurance, reimbursement and out-of-pocket expense (medical insurance)
    hasBasicMedicalInsurance: boolean("has_basic_medical_insurance").notNull().default(false),
    hasSeriousIllnessInsurance: boolean("has_serious_illness_insurance").notNull().default(false),
    insuranceSubsidyCategory: e.insuranceSubsidyCategory("insurance_subsidy_category"),
    medicalExpenseReimbursed: money("medical_expense_reimbursed").notNull().default(0),
    medicalExpenseOutOfPocket: money("medical_expense_out_of_pocket").notNull().default(0),
    medicalExpenseYear: smallint("medical_expense_year"),
    // assistance (civil affairs)
    receivesLowIncomeAllowance: boolean("receives_low_income_allowance").notNull().default(false),
    receivesExtremePovertySupport: boolean("receives_extreme_poverty_support").notNull().default(false),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: "members_household_fk",
      columns: [t.householdId, t.villageCode],
      foreignColumns: [households.id, households.villageCode],
    }).onUpdate("cascade"),
    index("members_household_id_idx").on(t.householdId),
    index("members_village_code_id_idx").on(t.villageCode, t.id),
    // As households': a region's members in id order (src/shared/region-code.ts `underRegion`).
    index("members_city_id_idx").on(sql`left(${t.villageCode}, 4)`, t.id, t.villageCode),
    index("members_county_id_idx").on(sql`left(${t.villageCode}, 6)`, t.id, t.villageCode),
    index("members_township_id_idx").on(sql`left(${t.villageCode}, 9)`, t.id, t.villageCode),
    index("members_birth_date_idx").on(t.birthDate),
    index("members_schooling_status_idx").on(t.schoolingStatus, t.id),
    uniqueIndex("members_one_head")
      .on(t.householdId)
      .where(sql`relation = 'HEAD'`),
    check("members_id_number_format", sql`id_number ~ '^[0-9]{17}[0-9X]$'`),
    check("members_id_number_birth", sql`substr(id_number, 7, 8) = to_char(birth_date, 'YYYYMMDD')`),
    check("members_id_number_gender", sql`(substr(id_number, 17, 1)::int % 2 = 1) = (gender = 'MALE')`),
    check("members_disability_grade", sql`disability_grade IS NULL OR disability_grade BETWEEN 1 AND 4`),
    check("members_disability", sql`(disability_type IS NULL) = (disability_grade IS NULL)`),
    check("members_employment_months", sql`employment_months BETWEEN 0 AND 12`),
    check("members_medical_expense", sql`medical_expense_out_of_pocket >= 0 AND medical_expense_reimbursed >= 0`),
    check(
      "members_schooling_exemption",
      sql`schooling_status::text NOT IN ('HOME_TAUGHT', 'EXEMPT_FOR_HEALTH') OR schooling_exemption_evidence IS NOT NULL`,
    ),
  ],
);

export const projects = pgTable(
  "projects",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    category: e.projectCategory("category").notNull(),
    // The region the project serves: its village's code, or a township or county code.
    regionCode: code("region_code").notNull(),
    villageId: integer("village_id").references(() => villages.id),
    year: smallint("year").notNull(),
    status: e.projectStatus("status").notNull(),
    leadAgencyId: integer("lead_agency_id")
      .notNull()
      .references(() => agencies.id),
    startDate: date("start_date"),
    endDate: date("end_date"),
    noticePublishedOn: date("notice_published_on"),
    noticePlace: text("notice_place"),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("projects_region_code_id_idx").on(t.regionCode, t.id),
    index("projects_village_id_idx").on(t.villageId),
    index("projects_lead_agency_id_idx").on(t.leadAgencyId),
    index("projects_category_year_idx").on(t.category, t.year),
    index("projects_year_idx").on(t.year, t.id),
    index("projects_status_idx").on(t.status, t.id),
    check("projects_region_code_format", codeCheck("region_code")),
    check("projects_dates", sql`end_date IS NULL OR start_date IS NULL OR end_date >= start_date`),
    check("projects_year", sql`year BETWEEN 2013 AND 2100`),
  ],
);

export const projectCoAgencies = pgTable(
  "project_co_agencies",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.agencyId] }),
    index("project_co_agencies_agency_id_idx").on(t.agencyId),
  ],
);

export const projectFunds = pgTable(
  "project_funds",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    source: e.fundSource("source").notNull(),
    amount: money("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.source] }), check("project_funds_amount", sql`amount > 0`)],
);

export const projectBeneficiaries = pgTable(
  "project_beneficiaries",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    householdId: integer("household_id")
      .notNull()
      .references(() => households.id),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.householdId] }),
    index("project_beneficiaries_household_id_idx").on(t.householdId),
  ],
);

export const assets = pgTable(
  "assets",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    kind: e.assetKind("kind").notNull(),
    ownership: e.assetOwnership("ownership").notNull(),
    value: money("value").notNull(),
    villageCode: code("village_code")
      .notNull()
      .references(() => villages.code, { onUpdate: "cascade" }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id),
    custodianKind: e.custodianKind("custodian_kind").notNull(),
    custodianAgencyId: integer("custodian_agency_id").references(() => agencies.id),
    custodianHouseholdId: integer("custodian_household_id").references(() => households.id),
    status: e.assetStatus("status").notNull(),
    formedOn: date("formed_on").notNull(),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("assets_village_code_id_idx").on(t.villageCode, t.id),
    index("assets_project_id_idx").on(t.projectId),
    index("assets_custodian_agency_id_idx").on(t.custodianAgencyId),
    index("assets_custodian_household_id_idx").on(t.custodianHouseholdId),
    index("assets_kind_status_idx").on(t.kind, t.status),
    check("assets_value", sql`value >= 0`),
    check(
      "assets_custodian",
      sql`(custodian_kind = 'AGENCY') = (custodian_agency_id IS NOT NULL)
      AND (custodian_kind = 'HOUSEHOLD') = (custodian_household_id IS NOT NULL)`,
    ),
    check("assets_household_owned", sql`(kind = 'HOUSEHOLD_OWNED') = (custodian_kind = 'HOUSEHOLD')`),
  ],
);

export const assetIncomes = pgTable(
  "asset_incomes",
  {
    assetId: integer("asset_id")
      .notNull()
      .references(() => assets.id, { onDelete: "cascade" }),
    year: smallint("year").notNull(),
    income: money("income").notNull(),
    toHouseholds: money("to_households").notNull().default(0),
    toCollective: money("to_collective").notNull().default(0),
    distribution: text("distribution"),
  },
  (t) => [
    primaryKey({ columns: [t.assetId, t.year] }),
    check("asset_incomes_split", sql`to_households + to_collective <= income AND income >= 0`),
  ],
);

export const agencyVillageAssignments = pgTable(
  "agency_village_assignments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    agencyId: integer("agency_id")
      .notNull()
      .references(() => agencies.id),
    villageId: integer("village_id")
      .notNull()
      .references(() => villages.id),
    kind: e.agencyVillageKind("kind").notNull(),
    startDate: date("start_date").notNull(),
    endDate: date("end_date"),
  },
  (t) => [
    index("agency_village_assignments_agency_id_idx").on(t.agencyId),
    index("agency_village_assignments_village_id_idx").on(t.villageId),
    check("agency_village_assignments_dates", sql`end_date IS NULL OR end_date >= start_date`),
  ],
);

export const cadreVillageAssignments = pgTable(
  "cadre_village_assignments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    cadreId: integer("cadre_id")
      .notNull()
      .references(() => cadres.id),
    villageId: integer("village_id")
      .notNull()
      .references(() => villages.id),
    role: e.cadreVillageRole("role").notNull(),
    startDate: date("start_date").notNull(),
    endDate: date("end_date"),
  },
  (t) => [
    index("cadre_village_assignments_cadre_id_idx").on(t.cadreId),
    index("cadre_village_assignments_village_id_idx").on(t.villageId),
    uniqueIndex("cadre_village_one_first_secretary")
      .on(t.villageId)
      .where(sql`role = 'FIRST_SECRETARY' AND end_date IS NULL`),
    check("cadre_village_assignments_dates", sql`end_date IS NULL OR end_date >= start_date`),
  ],
);

export const cadreHouseholdAssignments = pgTable(
  "cadre_household_assignments",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    cadreId: integer("cadre_id")
      .notNull()
      .references(() => cadres.id),
    householdId: integer("household_id")
      .notNull()
      .references(() => households.id),
    startDate: date("start_date").notNull(),
    endDate: date("end_date"),
  },
  (t) => [
    index("cadre_household_assignments_cadre_id_idx").on(t.cadreId),
    index("cadre_household_assignments_household_id_idx").on(t.householdId),
    uniqueIndex("cadre_household_one_current_helper")
      .on(t.householdId)
      .where(sql`end_date IS NULL`),
    check("cadre_household_assignments_dates", sql`end_date IS NULL OR end_date >= start_date`),
  ],
);

/** Integrator service accounts: the key itself is never stored, only its SHA-256. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: char("key_hash", { length: 64 }).notNull().unique(),
    department: text("department").notNull(),
    region: text("region").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  () => [check("api_keys_region", sql`region ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$'`)],
);

/**
 * The read audit: one entry per operation that returned personal data. Append-only in the
 * database itself (trigger) and chained: each entry's `hash` is an HMAC, with a key the database
 * does not hold, over its content and the entry before (src/access/audit-chain.ts); signed
 * checkpoints outside the database anchor the chain's length and head.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "string" }).notNull(),
    principal: text("principal").notNull(),
    department: text("department").notNull(),
    region: text("region").notNull(),
    operationName: text("operation_name"),
    documentHash: char("document_hash", { length: 64 }).notNull(),
    fields: text("fields").array().notNull(),
    recordCount: integer("record_count").notNull(),
    householdIds: integer("household_ids").array().notNull(),
    /** The purpose code declared (from the policy's list), and the free text given with it. */
    purpose: text("purpose"),
    purposeText: text("purpose_text"),
    /** The server's own id for the request (a UUID). */
    requestId: text("request_id").notNull(),
    /** The client's X-Request-Id, sanitised: to correlate with the client's logs, never trusted. */
    correlationId: text("correlation_id"),
    /**
     * The entry's position in the chain (1, 2, …) and which HMAC key linked it. Both null for
     * entries written before the chain was keyed (linked by plain SHA-256, see migration 0009).
     */
    seq: bigint("seq", { mode: "number" }).unique(),
    keyId: text("key_id"),
    prevHash: char("prev_hash", { length: 64 }).notNull(),
    hash: char("hash", { length: 64 }).notNull().unique(),
  },
  (t) => [
    index("audit_log_department_idx").on(t.department, t.id),
    index("audit_log_household_ids_idx").using("gin", t.householdIds),
    check("audit_log_keyed", sql`(seq IS NULL) = (key_id IS NULL)`),
  ],
);

/**
 * Risk alerts (防止返贫监测预警): raised inside the transaction of the write that caused them, then
 * worked through OPEN → VERIFIED → ASSISTING → RESOLVED, or DISMISSED.
 */
export const riskAlerts = pgTable(
  "risk_alerts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    householdId: integer("household_id").notNull(),
    villageCode: code("village_code").notNull(),
    memberId: integer("member_id").references(() => members.id),
    signal: e.alertSignal("signal").notNull(),
    /** For GUARANTEE_UNMET: which of 两不愁三保障 turned unmet. */
    guaranteeItem: text("guarantee_item"),
    /** For DEPARTMENT_SCREENING: the screening rule (部门筛查规则) that found it. */
    screeningRule: text("screening_rule"),
    /** The department whose write raised it, and the principal. */
    department: text("department").notNull(),
    raisedBy: text("raised_by").notNull(),
    /** What triggered it: field, old and new value, threshold or basis. */
    trigger: jsonb("trigger").notNull(),
    helperCadreId: integer("helper_cadre_id").references(() => cadres.id),
    status: e.alertStatus("status").notNull().default("OPEN"),
    raisedAt: timestamp("raised_at", { withTimezone: true }).notNull().defaultNow(),
    version: version(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The alert belongs to the household's village: scope filters use the code range.
    foreignKey({
      columns: [t.householdId, t.villageCode],
      foreignColumns: [households.id, households.villageCode],
    }).onUpdate("cascade"),
    index("risk_alerts_village_code_id_idx").on(t.villageCode, t.id),
    index("risk_alerts_household_idx").on(t.householdId, t.signal),
    // One alert of a kind being worked per household (and item, and member): concurrent writes
    // that both see an item turn UNMET raise it once.
    uniqueIndex("risk_alerts_one_active")
      .on(
        t.householdId,
        t.signal,
        sql`coalesce(guarantee_item, '')`,
        sql`coalesce(member_id, 0)`,
        sql`coalesce(screening_rule, '')`,
      )
      .where(sql`status IN ('OPEN', 'VERIFIED', 'ASSISTING')`),
    index("risk_alerts_status_idx").on(t.status, t.raisedAt),
    index("risk_alerts_raised_at_idx").on(t.raisedAt, t.id),
    check("risk_alerts_guarantee_item", sql`(signal = 'GUARANTEE_UNMET') = (guarantee_item IS NOT NULL)`),
    // As text: a value added to the enum may not be used in the migration's own transaction.
    check("risk_alerts_screening_rule", sql`(signal::text = 'DEPARTMENT_SCREENING') = (screening_rule IS NOT NULL)`),
  ],
);

/** Each step of an alert's workflow, append-only (trigger): who moved it, from what to what, why. */
export const alertEvents = pgTable(
  "alert_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: integer("alert_id")
      .notNull()
      .references(() => riskAlerts.id),
    fromStatus: e.alertStatus("from_status"),
    toStatus: e.alertStatus("to_status").notNull(),
    note: text("note").notNull(),
    recordedBy: text("recorded_by").notNull(),
    department: text("department").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_events_alert_idx").on(t.alertId, t.id)],
);

/**
 * Batch writes by idempotency key: the first result is kept and returned to every retry of the
 * same key by the same principal, so a retried batch never applies twice.
 */
export const writeBatches = pgTable(
  "write_batches",
  {
    principal: text("principal").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    department: text("department").notNull(),
    operation: text("operation").notNull(),
    /** SHA-256 of the records: a key reused for different records is refused. */
    requestHash: char("request_hash", { length: 64 }).notNull(),
    result: jsonb("result"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.idempotencyKey] })],
);

/**
 * History of department-owned village fields (a road hardened, a bus line opened): who, which
 * department, when, field, old → new, why. Append-only (trigger), like household_events.
 */
export const villageEvents = pgTable(
  "village_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    villageId: integer("village_id")
      .notNull()
      .references(() => villages.id),
    field: text("field").notNull(),
    oldValue: jsonb("old_value"),
    newValue: jsonb("new_value"),
    reason: text("reason").notNull(),
    recordedBy: text("recorded_by").notNull(),
    department: text("department").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("village_events_village_idx").on(t.villageId, t.id)],
);
