/** One county's scope of the generated data, generated from its own random stream. */
import { makeIdNumber } from "../src/shared/id-number.js";
import { addDays, birthDateForAge, dateIn, money, yuan } from "./calendar.js";
import { caseTimeline, pendingTimeline, writeCase } from "./cases.js";
import type { VillageDraft } from "./county-state.js";
import { writeEvents, writeIncomes, type HouseholdDraft } from "./household-records.js";
import { ethnicMix, fullName, placeName, surname } from "./names.js";
import { composeMembers, conditionFor, writeMember } from "./people.js";
import type { CountyPlan, TierPlan } from "./plan.js";
import { projectsOfCounty } from "./projects.js";
import { Random } from "./random.js";
import { countyCode, pad, townshipsOf, type RegionContext } from "./regions.js";
import { cells, TABLE_ORDER, type Push, type Row, type SeedRow, type TableName } from "./tables.js";
import { ALL_CAUSES, COUNTY_DEPARTMENTS, PHONE_PREFIXES, PRIMARY_CAUSES, type Gender } from "./vocabulary.js";

type Agency = SeedRow<"agencies">;

/**
 * A county's own agencies, in the order their ids are given: its government departments (among
 * them the agency of every department of the access policy, `AGENCY_OF_DEPARTMENT`), the party's
 * organisation department, the disabled persons' federation (残联), the armed-forces department and
 * the rural bank. `key` names it to the rest of the county's generation (project leads).
 */
export function countyAgencies(countyName: string): { key: string; name: string; kind: Agency["kind"] }[] {
  const committee =
    countyName.endsWith("县") || countyName.endsWith("区") || countyName.endsWith("市")
      ? countyName
      : `${countyName}县`;
  return [
    ...COUNTY_DEPARTMENTS.map((d) => ({ key: d, name: `${countyName}${d}`, kind: "GOVERNMENT_DEPARTMENT" as const })),
    { key: "组织部", name: `中共${committee}委组织部`, kind: "PARTY_ORGAN" },
    { key: "残疾人联合会", name: `${countyName}残疾人联合会`, kind: "SOCIAL_ORGANISATION" },
    { key: "人民武装部", name: `${countyName}人民武装部`, kind: "MILITARY" },
    { key: "农商银行", name: `${countyName}农村商业银行`, kind: "STATE_OWNED_ENTERPRISE" },
  ];
}

/**
 * One county's rows: its agencies, cadres, villages (with their pairings and work teams), households
 * with their members, incomes, history and helpers, and its projects and assets.
 */
export function countyScope(
  plan: TierPlan,
  county: CountyPlan,
  seed: number,
  ctx: RegionContext,
): Map<TableName, Row[]> {
  const rng = new Random(seed, `county:${county.code6}`);
  const caseRng = new Random(seed, `cases:${county.code6}`);
  const out = new Map<TableName, Row[]>(TABLE_ORDER.map((t) => [t, []]));
  const push: Push = (table, row) => out.get(table)!.push(cells(table, row));
  const cityName = plan.cities.find((c) => c.code4 === county.cityCode4)!.name;
  const townships = townshipsOf(seed, county);
  const mix = ethnicMix(county.name);
  const cc = countyCode(county.code6);

  // -- county agencies
  const dept = new Map<string, number>();
  const addAgency = (name: string, kind: Agency["kind"], level: Agency["level"], regionCode: string) => {
    const id = ctx.nextId.agency++;
    push("agencies", { id, name, kind, level, regionCode });
    return id;
  };
  for (const a of countyAgencies(county.name)) dept.set(a.key, addAgency(a.name, a.kind, "COUNTY", cc));
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
    push("cadres", { id, name, gender, agencyId, position, phone });
    return { id, name };
  };

  // -- villages: which are poor, their status
  const villagesPerTownship = townships.map(() => 0);
  const villageTownship: number[] = [];
  for (let v = 0; v < county.villages; v++) villageTownship.push(v % townships.length);
  const poorIndexes = new Set(rng.sample([...Array(county.villages).keys()], county.poorVillages));

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
    let status: VillageDraft["status"] = "NOT_POOR";
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
      push("agency_village_assignments", {
        id: ctx.nextId.ava++,
        agencyId: vd.agencyId,
        villageId: vd.id,
        kind: "DESIGNATED",
        startDate: start,
        endDate: null,
      });
      if (ctx.eastWest.length > 0 && rng.chance(0.1)) {
        push("agency_village_assignments", {
          id: ctx.nextId.ava++,
          agencyId: rng.pick(ctx.eastWest),
          villageId: vd.id,
          kind: "EAST_WEST",
          startDate: dateIn(rng, rng.int(2017, 2019)),
          endDate: null,
        });
      }
      const teamStart = addDays(start, rng.int(0, 60));
      const secretary = newCadre(vd.agencyId, "驻村第一书记");
      const post = (cadreId: number, role: SeedRow<"cadre_village_assignments">["role"]) =>
        push("cadre_village_assignments", {
          id: ctx.nextId.cva++,
          cadreId,
          villageId: vd.id,
          role,
          startDate: teamStart,
          endDate: null,
        });
      post(secretary.id, "FIRST_SECRETARY");
      for (let i = 0; i < 2; i++) post(newCadre(vd.agencyId, "驻村工作队员").id, "WORK_TEAM_MEMBER");
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
      let status: HouseholdDraft["status"] = "EXITED";
      const monitored = statusRoll < 0.04;
      if (monitored) status = "EXITED";
      else if (statusRoll < 0.045) status = "RETURNED";
      else if (statusRoll < 0.045 + (villageStillPoor ? 0.12 : 0.015)) status = "POOR";
      let monitoringType: HouseholdDraft["monitoringType"] = null;
      if (monitored)
        monitoringType = rng.weighted([
          ["UNSTABLE", 55],
          ["MARGINAL", 35],
          ["SUDDEN_HARDSHIP", 10],
        ] as const);
      const newlyMonitored = monitoringType === "MARGINAL" || monitoringType === "SUDDEN_HARDSHIP";
      // Monitoring never makes a household poor: an edge or sudden-hardship household was never registered poor.
      if (newlyMonitored) status = "NOT_POOR";
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
      let priority: SeedRow<"households">["housingPriority"] = null;
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
      // The case that placed a monitored household under monitoring (its risk eliminated for some);
      // a few other households have a case still in identification, or rejected.
      const timeline = monitoringType
        ? caseTimeline(
            caseRng,
            newlyMonitored ? identifiedOn : dateIn(caseRng, caseRng.int(2021, 2023)),
            "MONITORED",
            caseRng.chance(0.3),
          )
        : status === "EXITED" && caseRng.chance(0.015)
          ? pendingTimeline(caseRng)
          : null;
      const monitoringStatus = !monitoringType
        ? "NOT_MONITORED"
        : timeline?.eliminatedOn
          ? "RISK_ELIMINATED"
          : "MONITORED";
      const address = `${plan.province.name}${cityName}${county.name}${tw.name}${vd.name}${rng.int(1, 12)}组${rng.int(1, 80)}号`;
      const householdNumber = `${vd.code}${pad(h + 1, 4)}`;
      push("households", {
        id,
        householdNumber,
        villageCode: vd.code,
        address,
        attribute,
        status,
        identifiedYear,
        exitedYear,
        primaryCause,
        otherCauses: others,
        housingGrade: grade,
        housingAssessedOn: dateIn(rng, rng.int(2019, 2023)),
        housingRenovated: renovated,
        housingRenovationYear: renovationYear,
        housingPriority: priority,
        drinkingWaterSafe: rng.chance(0.975),
        relocated,
        relocationYear,
        monitoringStatus,
        monitoringType,
        createdAt: `${identifiedOn}T09:00:00+08:00`,
      });

      // members
      const household: HouseholdDraft = {
        id,
        villageIndex: v,
        status,
        identifiedYear,
        exitedYear,
        monitoringType,
        monitoring:
          monitoringType && timeline?.confirmedOn
            ? { confirmedOn: timeline.confirmedOn, eliminatedOn: timeline.eliminatedOn }
            : null,
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
      push("cadre_household_assignments", {
        id: ctx.nextId.cha++,
        cadreId: helper.id,
        householdId: id,
        startDate: helperStartYear === identifiedYear ? identifiedOn : dateIn(rng, 2015, 3, 10),
        endDate: null,
      });
      writeEvents(rng, push, household, identifiedOn, helper.name);
      if (timeline) {
        writeCase(
          caseRng,
          push,
          ctx.nextId,
          { ...household, villageCode: vd.code, helperId: helper.id },
          timeline,
          monitoringType,
        );
      }

      vd.population += drafts.length;
      vd.households += 1;
      vd.hhIds.push(id);
      householdsOf[v]!.push(household);
    }
  }

  const collective2023 = projectsOfCounty({ rng, ctx, county, townships, dept, townshipGov, villages, push });

  // -- village rows (written last in memory, emitted first in order)
  for (const [i, vd] of villages.entries()) {
    const base = vd.poor ? (vd.status === "EXITED" ? rng.int(50, 300) : rng.int(5, 60)) : rng.int(20, 400);
    vd.collectiveIncome = yuan(base * 1000) + collective2023[i]!;
    const hardened = vd.poor ? rng.chance(0.98) : rng.chance(0.95);
    push("villages", {
      id: vd.id,
      code: vd.code,
      name: vd.name,
      townshipCode: townships[vd.township]!.code,
      povertyStatus: vd.status,
      exitYear: vd.exitYear,
      ...registeredCounts(seed, vd),
      hasHardenedRoad: hardened,
      hasBusService: hardened && rng.chance(0.82),
      distanceToTownshipKm: Math.round(rng.logNormal(6, 0.7) * 10) / 10,
      hasTapWater: rng.chance(0.9),
      drinkingWaterSafe: rng.chance(0.98),
      hasUpgradedPowerGrid: rng.chance(0.99),
      hasBroadband: rng.chance(0.95),
      hasInformationServicePoint: rng.chance(0.85),
      hasClinic: rng.chance(0.96),
      hasCulturalRoom: rng.chance(0.9),
      hasKindergarten: rng.chance(0.3),
      hasPrimarySchool: rng.chance(0.4),
      collectiveIncome: money(vd.collectiveIncome),
    });
  }
  return out;
}

/** People per household of a village (户均人口), for 户籍户数 from 户籍人口. */
const PEOPLE_PER_HOUSEHOLD = 3.3;

/**
 * 户籍人口 and 户籍户数 beside the registered-poor counts: the registry holds a share of a village's
 * people (larger in a poor village), drawn from a stream of its own so the other values stay as they were.
 */
function registeredCounts(seed: number, vd: { code: string; poor: boolean; population: number; households: number }) {
  const rng = new Random(seed, `registered:${vd.code}`);
  const share = vd.poor ? 0.22 + rng.next() * 0.16 : 0.08 + rng.next() * 0.1;
  const population = vd.population ? Math.round(vd.population / share) : rng.int(400, 2000);
  return {
    registeredPopulation: population,
    registeredHouseholds: Math.max(vd.households, Math.round(population / PEOPLE_PER_HOUSEHOLD)),
    registeredPoorPopulation: vd.population,
    registeredPoorHouseholds: vd.households,
  };
}
