/** Tier definitions: which regions exist and how many villages and households each holds (design §7). */

export type Tier = "demo" | "city" | "province";
export const TIERS: readonly Tier[] = ["demo", "city", "province"];

export interface CountyPlan {
  code6: string;
  name: string;
  cityCode4: string;
  villages: number;
  poorVillages: number;
  isKeyCounty: boolean;
  isContiguousAreaCounty: boolean;
  isDeepPovertyCounty: boolean;
  exitYear: number | null;
}

export interface CityPlan {
  code4: string;
  name: string;
}

export interface TierPlan {
  tier: Tier;
  province: { code2: string; name: string };
  cities: CityPlan[];
  counties: CountyPlan[];
  /** Mean registered households in a poor / a non-poor village. */
  householdsPerPoorVillage: number;
  householdsPerOtherVillage: number;
}

type Row = [
  code6: string,
  name: string,
  villages: number,
  key: boolean,
  contiguous: boolean,
  deep: boolean,
  exit: number | null,
  poorWeight: number,
];

/**
 * Huaihua's 13 county-level units; village counts are plausible, not official. Seed 002 gives the
 * figures kept here: all 13 are 武陵山片区 contiguous-area counties and 10 are key counties (which 10
 * it does not say: the nine rural counties plus 洪江市 here).
 */
const HUAIHUA: Row[] = [
  ["431202", "鹤城区", 120, false, true, false, null, 0.3],
  ["431221", "中方县", 180, false, true, false, 2018, 0.8],
  ["431222", "沅陵县", 300, true, true, false, 2019, 1.2],
  ["431223", "辰溪县", 250, true, true, false, 2019, 1.1],
  ["431224", "溆浦县", 400, true, true, false, 2019, 1.1],
  ["431225", "会同县", 200, true, true, false, 2019, 1.1],
  ["431226", "麻阳苗族自治县", 200, true, true, false, 2019, 1.2],
  ["431227", "新晃侗族自治县", 140, true, true, false, 2018, 1.2],
  ["431228", "芷江侗族自治县", 200, true, true, false, 2018, 1.1],
  ["431229", "靖州苗族侗族自治县", 140, true, true, false, 2018, 1.1],
  ["431230", "通道侗族自治县", 160, true, true, true, 2019, 1.3],
  ["431281", "洪江市", 200, true, true, false, 2019, 0.9],
  ["431271", "洪江区", 20, false, true, false, null, 0.3],
];

/** Splits `total` across weights with the largest-remainder method (deterministic ties by index). */
export function apportion(total: number, weights: readonly number[], caps?: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map((r, i) => Math.min(Math.floor(r), caps?.[i] ?? Infinity));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  while (left > 0) {
    let progressed = false;
    for (const [, i] of order) {
      if (left === 0) break;
      if (out[i]! < (caps?.[i] ?? Infinity)) {
        out[i]! += 1;
        left -= 1;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return out;
}

function huaihua(rows: Row[], poorTotal: number): CountyPlan[] {
  const poor = apportion(
    poorTotal,
    rows.map((r) => r[2] * r[7]),
    rows.map((r) => r[2]),
  );
  return rows.map((r, i) => ({
    code6: r[0],
    name: r[1],
    cityCode4: "4312",
    villages: r[2],
    poorVillages: poor[i]!,
    isKeyCounty: r[3],
    isContiguousAreaCounty: r[4],
    isDeepPovertyCounty: r[5],
    exitYear: r[6],
  }));
}

const HUNAN_CITIES: CityPlan[] = [
  { code4: "4301", name: "长沙市" },
  { code4: "4302", name: "株洲市" },
  { code4: "4303", name: "湘潭市" },
  { code4: "4304", name: "衡阳市" },
  { code4: "4305", name: "邵阳市" },
  { code4: "4306", name: "岳阳市" },
  { code4: "4307", name: "常德市" },
  { code4: "4308", name: "张家界市" },
  { code4: "4309", name: "益阳市" },
  { code4: "4310", name: "郴州市" },
  { code4: "4311", name: "永州市" },
  { code4: "4312", name: "怀化市" },
  { code4: "4313", name: "娄底市" },
  { code4: "4331", name: "湘西土家族苗族自治州" },
];

const FICTIONAL_COUNTY = [..."安宁平和丰泰兴福庆德永康华清"];

export function tierPlan(tier: Tier): TierPlan {
  const province = { code2: "43", name: "湖南省" };
  if (tier === "demo") {
    const rows = HUAIHUA.filter((r) => r[0] === "431202" || r[0] === "431221").map((r) => [...r] as Row);
    const counties = rows.map((r) => ({
      code6: r[0],
      name: r[1],
      cityCode4: "4312",
      villages: 12,
      poorVillages: 6,
      isKeyCounty: r[3],
      isContiguousAreaCounty: r[4],
      isDeepPovertyCounty: r[5],
      exitYear: r[6],
    }));
    return {
      tier,
      province,
      cities: [{ code4: "4312", name: "怀化市" }],
      counties,
      householdsPerPoorVillage: 170,
      householdsPerOtherVillage: 95,
    };
  }
  if (tier === "city") {
    return {
      tier,
      province,
      cities: [{ code4: "4312", name: "怀化市" }],
      counties: huaihua(HUAIHUA, 1237),
      householdsPerPoorVillage: 140,
      householdsPerOtherVillage: 60,
    };
  }
  // province: Huaihua's real units plus fictional counties (7 per other city) — a stress tier, ~100 counties.
  const counties = huaihua(HUAIHUA, 1237);
  for (const city of HUNAN_CITIES) {
    if (city.code4 === "4312") continue;
    for (let i = 0; i < 7; i++) {
      const code6 = `${city.code4}${21 + i}`;
      counties.push({
        code6,
        name: `${city.name.slice(0, 2)}${FICTIONAL_COUNTY[i]}县`,
        cityCode4: city.code4,
        villages: 100,
        poorVillages: 45,
        isKeyCounty: i % 2 === 0,
        isContiguousAreaCounty: i % 3 !== 2,
        isDeepPovertyCounty: i === 0,
        exitYear: i % 2 === 0 ? 2019 : 2018,
      });
    }
  }
  return {
    tier,
    province,
    cities: HUNAN_CITIES,
    counties,
    householdsPerPoorVillage: 140,
    householdsPerOtherVillage: 60,
  };
}
