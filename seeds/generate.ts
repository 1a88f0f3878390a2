/**
 * The deterministic seed generator: tier + seed → rows per table, yielded in foreign-key order.
 * One "scope" at a time: first the regions and region-wide agencies, then one county at a time
 * (its agencies, cadres, villages, households, members, projects, assets and assignments), so the
 * city tier never holds more than one county in memory. Ids are assigned explicitly and
 * sequentially; household_events carry no id (its identity column is GENERATED ALWAYS).
 * Pure: no clock, no Math.random; every random choice comes from a Random keyed by (seed, scope).
 */
import { makeIdNumber } from "../src/shared/id-number.js";
import { ethnicMix, fullName, IN_PROVINCE_PLACES, MIGRANT_PLACES, placeName, surname } from "./names.js";
import { type CountyPlan, type Tier, type TierPlan, tierPlan } from "./plan.js";
import { Random } from "./random.js";

export { type Tier, tierPlan } from "./plan.js";

/** "Today" for ages, statuses and dates: generated data never depends on the clock. */
export const REFERENCE_DATE = "2024-06-30";
const REF_YEAR = 2024;
export const INCOME_YEARS = [2019, 2020, 2021, 2022, 2023] as const;

export type Cell = string | number | boolean | null | readonly string[];
export type Row = Cell[];

/** Columns written for each table, in load (foreign-key) order. */
export const TABLE_COLUMNS = {
  regions: [
    "code",
    "name",
    "level",
    "parent_code",
    "is_key_county",
    "is_contiguous_area_county",
    "is_deep_poverty_county",
    "exit_year",
  ],
  agencies: ["id", "name", "kind", "level", "region_code"],
  cadres: ["id", "name", "gender", "agency_id", "position", "phone"],
  villages: [
    "id",
    "code",
    "name",
    "township_code",
    "poverty_status",
    "exit_year",
    "registered_population",
    "registered_households",
    "has_hardened_road",
    "has_bus_service",
    "distance_to_township_km",
    "has_tap_water",
    "drinking_water_safe",
    "has_upgraded_power_grid",
    "has_broadband",
    "has_information_service_point",
    "has_clinic",
    "has_cultural_room",
    "has_kindergarten",
    "has_primary_school",
    "collective_income",
  ],
  households: [
    "id",
    "household_number",
    "village_code",
    "address",
    "attribute",
    "status",
    "identified_year",
    "exited_year",
    "primary_cause",
    "other_causes",
    "housing_grade",
    "housing_assessed_on",
    "housing_renovated",
    "housing_renovation_year",
    "housing_priority",
    "drinking_water_safe",
    "relocated",
    "relocation_year",
    "monitoring_type",
    "created_at",
  ],
  household_incomes: [
    "household_id",
    "year",
    "wages",
    "production",
    "property",
    "transfer",
    "production_costs",
    "per_capita_net_income",
  ],
  members: [
    "id",
    "household_id",
    "village_code",
    "name",
    "id_number",
    "gender",
    "birth_date",
    "relation",
    "ethnicity",
    "education_level",
    "schooling_status",
    "school",
    "health_status",
    "disability_type",
    "disability_grade",
    "labour_capacity",
    "employment",
    "employment_place",
    "employment_months",
    "has_basic_medical_insurance",
    "has_serious_illness_insurance",
    "has_pension_insurance",
    "has_family_doctor_contract",
    "medical_expense_out_of_pocket",
    "medical_expense_year",
    "receives_low_income_allowance",
    "receives_extreme_poverty_support",
  ],
  household_events: [
    "household_id",
    "kind",
    "occurred_on",
    "from_status",
    "to_status",
    "field",
    "old_value",
    "new_value",
    "reason",
    "recorded_by",
    "department",
    "recorded_at",
  ],
  projects: [
    "id",
    "code",
    "name",
    "category",
    "region_code",
    "village_id",
    "year",
    "status",
    "lead_agency_id",
    "start_date",
    "end_date",
    "notice_published_on",
    "notice_place",
  ],
  project_co_agencies: ["project_id", "agency_id"],
  project_funds: ["project_id", "source", "amount"],
  project_beneficiaries: ["project_id", "household_id"],
  assets: [
    "id",
    "code",
    "name",
    "kind",
    "ownership",
    "value",
    "village_code",
    "project_id",
    "custodian_kind",
    "custodian_agency_id",
    "custodian_household_id",
    "status",
    "formed_on",
  ],
  asset_incomes: ["asset_id", "year", "income", "to_households", "to_collective", "distribution"],
  agency_village_assignments: ["id", "agency_id", "village_id", "kind", "start_date", "end_date"],
  cadre_village_assignments: ["id", "cadre_id", "village_id", "role", "start_date", "end_date"],
  cadre_household_assignments: ["id", "cadre_id", "household_id", "start_date", "end_date"],
} as const satisfies Record<string, readonly string[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_ORDER = Object.keys(TABLE_COLUMNS) as TableName[];
/** Tables with an integer identity `id` column written explicitly (sequences reset after loading). */
export const TABLES_WITH_IDS: readonly TableName[] = TABLE_ORDER.filter(
  (t) => (TABLE_COLUMNS[t] as readonly string[])[0] === "id",
);

export interface TableBatch {
  /** "region" for the shared rows, else the county's 6-digit code. */
  scope: string;
  table: TableName;
  columns: readonly string[];
  rows: Row[];
}

export interface GenerateOptions {
  tier: Tier;
  seed?: number;
}

export const DEFAULT_SEED = 42;

// ---------------------------------------------------------------- dates and money

const DAY_MS = 86_400_000;
function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}
function fromDay(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
function toDay(s: string): number {
  return dayNumber(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}
const REF_DAY = toDay(REFERENCE_DATE);
function addDays(s: string, n: number): string {
  return fromDay(toDay(s) + n);
}
/** A date in `year` between the given months (inclusive), never after the reference date. */
function dateIn(rng: Random, year: number, fromMonth = 1, toMonth = 12): string {
  const lo = dayNumber(year, fromMonth, 1);
  const hi = Math.min(dayNumber(year, toMonth + 1, 1) - 1, REF_DAY);
  return fromDay(rng.int(lo, Math.max(lo, hi)));
}
/** A birth date such that the age on the reference date is exactly `age`. */
function birthDateForAge(rng: Random, age: number): string {
  const hi = dayNumber(REF_YEAR - age, 6, 30);
  const lo = dayNumber(REF_YEAR - age - 1, 6, 30) + 1;
  return fromDay(rng.int(lo, hi));
}
/** Cents → "1234.56". */
function money(cents: number): string {
  const c = Math.round(cents);
  const sign = c < 0 ? "-" : "";
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}
const yuan = (y: number) => Math.round(y * 100);

// ---------------------------------------------------------------- vocabularies

type Gender = "MALE" | "FEMALE";
const PRIMARY_CAUSES = [
  ["ILLNESS", 40],
  ["LACK_OF_CAPITAL", 11],
  ["LACK_OF_SKILLS", 10],
  ["LACK_OF_LABOUR", 9],
  ["DISABILITY", 8],
  ["SCHOOLING", 7],
  ["LACK_OF_DRIVE", 4],
  ["DISASTER", 3],
  ["POOR_TRANSPORT", 3],
  ["LACK_OF_LAND", 3],
  ["LACK_OF_WATER", 2],
] as const;
const ALL_CAUSES = PRIMARY_CAUSES.map(([c]) => c);

const VILLAGE_PROJECT_CATEGORIES = [
  ["ROAD", 20],
  ["WATER", 14],
  ["INDUSTRY", 22],
  ["HOUSING", 10],
  ["POWER", 5],
  ["TOURISM", 4],
  ["EDUCATION", 4],
  ["HEALTH", 4],
  ["CULTURE", 5],
  ["INFORMATIZATION", 4],
  ["RELOCATION", 2],
  ["MICROCREDIT", 3],
  ["EMPLOYMENT_TRAINING", 3],
] as const;
const COUNTY_PROJECT_CATEGORIES = [
  ["RELOCATION", 15],
  ["MICROCREDIT", 20],
  ["EMPLOYMENT_TRAINING", 20],
  ["EDUCATION", 12],
  ["HEALTH", 10],
  ["ROAD", 13],
  ["INDUSTRY", 10],
] as const;
type Category = (typeof VILLAGE_PROJECT_CATEGORIES)[number][0];

const PROJECT_NAMES: Record<Category, readonly string[]> = {
  ROAD: ["通组公路硬化", "产业路建设", "村道安保工程", "危桥改造", "通自然村水泥路"],
  WATER: ["安全饮水巩固提升工程", "集中供水工程", "山塘清淤扩容", "灌溉渠道修复"],
  POWER: ["农网改造升级", "动力电入户工程", "村级光伏电站"],
  HOUSING: ["农村危房改造", "住房安全保障", "农房抗震改造"],
  INDUSTRY: [
    "油茶种植基地",
    "黄桃产业园",
    "茶叶加工厂",
    "食用菌大棚",
    "中药材种植基地",
    "生猪养殖场",
    "柑橘提质改造",
    "稻田养鱼示范基地",
  ],
  TOURISM: ["乡村旅游民宿", "侗寨旅游步道", "农家乐示范点"],
  EDUCATION: ["村小学改扩建", "幼儿园建设", "教学点标准化建设"],
  HEALTH: ["村卫生室标准化建设", "健康扶贫签约服务点"],
  CULTURE: ["村综合文化服务中心", "文化广场建设", "农家书屋"],
  INFORMATIZATION: ["光纤宽带入户", "4G基站建设", "电商服务站"],
  RELOCATION: ["易地扶贫搬迁安置点配套", "易地扶贫搬迁后续扶持"],
  MICROCREDIT: ["扶贫小额信贷贴息", "产业发展贷款风险补偿"],
  EMPLOYMENT_TRAINING: ["劳动力技能培训", "雨露计划职业教育补助", "扶贫车间就业补贴"],
};
const FUND_AMOUNT_MEDIAN: Record<Category, number> = {
  ROAD: 600_000,
  WATER: 300_000,
  POWER: 300_000,
  HOUSING: 200_000,
  INDUSTRY: 400_000,
  TOURISM: 500_000,
  EDUCATION: 800_000,
  HEALTH: 200_000,
  CULTURE: 150_000,
  INFORMATIZATION: 150_000,
  RELOCATION: 3_000_000,
  MICROCREDIT: 1_000_000,
  EMPLOYMENT_TRAINING: 100_000,
};
/** Which county department leads each category (key into the county's department map). */
const LEAD_DEPARTMENT: Record<Category, string> = {
  ROAD: "交通运输局",
  WATER: "水利局",
  POWER: "发展和改革局",
  HOUSING: "住房和城乡建设局",
  INDUSTRY: "农业农村局",
  TOURISM: "文化旅游广电体育局",
  EDUCATION: "教育局",
  HEALTH: "卫生健康局",
  CULTURE: "文化旅游广电体育局",
  INFORMATIZATION: "发展和改革局",
  RELOCATION: "发展和改革局",
  MICROCREDIT: "乡村振兴局",
  EMPLOYMENT_TRAINING: "人力资源和社会保障局",
};
const FUND_SOURCES = [
  ["CENTRAL_FISCAL", 30],
  ["PROVINCIAL_FISCAL", 20],
  ["INTEGRATED_AGRICULTURE", 20],
  ["COUNTY_FISCAL", 15],
  ["CITY_FISCAL", 8],
  ["LOAN", 4],
  ["SOCIAL_DONATION", 3],
] as const;

const COUNTY_DEPARTMENTS = [
  "农业农村局",
  "交通运输局",
  "水利局",
  "卫生健康局",
  "教育局",
  "民政局",
  "住房和城乡建设局",
  "乡村振兴局",
  "财政局",
  "人力资源和社会保障局",
  "发展和改革局",
  "文化旅游广电体育局",
  "林业局",
  "自然资源局",
] as const;
const CITY_DEPARTMENTS = [
  "农业农村局",
  "交通运输局",
  "水利局",
  "卫生健康委员会",
  "教育局",
  "民政局",
  "住房和城乡建设局",
  "乡村振兴局",
  "财政局",
  "人力资源和社会保障局",
  "发展和改革委员会",
  "文化旅游广电体育局",
  "自然资源和规划局",
  "生态环境局",
  "商务局",
  "林业局",
  "市场监督管理局",
];
const UNIVERSITIES = [
  "怀化学院",
  "湖南医药学院",
  "湖南农业大学",
  "中南大学",
  "湖南师范大学",
  "长沙理工大学",
  "吉首大学",
  "湖南工业大学",
];
const PHONE_PREFIXES = [
  "130",
  "131",
  "132",
  "133",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "153",
  "155",
  "156",
  "157",
  "158",
  "159",
  "173",
  "176",
  "177",
  "180",
  "181",
  "182",
  "183",
  "185",
  "186",
  "187",
  "188",
  "189",
  "191",
  "198",
  "199",
];

// ---------------------------------------------------------------- shared (region-wide) scope

interface RegionContext {
  /** Region-wide agencies that can be paired with poor villages. */
  pairable: number[];
  eastWest: number[];
  nextId: Record<
    "agency" | "cadre" | "village" | "household" | "member" | "project" | "asset" | "ava" | "cva" | "cha",
    number
  >;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const provinceCode = (p: TierPlan) => `${p.province.code2}0000000000`;
const cityCode = (c4: string) => `${c4}00000000`;
const countyCode = (c6: string) => `${c6}000000`;

function* regionScope(plan: TierPlan, seed: number, ctx: RegionContext): Generator<TableBatch> {
  const rng = new Random(seed, "region");
  const regions: Row[] = [[provinceCode(plan), plan.province.name, "PROVINCE", null, false, false, false, null]];
  for (const c of plan.cities)
    regions.push([cityCode(c.code4), c.name, "CITY", provinceCode(plan), false, false, false, null]);
  for (const c of plan.counties) {
    regions.push([
      countyCode(c.code6),
      c.name,
      "COUNTY",
      cityCode(c.cityCode4),
      c.isKeyCounty,
      c.isContiguousAreaCounty,
      c.isDeepPovertyCounty,
      c.exitYear,
    ]);
  }
  // Townships are generated here too (names are needed by every later scope of the county).
  for (const c of plan.counties)
    for (const t of townshipsOf(seed, c))
      regions.push([t.code, t.name, "TOWNSHIP", countyCode(c.code6), false, false, false, null]);
  yield { scope: "region", table: "regions", columns: TABLE_COLUMNS.regions, rows: regions };

  const agencies: Row[] = [];
  const add = (
    name: string,
    kind: string,
    level: string,
    region: string | null,
    pairable: boolean,
    eastWest = false,
  ) => {
    const id = ctx.nextId.agency++;
    agencies.push([id, name, kind, level, region]);
    if (pairable) ctx.pairable.push(id);
    if (eastWest) ctx.eastWest.push(id);
    return id;
  };
  const prov = provinceCode(plan);
  for (const d of [
    "农业农村厅",
    "交通运输厅",
    "水利厅",
    "卫生健康委员会",
    "教育厅",
    "乡村振兴局",
    "财政厅",
    "民政厅",
  ]) {
    add(`${plan.province.name}${d}`, "GOVERNMENT_DEPARTMENT", "PROVINCIAL", prov, true);
  }
  add(`中共${plan.province.name.slice(0, 2)}省委组织部`, "PARTY_ORGAN", "PROVINCIAL", prov, true);
  add("国家开发银行湖南省分行", "STATE_OWNED_ENTERPRISE", "CENTRAL", prov, true);
  add("中国农业发展银行湖南省分行", "STATE_OWNED_ENTERPRISE", "CENTRAL", prov, true);
  add("国网湖南省电力有限公司", "STATE_OWNED_ENTERPRISE", "CENTRAL", prov, true);
  for (const u of UNIVERSITIES) add(u, "UNIVERSITY", u === "中南大学" ? "CENTRAL" : "PROVINCIAL", prov, true);
  for (const city of plan.cities) {
    const cc = cityCode(city.code4);
    const short = city.name.replace(/市$/, "");
    for (const d of CITY_DEPARTMENTS) add(`${city.name}${d}`, "GOVERNMENT_DEPARTMENT", "CITY", cc, true);
    add(`中共${city.name}委组织部`, "PARTY_ORGAN", "CITY", cc, true);
    add(`中共${city.name}委宣传部`, "PARTY_ORGAN", "CITY", cc, true);
    add(`${city.name}残疾人联合会`, "SOCIAL_ORGANISATION", "CITY", cc, false);
    add(`${city.name}慈善总会`, "SOCIAL_ORGANISATION", "CITY", cc, true);
    for (const s of [
      "供电公司",
      "移动分公司",
      "电信分公司",
      "联通分公司",
      "农业银行分行",
      "建设银行分行",
      "工商银行分行",
      "邮政储蓄银行分行",
      "烟草公司",
    ]) {
      add(`${short}${s}`, "STATE_OWNED_ENTERPRISE", "CITY", cc, true);
    }
    add(`${city.name}城市建设投资有限公司`, "STATE_OWNED_ENTERPRISE", "CITY", cc, true);
    add(`${short}军分区`, "MILITARY", "CITY", cc, true);
    add(`武警${short}支队`, "MILITARY", "CITY", cc, true);
    for (let i = 0; i < 3; i++)
      add(`${short}${placeName(rng)}农业开发有限公司${i + 1}`, "PRIVATE_ENTERPRISE", "CITY", cc, true);
  }
  for (const p of ["浙江省宁波市", "江苏省无锡市", "浙江省温州市", "广东省东莞市"]) {
    add(`${p}东西部协作工作队`, "EAST_WEST_PARTNER", "CITY", null, false, true);
  }
  yield { scope: "region", table: "agencies", columns: TABLE_COLUMNS.agencies, rows: agencies };
}

interface Township {
  code: string;
  name: string;
}
/** Townships are derived from their own key so every scope sees the same list. */
function townshipsOf(seed: number, county: CountyPlan): Township[] {
  const rng = new Random(seed, `townships:${county.code6}`);
  const count = Math.max(1, Math.ceil(county.villages / (county.villages < 50 ? 4 : 14)));
  const used = new Set<string>();
  const out: Township[] = [];
  for (let i = 0; i < count; i++) {
    let name = placeName(rng);
    while (used.has(name)) name = placeName(rng);
    used.add(name);
    out.push({ code: `${county.code6}${100 + i}000`, name: name + (rng.chance(0.7) ? "镇" : "乡") });
  }
  return out;
}

// ---------------------------------------------------------------- county scope

interface MemberDraft {
  relation: string;
  gender: Gender;
  age: number;
  family: string;
}

interface HouseholdDraft {
  id: number;
  villageIndex: number;
  status: string;
  identifiedYear: number;
  exitedYear: number | null;
  monitoringType: string | null;
  attribute: string;
  size: number;
}

function countyScope(plan: TierPlan, county: CountyPlan, seed: number, ctx: RegionContext): Map<TableName, Row[]> {
  const rng = new Random(seed, `county:${county.code6}`);
  const out = new Map<TableName, Row[]>(TABLE_ORDER.map((t) => [t, []]));
  const push = (t: TableName, row: Row) => out.get(t)!.push(row);
  const cityName = plan.cities.find((c) => c.code4 === county.cityCode4)!.name;
  const townships = townshipsOf(seed, county);
  const mix = ethnicMix(county.name);
  const cc = countyCode(county.code6);

  // -- county agencies
  const dept = new Map<string, number>();
  const addAgency = (name: string, kind: string, level: string, region: string) => {
    const id = ctx.nextId.agency++;
    push("agencies", [id, name, kind, level, region]);
    return id;
  };
  for (const d of COUNTY_DEPARTMENTS)
    dept.set(d, addAgency(`${county.name}${d}`, "GOVERNMENT_DEPARTMENT", "COUNTY", cc));
  const committee =
    county.name.endsWith("县") || county.name.endsWith("区") || county.name.endsWith("市")
      ? county.name
      : `${county.name}县`;
  dept.set("组织部", addAgency(`中共${committee}委组织部`, "PARTY_ORGAN", "COUNTY", cc));
  dept.set("残疾人联合会", addAgency(`${county.name}残疾人联合会`, "SOCIAL_ORGANISATION", "COUNTY", cc));
  dept.set("人民武装部", addAgency(`${county.name}人民武装部`, "MILITARY", "COUNTY", cc));
  dept.set("农商银行", addAgency(`${county.name}农村商业银行`, "STATE_OWNED_ENTERPRISE", "COUNTY", cc));
  const townshipGov = townships.map((t) =>
    addAgency(`${county.name}${t.name}人民政府`, "GOVERNMENT_DEPARTMENT", "TOWNSHIP", t.code),
  );
  const countyPairable = [...dept.values()];

  // -- cadres (created on demand)
  const newCadre = (agencyId: number, position: string): { id: number; name: string } => {
    const id = ctx.nextId.cadre++;
    const gender: Gender = rng.chance(0.72) ? "MALE" : "FEMALE";
    const name = fullName(rng, surname(rng, rng.weighted(mix)), gender);
    const phone = rng.pick(PHONE_PREFIXES) + pad(rng.int(0, 99_999_999), 8);
    push("cadres", [id, name, gender, agencyId, position, phone]);
    return { id, name };
  };

  // -- villages: which are poor, their status
  const villagesPerTownship = townships.map(() => 0);
  const villageTownship: number[] = [];
  for (let v = 0; v < county.villages; v++) villageTownship.push(v % townships.length);
  const poorIndexes = new Set(rng.sample([...Array(county.villages).keys()], county.poorVillages));

  interface VillageDraft {
    id: number;
    code: string;
    name: string;
    township: number;
    status: string;
    exitYear: number | null;
    poor: boolean;
    agencyId: number;
    population: number;
    households: number;
    hhIds: number[];
    collectiveIncome: number;
  }
  const villages: VillageDraft[] = [];
  const usedNames = new Map<number, Set<string>>();
  for (let v = 0; v < county.villages; v++) {
    const t = villageTownship[v]!;
    const seq = villagesPerTownship[t]!++;
    const names = usedNames.get(t) ?? new Set<string>();
    usedNames.set(t, names);
    let name = placeName(rng) + "村";
    while (names.has(name)) name = placeName(rng) + "村";
    names.add(name);
    const poor = poorIndexes.has(v);
    let status = "NOT_POOR";
    let exitYear: number | null = null;
    if (poor) {
      status = rng.weighted([
        ["EXITED", 90],
        ["POOR", 7],
        ["DEEP_POOR", 3],
      ] as const);
      if (status === "EXITED")
        exitYear = rng.weighted([
          [2016, 10],
          [2017, 22],
          [2018, 28],
          [2019, 28],
          [2020, 12],
        ] as const);
    }
    villages.push({
      id: ctx.nextId.village++,
      code: `${townships[t]!.code.slice(0, 9)}${200 + seq}`,
      name,
      township: t,
      status,
      exitYear,
      poor,
      agencyId: 0,
      population: 0,
      households: 0,
      hhIds: [],
      collectiveIncome: 0,
    });
  }

  // -- assignments: agency pairing and work teams for poor villages; helper pools
  const helperPools: { agencyId: number; current: { id: number; name: string } | null; left: number }[] = [];
  for (const vd of villages) {
    if (vd.poor) {
      vd.agencyId = rng.chance(0.4) ? rng.pick(ctx.pairable) : rng.pick(countyPairable);
      const start = dateIn(rng, rng.int(2015, 2018), 1, 12);
      push("agency_village_assignments", [ctx.nextId.ava++, vd.agencyId, vd.id, "DESIGNATED", start, null]);
      if (ctx.eastWest.length > 0 && rng.chance(0.1)) {
        push("agency_village_assignments", [
          ctx.nextId.ava++,
          rng.pick(ctx.eastWest),
          vd.id,
          "EAST_WEST",
          dateIn(rng, rng.int(2017, 2019)),
          null,
        ]);
      }
      const teamStart = addDays(start, rng.int(0, 60));
      const secretary = newCadre(vd.agencyId, "驻村第一书记");
      push("cadre_village_assignments", [ctx.nextId.cva++, secretary.id, vd.id, "FIRST_SECRETARY", teamStart, null]);
      for (let i = 0; i < 2; i++) {
        const m = newCadre(vd.agencyId, "驻村工作队员");
        push("cadre_village_assignments", [ctx.nextId.cva++, m.id, vd.id, "WORK_TEAM_MEMBER", teamStart, null]);
      }
    } else {
      vd.agencyId = townshipGov[vd.township]!;
    }
    helperPools.push({ agencyId: vd.agencyId, current: null, left: 0 });
  }
  const helperFor = (v: number): { id: number; name: string } => {
    const pool = helperPools[v]!;
    if (!pool.current || pool.left === 0) {
      const position = rng.pick(["科员", "副科长", "科长", "主任科员", "副主任科员", "干部", "副局长"]);
      pool.current = newCadre(pool.agencyId, position);
      pool.left = rng.int(5, 10);
    }
    pool.left--;
    return pool.current;
  };

  // -- households, incomes, members, events, helpers
  const idSeq = new Map<string, number>();
  const nextIdNumber = (birth: string, gender: Gender): string => {
    const key = `${birth}${gender}`;
    const k = idSeq.get(key) ?? 0;
    idSeq.set(key, k + 1);
    if (k >= 500) throw new Error(`identity sequence exhausted for ${county.code6} ${birth}`);
    return makeIdNumber(county.code6, birth, 2 * k + (gender === "MALE" ? 1 : 0), gender);
  };
  const householdsOf: HouseholdDraft[][] = villages.map(() => []);

  for (let v = 0; v < villages.length; v++) {
    const vd = villages[v]!;
    const tw = townships[vd.township]!;
    const mean = vd.poor ? plan.householdsPerPoorVillage : plan.householdsPerOtherVillage;
    const count = rng.normalInt(mean, mean * 0.2, Math.max(8, Math.round(mean * 0.3)), Math.round(mean * 2));
    const villageStillPoor = vd.status === "POOR" || vd.status === "DEEP_POOR";
    for (let h = 0; h < count; h++) {
      const id = ctx.nextId.household++;
      const attribute = rng.weighted([
        ["GENERAL", 80],
        ["LOW_INCOME_ASSURED", 15],
        ["EXTREME_POVERTY_SUPPORTED", 5],
      ] as const);
      const statusRoll = rng.next();
      let status = "EXITED";
      if (statusRoll < 0.04) status = "MONITORED";
      else if (statusRoll < 0.045) status = "RETURNED";
      else if (statusRoll < 0.045 + (villageStillPoor ? 0.12 : 0.015)) status = "POOR";
      let monitoringType: string | null = null;
      if (status === "MONITORED")
        monitoringType = rng.weighted([
          ["UNSTABLE", 55],
          ["MARGINAL", 35],
          ["SUDDEN_HARDSHIP", 10],
        ] as const);
      const newlyMonitored = monitoringType === "MARGINAL" || monitoringType === "SUDDEN_HARDSHIP";
      const identifiedYear = newlyMonitored
        ? rng.int(2020, 2023)
        : status === "POOR"
          ? rng.weighted([
              [2014, 70],
              [2015, 18],
              [2016, 12],
            ] as const)
          : rng.weighted([
              [2014, 70],
              [2015, 12],
              [2016, 10],
              [2017, 5],
              [2018, 3],
            ] as const);
      let exitedYear: number | null = null;
      if (status === "EXITED" || status === "RETURNED" || monitoringType === "UNSTABLE") {
        const y = rng.weighted([
          [2015, 4],
          [2016, 12],
          [2017, 22],
          [2018, 25],
          [2019, 25],
          [2020, 12],
        ] as const);
        exitedYear = Math.min(2020, Math.max(identifiedYear + 1, y));
      }
      const primaryCause = rng.weighted(PRIMARY_CAUSES);
      const others = rng.sample(
        ALL_CAUSES.filter((c) => c !== primaryCause),
        rng.weighted([
          [0, 40],
          [1, 40],
          [2, 20],
        ] as const),
      );
      others.sort((a, b) => ALL_CAUSES.indexOf(a) - ALL_CAUSES.indexOf(b));
      const size =
        attribute === "EXTREME_POVERTY_SUPPORTED"
          ? rng.weighted([
              [1, 75],
              [2, 25],
            ] as const)
          : rng.weighted([
              [1, 12],
              [2, 24],
              [3, 26],
              [4, 20],
              [5, 11],
              [6, 5],
              [7, 2],
            ] as const);

      // housing, water, relocation
      const grade = rng.weighted([
        ["A", 45],
        ["B", 40],
        ["C", 11],
        ["D", 4],
      ] as const);
      const renovated = (grade === "A" || grade === "B") && rng.chance(0.3);
      const renovationYear = renovated ? rng.int(Math.max(2015, Math.min(identifiedYear, 2020)), 2020) : null;
      let priority: string | null = null;
      if (renovated) {
        priority =
          attribute === "LOW_INCOME_ASSURED"
            ? "LOW_INCOME"
            : attribute === "EXTREME_POVERTY_SUPPORTED"
              ? "DISPERSED_EXTREME_POOR"
              : primaryCause === "DISABILITY"
                ? "POOR_DISABLED"
                : "REGISTERED_POOR";
      }
      const relocated = !newlyMonitored && rng.chance(0.08);
      const relocationYear = relocated ? rng.int(Math.max(2016, identifiedYear), 2020) : null;
      const identifiedOn = dateIn(rng, identifiedYear, 4, 11);
      const address = `${plan.province.name}${cityName}${county.name}${tw.name}${vd.name}${rng.int(1, 12)}组${rng.int(1, 80)}号`;
      const householdNumber = `${vd.code}${pad(h + 1, 4)}`;
      push("households", [
        id,
        householdNumber,
        vd.code,
        address,
        attribute,
        status,
        identifiedYear,
        exitedYear,
        primaryCause,
        others,
        grade,
        dateIn(rng, rng.int(2019, 2023)),
        renovated,
        renovationYear,
        priority,
        rng.chance(0.975),
        relocated,
        relocationYear,
        monitoringType,
        `${identifiedOn}T09:00:00+08:00`,
      ]);

      // members
      const household: HouseholdDraft = {
        id,
        villageIndex: v,
        status,
        identifiedYear,
        exitedYear,
        monitoringType,
        attribute,
        size,
      };
      const drafts = composeMembers(rng, size, attribute, rng.weighted(mix), mix);
      for (const [i, m] of drafts.entries()) {
        const ethnicity = m.ethnicity;
        const birth = birthDateForAge(rng, m.age);
        writeMember(rng, push, {
          id: ctx.nextId.member++,
          householdId: id,
          villageCode: vd.code,
          name: fullName(rng, m.family, m.gender),
          idNumber: nextIdNumber(birth, m.gender),
          draft: m,
          birth,
          ethnicity,
          attribute,
          county: county.name,
          township: tw.name,
          village: vd.name,
          forceCondition: i === 0 || m.relation === "SPOUSE" ? conditionFor(rng, primaryCause, i) : null,
        });
      }

      // incomes
      writeIncomes(rng, push, household);

      // helper and events
      const helper = helperFor(v);
      const helperStartYear = Math.max(identifiedYear, 2015);
      push("cadre_household_assignments", [
        ctx.nextId.cha++,
        helper.id,
        id,
        helperStartYear === identifiedYear ? identifiedOn : dateIn(rng, 2015, 3, 10),
        null,
      ]);
      writeEvents(rng, push, household, identifiedOn, helper.name);

      vd.population += drafts.length;
      vd.households += 1;
      vd.hhIds.push(id);
      householdsOf[v]!.push(household);
    }
  }

  // -- projects, funds, beneficiaries, assets, asset incomes
  let projectSeq = 0;
  let assetSeq = 0;
  const collective2023 = villages.map(() => 0);
  const makeProject = (year: number, category: Category, village: VillageDraft | null) => {
    const id = ctx.nextId.project++;
    const code = `FP${county.code6}${year}${pad(++projectSeq, 5)}`;
    const template = rng.pick(PROJECT_NAMES[category]);
    const name = village
      ? `${townships[village.township]!.name}${village.name}${template}`
      : `${county.name}${year}年${template}`;
    const status =
      year <= 2021
        ? rng.weighted([
            ["ACCEPTED", 92],
            ["COMPLETED", 8],
          ] as const)
        : year === 2022
          ? rng.weighted([
              ["ACCEPTED", 70],
              ["COMPLETED", 25],
              ["IN_PROGRESS", 5],
            ] as const)
          : year === 2023
            ? rng.weighted([
                ["ACCEPTED", 35],
                ["COMPLETED", 30],
                ["IN_PROGRESS", 30],
                ["APPROVED", 5],
              ] as const)
            : rng.weighted([
                ["IN_PROGRESS", 30],
                ["APPROVED", 40],
                ["PLANNED", 30],
              ] as const);
    let start: string | null = null;
    let end: string | null = null;
    if (status === "IN_PROGRESS" || status === "COMPLETED" || status === "ACCEPTED") {
      start = dateIn(rng, year, 3, year === REF_YEAR ? 5 : 7);
      if (status !== "IN_PROGRESS") {
        end = fromDay(Math.min(toDay(start) + rng.int(60, 300), REF_DAY));
      }
    }
    let noticeOn: string | null = null;
    let noticePlace: string | null = null;
    if (status !== "PLANNED" && rng.chance(0.9)) {
      noticeOn = start ? addDays(start, -rng.int(10, 30)) : dateIn(rng, year, 1, 4);
      noticePlace = village && rng.chance(0.7) ? `${village.name}村务公开栏` : `${county.name}人民政府门户网站`;
    }
    const lead = dept.get(LEAD_DEPARTMENT[category])!;
    push("projects", [
      id,
      code,
      name,
      category,
      village ? village.code : cc,
      village ? village.id : null,
      year,
      status,
      lead,
      start,
      end,
      noticeOn,
      noticePlace,
    ]);
    const coCandidates = [
      ...new Set([
        village?.agencyId ?? lead,
        dept.get("乡村振兴局")!,
        dept.get("财政局")!,
        village ? townshipGov[village.township]! : lead,
      ]),
    ].filter((a) => a !== lead);
    for (const a of rng
      .sample(
        coCandidates,
        rng.weighted([
          [0, 35],
          [1, 45],
          [2, 20],
        ] as const),
      )
      .sort((x, y) => x - y))
      push("project_co_agencies", [id, a]);
    const total = yuan(Math.max(20_000, Math.round(rng.logNormal(FUND_AMOUNT_MEDIAN[category], 0.6) / 100) * 100));
    const sources = rng.sample(
      FUND_SOURCES.map(([s]) => s),
      rng.weighted([
        [1, 30],
        [2, 40],
        [3, 20],
        [4, 10],
      ] as const),
    );
    sources.sort((a, b) => FUND_SOURCES.findIndex(([s]) => s === a) - FUND_SOURCES.findIndex(([s]) => s === b));
    const shares = sources.map(() => rng.float(0.2, 1));
    const shareSum = shares.reduce((a, b) => a + b, 0);
    let totalCents = 0;
    for (const [i, s] of sources.entries()) {
      const amount = Math.max(100_000, Math.round((total * shares[i]!) / shareSum / 10_000) * 10_000);
      totalCents += amount;
      push("project_funds", [id, s, money(amount)]);
    }
    let beneficiaries: number[] = [];
    if (village && village.hhIds.length > 0) {
      beneficiaries = rng.sample(village.hhIds, Math.min(village.hhIds.length, rng.int(5, 60))).sort((a, b) => a - b);
      for (const b of beneficiaries) push("project_beneficiaries", [id, b]);
    }
    // assets for finished village projects
    if (!village || !end || (status !== "COMPLETED" && status !== "ACCEPTED")) return;
    const vIndex = villages.indexOf(village);
    const formedYear = Number(end.slice(0, 4));
    const assetStatus = () =>
      rng.weighted([
        ["IN_USE", 85],
        ["IDLE", 6],
        ["DAMAGED", 5],
        ["DISPOSED", 4],
      ] as const);
    const assetCode = () => `ZC${county.code6}${pad(++assetSeq, 6)}`;
    const publicWelfare = ["ROAD", "WATER", "POWER", "CULTURE", "HEALTH", "EDUCATION", "INFORMATIZATION"].includes(
      category,
    );
    const householdOwned = (category === "INDUSTRY" && rng.chance(0.3)) || (category === "HOUSING" && rng.chance(0.5));
    if (publicWelfare) {
      const byAgency = rng.chance(0.25);
      push("assets", [
        ctx.nextId.asset++,
        assetCode(),
        `${village.name}${template}`,
        "PUBLIC_WELFARE",
        rng.chance(0.75) ? "COLLECTIVE" : "STATE",
        money(Math.round(totalCents * rng.float(0.8, 1))),
        village.code,
        id,
        byAgency ? "AGENCY" : "VILLAGE_COLLECTIVE",
        byAgency ? lead : null,
        null,
        assetStatus(),
        end,
      ]);
    } else if (householdOwned && beneficiaries.length > 0) {
      const things = category === "HOUSING" ? ["改造住房"] : ["能繁母牛", "山羊", "户用光伏", "果苗", "生猪"];
      for (const hh of rng.sample(beneficiaries, rng.int(1, Math.min(6, beneficiaries.length))).sort((a, b) => a - b)) {
        push("assets", [
          ctx.nextId.asset++,
          assetCode(),
          `${village.name}${rng.pick(things)}`,
          "HOUSEHOLD_OWNED",
          "INDIVIDUAL",
          money(yuan(rng.int(20, 150) * 100)),
          village.code,
          id,
          "HOUSEHOLD",
          null,
          hh,
          assetStatus(),
          end,
        ]);
      }
    } else if (category === "INDUSTRY" || category === "TOURISM") {
      const assetId = ctx.nextId.asset++;
      const value = Math.round(totalCents * rng.float(0.7, 1));
      const st = assetStatus();
      push("assets", [
        assetId,
        assetCode(),
        `${village.name}${template}`,
        "OPERATING",
        "COLLECTIVE",
        money(value),
        village.code,
        id,
        "VILLAGE_COLLECTIVE",
        null,
        null,
        st,
        end,
      ]);
      for (let y = formedYear + 1; y <= 2023; y++) {
        const income = st === "IDLE" || st === "DISPOSED" ? 0 : Math.round((value * rng.float(0.03, 0.12)) / 100) * 100;
        const toHouseholds = Math.floor((income * rng.float(0.4, 0.7)) / 100) * 100;
        const toCollective = Math.floor(((income - toHouseholds) * rng.float(0.6, 1)) / 100) * 100;
        if (y === 2023) collective2023[vIndex]! += toCollective;
        push("asset_incomes", [
          assetId,
          y,
          money(income),
          money(toHouseholds),
          money(toCollective),
          income === 0
            ? null
            : rng.pick([
                "按脱贫户人口分红，其余留村集体",
                "按户分红，村集体留存用于公益岗位",
                "收益纳入村集体经济，用于公益事业和小型奖补",
              ]),
        ]);
      }
    }
  };
  for (const vd of villages) {
    for (let year = 2016; year <= REF_YEAR; year++) {
      const mean = vd.poor ? (year <= 2020 ? 1.0 : 0.6) : 0.25;
      const n = rng.poisson(mean);
      for (let i = 0; i < n; i++) makeProject(year, rng.weighted(VILLAGE_PROJECT_CATEGORIES), vd);
    }
  }
  for (let year = 2016; year <= REF_YEAR; year++) {
    const n = rng.int(3, 8);
    for (let i = 0; i < n; i++) makeProject(year, rng.weighted(COUNTY_PROJECT_CATEGORIES), null);
  }

  // -- village rows (written last in memory, emitted first in order)
  for (const [i, vd] of villages.entries()) {
    const base = vd.poor ? (vd.status === "EXITED" ? rng.int(50, 300) : rng.int(5, 60)) : rng.int(20, 400);
    vd.collectiveIncome = yuan(base * 1000) + collective2023[i]!;
    const hardened = vd.poor ? rng.chance(0.98) : rng.chance(0.95);
    push("villages", [
      vd.id,
      vd.code,
      vd.name,
      townships[vd.township]!.code,
      vd.status,
      vd.exitYear,
      vd.population,
      vd.households,
      hardened,
      hardened && rng.chance(0.82),
      Math.round(rng.logNormal(6, 0.7) * 10) / 10,
      rng.chance(0.9),
      rng.chance(0.98),
      rng.chance(0.99),
      rng.chance(0.95),
      rng.chance(0.85),
      rng.chance(0.96),
      rng.chance(0.9),
      rng.chance(0.3),
      rng.chance(0.4),
      money(vd.collectiveIncome),
    ]);
  }
  return out;
}

// ---------------------------------------------------------------- households' people

interface Composed extends MemberDraft {
  ethnicity: string;
}

function composeMembers(
  rng: Random,
  size: number,
  attribute: string,
  ethnicity: string,
  mix: readonly (readonly [string, number])[],
): Composed[] {
  const extreme = attribute === "EXTREME_POVERTY_SUPPORTED";
  const headAge = extreme
    ? rng.int(58, 88)
    : size === 1
      ? rng.normalInt(62, 12, 25, 90)
      : rng.normalInt(52, 12, 25, 80);
  const headGender: Gender = rng.chance(size === 1 ? 0.65 : 0.87) ? "MALE" : "FEMALE";
  const family = surname(rng, ethnicity);
  const out: Composed[] = [{ relation: "HEAD", gender: headGender, age: headAge, family, ethnicity }];
  const other = (g: Gender): Gender => (g === "MALE" ? "FEMALE" : "MALE");
  let childFamily = family;
  if (size >= 2 && rng.chance(headAge < 75 ? 0.85 : 0.6)) {
    const spouseGender = other(headGender);
    const age = Math.max(20, Math.min(95, headAge + (headGender === "MALE" ? -1 : 1) * rng.normalInt(2, 3, -5, 10)));
    const spouseEthnicity = rng.chance(0.8) ? ethnicity : rng.weighted(mix);
    const spouseFamily = surname(rng, spouseEthnicity);
    if (headGender === "FEMALE") childFamily = spouseFamily;
    out.push({ relation: "SPOUSE", gender: spouseGender, age, family: spouseFamily, ethnicity: spouseEthnicity });
  }
  // parents of a younger head
  if (headAge <= 50 && out.length < size && rng.chance(0.35)) {
    const parents = rng.chance(0.5) && size - out.length >= 2 ? 2 : 1;
    const fatherAge = Math.min(95, headAge + rng.int(22, 32));
    const firstIsFather = parents === 2 || rng.chance(0.4);
    if (firstIsFather)
      out.push({
        relation: "FATHER",
        gender: "MALE",
        age: fatherAge,
        family: headGender === "MALE" ? family : surname(rng, ethnicity),
        ethnicity,
      });
    if (parents === 2 || !firstIsFather)
      out.push({
        relation: "MOTHER",
        gender: "FEMALE",
        age: Math.min(95, fatherAge - rng.int(0, 4)),
        family: surname(rng, ethnicity),
        ethnicity,
      });
  }
  // three generations: a married son, his wife and their children
  if (headAge >= 52 && size - out.length >= 3 && rng.chance(0.6)) {
    const sonAge = rng.int(Math.max(22, headAge - 36), headAge - 21);
    out.push({ relation: "SON", gender: "MALE", age: sonAge, family: childFamily, ethnicity });
    out.push({
      relation: "DAUGHTER_IN_LAW",
      gender: "FEMALE",
      age: Math.max(20, sonAge + rng.int(-4, 2)),
      family: surname(rng, ethnicity),
      ethnicity,
    });
    while (out.length < size) {
      const g: Gender = rng.chance(0.53) ? "MALE" : "FEMALE";
      const age = rng.int(0, Math.max(0, sonAge - 21));
      out.push({
        relation: g === "MALE" ? "GRANDSON" : "GRANDDAUGHTER",
        gender: g,
        age,
        family: childFamily,
        ethnicity,
      });
    }
  }
  while (out.length < size) {
    const g: Gender = rng.chance(0.53) ? "MALE" : "FEMALE";
    const maxAge = headAge - 20;
    if (maxAge < 0) {
      out.push({ relation: "SIBLING", gender: g, age: Math.max(16, headAge + rng.int(-8, 8)), family, ethnicity });
      continue;
    }
    const age = rng.int(Math.max(0, headAge - 42), maxAge);
    out.push({ relation: g === "MALE" ? "SON" : "DAUGHTER", gender: g, age, family: childFamily, ethnicity });
  }
  return out;
}

type Condition = "CHRONIC_ILLNESS" | "SERIOUS_ILLNESS" | "DISABLED";
/** The head (or spouse) carries the household's illness or disability cause. */
function conditionFor(rng: Random, cause: string, index: number): Condition | null {
  if (index !== 0 && !rng.chance(0.15)) return null;
  if (cause === "ILLNESS") return rng.chance(0.85) ? "CHRONIC_ILLNESS" : "SERIOUS_ILLNESS";
  if (cause === "DISABILITY") return "DISABLED";
  return null;
}

interface MemberInput {
  id: number;
  householdId: number;
  villageCode: string;
  name: string;
  idNumber: string;
  draft: Composed;
  birth: string;
  ethnicity: string;
  attribute: string;
  county: string;
  township: string;
  village: string;
  forceCondition: Condition | null;
}

function writeMember(rng: Random, push: (t: TableName, r: Row) => void, m: MemberInput): void {
  const { age, gender } = m.draft;
  // schooling
  let education: string;
  let schooling: string;
  let school: string | null = null;
  if (age < 6) {
    schooling = "NOT_OF_SCHOOL_AGE";
    education = age >= 3 && rng.chance(0.8) ? "PRESCHOOL" : "NONE";
  } else if (age <= 15) {
    education = age <= 11 ? "PRIMARY" : age === 12 && rng.chance(0.3) ? "PRIMARY" : "JUNIOR_SECONDARY";
    schooling = rng.chance(0.004) ? "DROPPED_OUT" : "IN_SCHOOL";
    if (schooling === "IN_SCHOOL")
      school =
        education === "PRIMARY"
          ? rng.chance(0.6)
            ? `${m.township}中心小学`
            : `${m.village}小学`
          : `${m.township}中学`;
  } else if (age <= 18 && rng.chance(0.75)) {
    schooling = "IN_SCHOOL";
    education = rng.chance(0.6) ? "SENIOR_SECONDARY" : "VOCATIONAL";
    school =
      education === "SENIOR_SECONDARY"
        ? `${m.county}${rng.pick(["第一", "第二", "第三"])}中学`
        : rng.pick([`${m.county}职业中专学校`, "怀化职业技术学院", "怀化商业学校"]);
  } else if (age >= 18 && age <= 22 && rng.chance(0.3)) {
    schooling = "IN_SCHOOL";
    education = rng.chance(0.6) ? "TERTIARY" : "VOCATIONAL";
    school =
      education === "TERTIARY"
        ? rng.pick(UNIVERSITIES)
        : rng.pick(["怀化职业技术学院", "湖南交通职业技术学院", "长沙民政职业技术学院"]);
  } else {
    education =
      age >= 60
        ? rng.weighted([
            ["NONE", 35],
            ["PRIMARY", 45],
            ["JUNIOR_SECONDARY", 15],
            ["SENIOR_SECONDARY", 5],
          ] as const)
        : age >= 40
          ? rng.weighted([
              ["NONE", 8],
              ["PRIMARY", 35],
              ["JUNIOR_SECONDARY", 45],
              ["SENIOR_SECONDARY", 8],
              ["VOCATIONAL", 4],
            ] as const)
          : rng.weighted([
              ["PRIMARY", 8],
              ["JUNIOR_SECONDARY", 50],
              ["SENIOR_SECONDARY", 15],
              ["VOCATIONAL", 17],
              ["TERTIARY", 10],
            ] as const);
    if (age <= 18 && (education === "TERTIARY" || education === "VOCATIONAL" || education === "SENIOR_SECONDARY"))
      education = "JUNIOR_SECONDARY";
    schooling = education === "NONE" ? "NOT_OF_SCHOOL_AGE" : age <= 18 && rng.chance(0.2) ? "DROPPED_OUT" : "GRADUATED";
  }
  // health
  let health: string = m.forceCondition ?? "HEALTHY";
  if (!m.forceCondition) {
    const r = rng.next();
    const pDisabled = age >= 60 ? 0.065 : 0.03;
    const pSerious = age >= 50 ? 0.018 : 0.006;
    const pChronic = age >= 60 ? 0.1 : age >= 40 ? 0.04 : 0.01;
    if (r < pDisabled) health = "DISABLED";
    else if (r < pDisabled + pSerious) health = "SERIOUS_ILLNESS";
    else if (r < pDisabled + pSerious + pChronic) health = "CHRONIC_ILLNESS";
  }
  const disabilityType =
    health === "DISABLED"
      ? rng.weighted([
          ["PHYSICAL", 45],
          ["VISUAL", 12],
          ["HEARING", 12],
          ["SPEECH", 3],
          ["INTELLECTUAL", 10],
          ["MENTAL", 10],
          ["MULTIPLE", 8],
        ] as const)
      : null;
  const disabilityGrade = disabilityType
    ? rng.weighted([
        [1, 15],
        [2, 25],
        [3, 30],
        [4, 30],
      ] as const)
    : null;
  // labour and employment
  let labour: string;
  let employment = "UNEMPLOYED";
  let place: string | null = null;
  let months = 0;
  if (age < 16 || schooling === "IN_SCHOOL" || age > 75) labour = "NOT_OF_WORKING_AGE";
  else if (health === "SERIOUS_ILLNESS" || (disabilityGrade !== null && disabilityGrade <= 2)) labour = "NONE";
  else if (health !== "HEALTHY" || age > 64) labour = "WEAK";
  else labour = "NORMAL";
  if (labour === "NORMAL") {
    employment = rng.weighted([
      ["MIGRANT_OUT_OF_PROVINCE", 35],
      ["MIGRANT_IN_PROVINCE", 15],
      ["LOCAL_WAGE", 15],
      ["FARMING", 22],
      ["SELF_EMPLOYED", 6],
      ["PUBLIC_WELFARE_POST", 3],
      ["UNEMPLOYED", 4],
    ] as const);
  } else if (labour === "WEAK") {
    employment = rng.weighted([
      ["FARMING", 50],
      ["PUBLIC_WELFARE_POST", 20],
      ["LOCAL_WAGE", 12],
      ["UNEMPLOYED", 18],
    ] as const);
  }
  switch (employment) {
    case "MIGRANT_OUT_OF_PROVINCE":
      place = rng.weighted(MIGRANT_PLACES);
      months = rng.weighted([
        [6, 5],
        [8, 10],
        [10, 25],
        [11, 20],
        [12, 40],
      ] as const);
      break;
    case "MIGRANT_IN_PROVINCE":
      place = rng.weighted(IN_PROVINCE_PLACES);
      months = rng.int(6, 12);
      break;
    case "LOCAL_WAGE":
      place = rng.chance(0.5) ? `${m.county}${m.township}` : `${m.county}工业园`;
      months = rng.int(3, 12);
      break;
    case "FARMING":
      months = rng.int(4, 12);
      break;
    case "SELF_EMPLOYED":
      place = m.county;
      months = rng.int(8, 12);
      break;
    case "PUBLIC_WELFARE_POST":
      place = `${m.village}${rng.pick(["保洁员", "护林员", "护路员", "水管员"])}`;
      months = 12;
      break;
  }
  // insurance, medical expense, assistance
  const basic = rng.chance(0.99);
  const serious = basic && rng.chance(0.96);
  const pension = age >= 16 && schooling !== "IN_SCHOOL" && rng.chance(0.92);
  const doctor = rng.chance(health === "HEALTHY" ? 0.65 : 0.95);
  let expense: number;
  if (health === "HEALTHY") expense = rng.chance(0.65) ? 0 : rng.logNormal(300, 1);
  else if (health === "CHRONIC_ILLNESS") expense = rng.logNormal(1500, 0.9);
  else if (health === "SERIOUS_ILLNESS") expense = rng.logNormal(6000, 0.8);
  else expense = rng.logNormal(900, 1);
  const expenseCents = yuan(Math.min(200_000, Math.round(expense)));
  const lowIncome = m.attribute === "LOW_INCOME_ASSURED" && rng.chance(0.95);
  const extreme = m.attribute === "EXTREME_POVERTY_SUPPORTED";
  push("members", [
    m.id,
    m.householdId,
    m.villageCode,
    m.name,
    m.idNumber,
    gender,
    m.birth,
    m.draft.relation,
    m.ethnicity,
    education,
    schooling,
    school,
    health,
    disabilityType,
    disabilityGrade,
    labour,
    employment,
    place,
    months,
    basic,
    serious,
    pension,
    doctor,
    money(expenseCents),
    expenseCents > 0 ? 2023 : null,
    lowIncome,
    extreme,
  ]);
}

function writeIncomes(rng: Random, push: (t: TableName, r: Row) => void, h: HouseholdDraft): void {
  const struggling = h.status === "POOR" || h.status === "RETURNED" || h.status === "MONITORED";
  const base2021 = rng.logNormal(struggling ? 6200 : 10_500, struggling ? 0.25 : 0.32);
  const n = h.size;
  for (const year of INCOME_YEARS) {
    const pc = base2021 * Math.pow(1.08, year - 2021) * (1 + rng.normal(0, 0.05));
    const net = yuan(pc * n);
    const transfer = yuan(
      n *
        (h.attribute === "LOW_INCOME_ASSURED"
          ? rng.int(2500, 4000)
          : h.attribute === "EXTREME_POVERTY_SUPPORTED"
            ? rng.int(5000, 7000)
            : rng.int(300, 1200)),
    );
    const property = rng.chance(0.5) ? yuan(rng.int(100, 1500)) : 0;
    const production = Math.round(net * rng.float(0.1, 0.4));
    const costs = Math.round(production * rng.float(0.25, 0.45));
    const wages = Math.max(0, net - transfer - property - production + costs);
    const perCapita = Math.round((wages + production + property + transfer - costs) / n);
    push("household_incomes", [
      h.id,
      year,
      money(wages),
      money(production),
      money(property),
      money(transfer),
      money(costs),
      money(perCapita),
    ]);
  }
}

function writeEvents(
  rng: Random,
  push: (t: TableName, r: Row) => void,
  h: HouseholdDraft,
  identifiedOn: string,
  helper: string,
): void {
  const department = "RURAL_REVITALIZATION";
  const event = (
    kind: string,
    on: string,
    from: string | null,
    to: string | null,
    reason: string,
    by: string,
    field: string | null = null,
    oldValue: string | null = null,
    newValue: string | null = null,
  ) =>
    push("household_events", [
      h.id,
      kind,
      on,
      from,
      to,
      field,
      oldValue,
      newValue,
      reason,
      by,
      department,
      `${on}T09:00:00+08:00`,
    ]);
  const newlyMonitored = h.monitoringType === "MARGINAL" || h.monitoringType === "SUDDEN_HARDSHIP";
  if (newlyMonitored) {
    const reason = h.monitoringType === "MARGINAL" ? "边缘易致贫户识别" : "突发严重困难户识别";
    event("IDENTIFIED", identifiedOn, null, "MONITORED", reason, helper);
    event(
      "PLACED_UNDER_MONITORING",
      identifiedOn,
      null,
      "MONITORED",
      reason,
      helper,
      "monitoring_type",
      null,
      JSON.stringify(h.monitoringType),
    );
    return;
  }
  event(
    "IDENTIFIED",
    identifiedOn,
    null,
    "POOR",
    "精准识别",
    h.identifiedYear === 2014 ? "system:2014建档立卡" : helper,
  );
  if (h.exitedYear !== null) {
    event(
      "EXITED",
      dateIn(rng, h.exitedYear, 10, 12),
      "POOR",
      "EXITED",
      "人均纯收入稳定超过脱贫标准，“两不愁三保障”达标",
      helper,
    );
  }
  if (h.monitoringType === "UNSTABLE") {
    event(
      "PLACED_UNDER_MONITORING",
      dateIn(rng, rng.int(2021, 2023)),
      "EXITED",
      "MONITORED",
      rng.pick(["收入骤减", "因病支出大幅增加", "因灾损失"]),
      helper,
      "monitoring_type",
      null,
      JSON.stringify("UNSTABLE"),
    );
  }
  if (h.status === "RETURNED") {
    event(
      "RETURNED_TO_POVERTY",
      dateIn(rng, rng.int(2021, 2023)),
      "EXITED",
      "RETURNED",
      rng.pick(["家庭主要劳动力重病", "自然灾害致房屋损毁", "务工收入中断"]),
      helper,
    );
  }
}

// ---------------------------------------------------------------- entry point

/** Rows per table in FK order, one scope (regions, then each county) at a time. */
export function* generate(options: GenerateOptions): Generator<TableBatch> {
  const seed = options.seed ?? DEFAULT_SEED;
  const plan = tierPlan(options.tier);
  const ctx: RegionContext = {
    pairable: [],
    eastWest: [],
    nextId: { agency: 1, cadre: 1, village: 1, household: 1, member: 1, project: 1, asset: 1, ava: 1, cva: 1, cha: 1 },
  };
  yield* regionScope(plan, seed, ctx);
  for (const county of plan.counties) {
    const tables = countyScope(plan, county, seed, ctx);
    for (const table of TABLE_ORDER) {
      const rows = tables.get(table)!;
      if (rows.length > 0) yield { scope: county.code6, table, columns: TABLE_COLUMNS[table], rows };
    }
  }
}

/** How many scopes `generate` walks through (for progress bars): the regions plus each county. */
export function scopeCount(tier: Tier): number {
  return 1 + tierPlan(tier).counties.length;
}
