/** The shared scope: the region hierarchy (with every county's townships) and the region-wide agencies. */
import { placeName } from "./names.js";
import type { CountyPlan, TierPlan } from "./plan.js";
import { Random } from "./random.js";
import { cells, TABLE_COLUMNS, type Row, type SeedRow, type TableBatch } from "./tables.js";
import { CITY_DEPARTMENTS, UNIVERSITIES } from "./vocabulary.js";

export interface RegionContext {
  /** Region-wide agencies that can be paired with poor villages. */
  pairable: number[];
  eastWest: number[];
  nextId: Record<
    | "agency"
    | "cadre"
    | "village"
    | "household"
    | "member"
    | "project"
    | "asset"
    | "ava"
    | "cva"
    | "cha"
    | "case"
    | "alert"
    | "objection"
    | "assistance"
    | "followUp",
    number
  >;
}

export const pad = (n: number, w: number) => String(n).padStart(w, "0");
export const provinceCode = (p: TierPlan) => `${p.province.code2}0000000000`;
export const cityCode = (c4: string) => `${c4}00000000`;
export const countyCode = (c6: string) => `${c6}000000`;

export function* regionScope(plan: TierPlan, seed: number, ctx: RegionContext): Generator<TableBatch> {
  const rng = new Random(seed, "region");
  const regions: Row[] = [];
  const region = (
    code: string,
    name: string,
    level: SeedRow<"regions">["level"],
    parentCode: string | null,
    county?: Pick<CountyPlan, "isKeyCounty" | "isContiguousAreaCounty" | "isDeepPovertyCounty" | "exitYear">,
  ) =>
    regions.push(
      cells("regions", {
        code,
        name,
        level,
        parentCode,
        isKeyCounty: county?.isKeyCounty ?? false,
        isContiguousAreaCounty: county?.isContiguousAreaCounty ?? false,
        isDeepPovertyCounty: county?.isDeepPovertyCounty ?? false,
        exitYear: county?.exitYear ?? null,
      }),
    );
  region(provinceCode(plan), plan.province.name, "PROVINCE", null);
  for (const c of plan.cities) region(cityCode(c.code4), c.name, "CITY", provinceCode(plan));
  for (const c of plan.counties) region(countyCode(c.code6), c.name, "COUNTY", cityCode(c.cityCode4), c);
  // Townships are generated here too (names are needed by every later scope of the county).
  for (const c of plan.counties)
    for (const t of townshipsOf(seed, c)) region(t.code, t.name, "TOWNSHIP", countyCode(c.code6));
  yield { scope: "region", table: "regions", columns: TABLE_COLUMNS.regions, rows: regions };

  const agencies: Row[] = [];
  const add = (
    name: string,
    kind: SeedRow<"agencies">["kind"],
    level: SeedRow<"agencies">["level"],
    regionCode: string | null,
    pairable: boolean,
    eastWest = false,
  ) => {
    const id = ctx.nextId.agency++;
    agencies.push(cells("agencies", { id, name, kind, level, regionCode }));
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

export interface Township {
  code: string;
  name: string;
}
/** Townships are derived from their own key so every scope sees the same list. */
export function townshipsOf(seed: number, county: CountyPlan): Township[] {
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
