/** A county's projects with their funds, co-agencies and beneficiaries, and the assets they formed. */
import { addDays, dateIn, fromDay, money, REF_DAY, REF_YEAR, toDay, yuan } from "./calendar.js";
import type { CountyState, VillageDraft } from "./county-state.js";
import { countyCode, pad } from "./regions.js";
import type { SeedRow } from "./tables.js";
import {
  COUNTY_PROJECT_CATEGORIES,
  FUND_AMOUNT_MEDIAN,
  FUND_SOURCES,
  LEAD_DEPARTMENT,
  PROJECT_NAMES,
  VILLAGE_PROJECT_CATEGORIES,
  type Category,
} from "./vocabulary.js";

/** Every project of the county from 2016 on, village by village then county-wide; returns each village's 2023 asset income kept. */
export function projectsOfCounty(s: CountyState): number[] {
  // -- projects, funds, beneficiaries, assets, asset incomes
  const { rng, ctx, county, townships, dept, townshipGov, villages, push } = s;
  const cc = countyCode(county.code6);
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
    const status: SeedRow<"projects">["status"] =
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
    push("projects", {
      id,
      code,
      name,
      category,
      regionCode: village ? village.code : cc,
      villageId: village ? village.id : null,
      year,
      status,
      leadAgencyId: lead,
      startDate: start,
      endDate: end,
      noticePublishedOn: noticeOn,
      noticePlace,
    });
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
      push("project_co_agencies", { projectId: id, agencyId: a });
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
    for (const [i, source] of sources.entries()) {
      const amount = Math.max(100_000, Math.round((total * shares[i]!) / shareSum / 10_000) * 10_000);
      totalCents += amount;
      push("project_funds", { projectId: id, source, amount: money(amount) });
    }
    let beneficiaries: number[] = [];
    if (village && village.hhIds.length > 0) {
      beneficiaries = rng.sample(village.hhIds, Math.min(village.hhIds.length, rng.int(5, 60))).sort((a, b) => a - b);
      for (const b of beneficiaries) push("project_beneficiaries", { projectId: id, householdId: b });
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
      push("assets", {
        id: ctx.nextId.asset++,
        code: assetCode(),
        name: `${village.name}${template}`,
        kind: "PUBLIC_WELFARE",
        ownership: rng.chance(0.75) ? "COLLECTIVE" : "STATE",
        value: money(Math.round(totalCents * rng.float(0.8, 1))),
        villageCode: village.code,
        projectId: id,
        custodianKind: byAgency ? "AGENCY" : "VILLAGE_COLLECTIVE",
        custodianAgencyId: byAgency ? lead : null,
        custodianHouseholdId: null,
        status: assetStatus(),
        formedOn: end,
      });
    } else if (householdOwned && beneficiaries.length > 0) {
      const things = category === "HOUSING" ? ["改造住房"] : ["能繁母牛", "山羊", "户用光伏", "果苗", "生猪"];
      for (const hh of rng.sample(beneficiaries, rng.int(1, Math.min(6, beneficiaries.length))).sort((a, b) => a - b)) {
        push("assets", {
          id: ctx.nextId.asset++,
          code: assetCode(),
          name: `${village.name}${rng.pick(things)}`,
          kind: "HOUSEHOLD_OWNED",
          ownership: "INDIVIDUAL",
          value: money(yuan(rng.int(20, 150) * 100)),
          villageCode: village.code,
          projectId: id,
          custodianKind: "HOUSEHOLD",
          custodianAgencyId: null,
          custodianHouseholdId: hh,
          status: assetStatus(),
          formedOn: end,
        });
      }
    } else if (category === "INDUSTRY" || category === "TOURISM") {
      const assetId = ctx.nextId.asset++;
      const value = Math.round(totalCents * rng.float(0.7, 1));
      const st = assetStatus();
      push("assets", {
        id: assetId,
        code: assetCode(),
        name: `${village.name}${template}`,
        kind: "OPERATING",
        ownership: "COLLECTIVE",
        value: money(value),
        villageCode: village.code,
        projectId: id,
        custodianKind: "VILLAGE_COLLECTIVE",
        custodianAgencyId: null,
        custodianHouseholdId: null,
        status: st,
        formedOn: end,
      });
      for (let y = formedYear + 1; y <= 2023; y++) {
        const income = st === "IDLE" || st === "DISPOSED" ? 0 : Math.round((value * rng.float(0.03, 0.12)) / 100) * 100;
        const toHouseholds = Math.floor((income * rng.float(0.4, 0.7)) / 100) * 100;
        const toCollective = Math.floor(((income - toHouseholds) * rng.float(0.6, 1)) / 100) * 100;
        if (y === 2023) collective2023[vIndex]! += toCollective;
        push("asset_incomes", {
          assetId,
          year: y,
          income: money(income),
          toHouseholds: money(toHouseholds),
          toCollective: money(toCollective),
          distribution:
            income === 0
              ? null
              : rng.pick([
                  "按脱贫户人口分红，其余留村集体",
                  "按户分红，村集体留存用于公益岗位",
                  "收益纳入村集体经济，用于公益事业和小型奖补",
                ]),
        });
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
  return collective2023;
}
