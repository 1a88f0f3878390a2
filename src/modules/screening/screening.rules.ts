import { sql, type SQL } from "drizzle-orm";
import type { Config } from "../../config.js";
import { today } from "../../shared/dates.js";
import { ProjectCategory } from "../../shared/enums.js";
import { birthDatesForAges } from "../households/member.service.js";
import { SCHOOL_AGE } from "../monitoring/guarantee.service.js";

/** What a rule's query is given: the configuration (thresholds) and the rows in scope. */
export interface ScreeningInput {
  config: Config;
  /** Condition on `h` (households) restricting the run to a region; TRUE for everywhere. */
  inScope: SQL;
}

/**
 * A cross-department screening rule (部门筛查预警), declared in one place: what it compares, the
 * policy fields (`Type.field`) it reads — their stewards are its departments, as the policy
 * assigns the field groups, so a field moving to another department is a policy edit — the
 * configuration its threshold comes from, and its query. The query is set-based SQL over the whole
 * scope (no loop per household): it yields `household_id`, `village_code`, `evidence` (a JSON array
 * of `{ field, value, … }`, one entry per side, so each is shown only to who may read its field)
 * and `threshold` (number or NULL).
 */
export interface ScreeningRule {
  code: string;
  title: string;
  description: string;
  reads: readonly string[];
  /** The field the alert's trigger names (the one the finding is about). */
  field: string;
  threshold: { config: keyof Config; meaning: string } | null;
  query(input: ScreeningInput): SQL;
}

/** The latest income row of each household `h` (LATERAL). */
const latestIncome = sql`LATERAL (SELECT x.year, x.per_capita_net_income FROM household_incomes x
  WHERE x.household_id = h.id ORDER BY x.year DESC LIMIT 1)`;

/** Schooling statuses that count as enrolled or exempt (送教上门, and 因身体原因 with its evidence). */
export const ENROLLED_OR_EXEMPT = ["IN_SCHOOL", "HOME_TAUGHT", "EXEMPT_FOR_HEALTH"] as const;

/** Project statuses that count as a renovation planned or under way. */
const PLANNED_OR_UNDER_WAY = ["PLANNED", "APPROVED", "IN_PROGRESS"] as const;

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

export const SCREENING_RULES = [
  {
    code: "ALLOWANCE_WITH_HIGH_INCOME",
    title: "低保对象收入远超监测线",
    description:
      "A member receives the minimum living allowance (低保) while the household's latest per-capita net income is far above the monitoring line.",
    reads: ["Member.receivesLowIncomeAllowance", "HouseholdIncome.perCapitaNetIncome"],
    field: "HouseholdIncome.perCapitaNetIncome",
    threshold: {
      config: "SCREENING_ALLOWANCE_INCOME_FACTOR",
      meaning: "income above this multiple of the monitoring line",
    },
    query: ({ config, inScope }) => sql`
      SELECT h.id AS household_id, h.village_code,
        jsonb_build_array(
          jsonb_build_object('field', 'Member.receivesLowIncomeAllowance', 'value', true, 'members', a.n),
          jsonb_build_object('field', 'HouseholdIncome.perCapitaNetIncome', 'value', i.per_capita_net_income, 'year', i.year)
        ) AS evidence,
        round(${config.SCREENING_ALLOWANCE_INCOME_FACTOR}::numeric * monitoring_line(i.year, h.village_code), 2) AS threshold
      FROM (SELECT m.household_id, count(*)::int AS n FROM members m
            WHERE m.receives_low_income_allowance GROUP BY m.household_id) a
      JOIN households h ON h.id = a.household_id
      JOIN ${latestIncome} i ON true
      WHERE ${inScope}
        AND i.per_capita_net_income > ${config.SCREENING_ALLOWANCE_INCOME_FACTOR}::numeric * monitoring_line(i.year, h.village_code)`,
  },
  {
    code: "SCHOOL_AGE_NOT_ENROLLED",
    title: "义务教育适龄儿童未在校且未登记免除",
    description:
      "A member of compulsory-school age (6–15 by birth date in the registry) whose schooling status is neither enrolled nor an exemption.",
    reads: ["Member.birthDate", "Member.schoolingStatus"],
    field: "Member.schoolingStatus",
    threshold: null,
    query: ({ inScope }) => {
      const { bornOnOrAfter, bornOnOrBefore } = birthDatesForAges(SCHOOL_AGE.from, SCHOOL_AGE.to, today());
      return sql`
      SELECT h.id AS household_id, h.village_code,
        jsonb_build_array(
          jsonb_build_object('field', 'Member.age', 'value', c.ages),
          jsonb_build_object('field', 'Member.schoolingStatus', 'value', c.statuses)
        ) AS evidence,
        NULL::numeric AS threshold
      FROM (SELECT m.household_id,
                   jsonb_agg(date_part('year', age(current_date, m.birth_date))::int ORDER BY m.id) AS ages,
                   jsonb_agg(m.schooling_status ORDER BY m.id) AS statuses
            FROM members m
            WHERE m.birth_date BETWEEN ${bornOnOrAfter!}::date AND ${bornOnOrBefore!}::date
              AND m.schooling_status::text NOT IN (${list(ENROLLED_OR_EXEMPT)})
            GROUP BY m.household_id) c
      JOIN households h ON h.id = c.household_id
      WHERE ${inScope}`;
    },
  },
  {
    code: "INSURANCE_LAPSE_MONITORED",
    title: "监测对象家庭成员未参加基本医疗保险",
    description: "A household under monitoring has a member without basic medical insurance.",
    reads: ["Household.monitoringStatus", "Member.hasBasicMedicalInsurance"],
    field: "Member.hasBasicMedicalInsurance",
    threshold: null,
    query: ({ inScope }) => sql`
      SELECT h.id AS household_id, h.village_code,
        jsonb_build_array(
          jsonb_build_object('field', 'Household.monitoringStatus', 'value', h.monitoring_status),
          jsonb_build_object('field', 'Member.hasBasicMedicalInsurance', 'value', false, 'members', u.n)
        ) AS evidence,
        NULL::numeric AS threshold
      FROM (SELECT m.household_id, count(*)::int AS n FROM members m
            WHERE NOT m.has_basic_medical_insurance GROUP BY m.household_id) u
      JOIN households h ON h.id = u.household_id
      WHERE ${inScope} AND h.monitoring_status = 'MONITORED'`,
  },
  {
    code: "UNSAFE_HOUSING_WITHOUT_RENOVATION",
    title: "C/D级危房未列入改造计划",
    description:
      "A house assessed grade C or D, not renovated, with no housing project planned or under way that names the household as a beneficiary.",
    reads: ["Household.housingGrade", "Household.housingRenovated", "Project.beneficiaries"],
    field: "Household.housingGrade",
    threshold: null,
    query: ({ inScope }) => sql`
      SELECT h.id AS household_id, h.village_code,
        jsonb_build_array(
          jsonb_build_object('field', 'Household.housingGrade', 'value', h.housing_grade, 'assessedOn', h.housing_assessed_on),
          jsonb_build_object('field', 'Household.housingRenovated', 'value', h.housing_renovated),
          jsonb_build_object('field', 'Project.beneficiaries', 'value', 0)
        ) AS evidence,
        NULL::numeric AS threshold
      FROM households h
      WHERE ${inScope} AND h.housing_grade IN ('C', 'D') AND NOT h.housing_renovated
        AND NOT EXISTS (SELECT 1 FROM project_beneficiaries b JOIN projects p ON p.id = b.project_id
          WHERE b.household_id = h.id AND p.category::text = ${ProjectCategory.HOUSING}
            AND p.status::text IN (${list(PLANNED_OR_UNDER_WAY)}))`,
  },
  {
    code: "DISABILITY_CERTIFICATE_WITHOUT_ALLOWANCE",
    title: "持证残疾人未享受两项补贴",
    description:
      "A member holds a disability certificate (残联) but lacks an allowance the two-allowance rules give: the nursing allowance for a severe disability (grade 1 or 2), or the living allowance for a disabled member of a 低保 household (民政).",
    reads: [
      "Member.hasDisabilityCertificate",
      "Member.disabilityGrade",
      "Member.receivesDisabilityLivingAllowance",
      "Member.receivesDisabilityNursingAllowance",
      "Member.receivesLowIncomeAllowance",
    ],
    field: "Member.hasDisabilityCertificate",
    threshold: null,
    query: ({ inScope }) => sql`
      SELECT h.id AS household_id, h.village_code,
        jsonb_build_array(
          jsonb_build_object('field', 'Member.hasDisabilityCertificate', 'value', true, 'members', d.n),
          jsonb_build_object('field', 'Member.disabilityGrade', 'value', d.grades),
          jsonb_build_object('field', 'Member.receivesDisabilityNursingAllowance', 'value', d.nursing),
          jsonb_build_object('field', 'Member.receivesDisabilityLivingAllowance', 'value', d.living),
          jsonb_build_object('field', 'Member.receivesLowIncomeAllowance', 'value', d.low_income)
        ) AS evidence,
        NULL::numeric AS threshold
      FROM (SELECT m.household_id, count(*)::int AS n,
                   jsonb_agg(m.disability_grade ORDER BY m.id) AS grades,
                   jsonb_agg(m.receives_disability_nursing_allowance ORDER BY m.id) AS nursing,
                   jsonb_agg(m.receives_disability_living_allowance ORDER BY m.id) AS living,
                   jsonb_agg(m.receives_low_income_allowance ORDER BY m.id) AS low_income
            FROM members m
            WHERE m.has_disability_certificate
              AND ((m.disability_grade IN (1, 2) AND NOT m.receives_disability_nursing_allowance)
                OR (m.receives_low_income_allowance AND NOT m.receives_disability_living_allowance))
            GROUP BY m.household_id) d
      JOIN households h ON h.id = d.household_id
      WHERE ${inScope}`,
  },
] as const satisfies readonly ScreeningRule[];

export type ScreeningRuleCode = (typeof SCREENING_RULES)[number]["code"];
