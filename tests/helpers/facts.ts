import { eq, sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import {
  agencies,
  cadreHouseholdAssignments,
  cadres,
  householdEvents,
  householdIncomes,
  households,
  members,
  regions,
  villages,
} from "../../src/db/schema.js";
import { today } from "../../src/shared/dates.js";
import { toGlobalId } from "../../src/shared/global-id.js";
import { makeIdNumber } from "../../src/shared/id-number.js";

type NewHousehold = typeof households.$inferInsert;
type NewMember = typeof members.$inferInsert;

/** A member as a test states it: an age, and whatever else the story depends on. */
export interface MemberFact {
  age: number;
  relation?: NewMember["relation"];
  gender?: NewMember["gender"];
  schoolingStatus?: NewMember["schoolingStatus"];
  hasBasicMedicalInsurance?: boolean;
  medicalExpense?: { amount: number; year: number };
  name?: string;
}

/** A household as a test states it: the facts it depends on, everything else plain and valid. */
export interface HouseholdFact {
  /** The 6-digit county (one of the test city's two) or a 12-digit village code. */
  region?: string;
  /** Poverty status; default EXITED (NOT_POOR for a MARGINAL household). */
  status?: NewHousehold["status"];
  /** Under monitoring as this type (or, with `monitoringStatus: RISK_ELIMINATED`, monitored as it until then). */
  monitoringType?: NewHousehold["monitoringType"];
  monitoringStatus?: NewHousehold["monitoringStatus"];
  members?: MemberFact[];
  /** Per-capita net income by year. */
  incomes?: Record<number, number>;
  housing?: Pick<NewHousehold, "housingGrade" | "housingRenovated" | "housingRenovationYear" | "housingAssessedOn">;
  drinkingWaterSafe?: boolean | null;
  /** Give the household a current helper (帮扶责任人). */
  helper?: boolean;
}

export interface HouseholdMade {
  id: string;
  rowId: number;
  version: number;
  villageCode: string;
  members: { id: string; rowId: number; version: number; name: string }[];
}

/** The test city (4312) and its two counties, as in the demo tier; made when absent. */
const COUNTIES: Record<string, string> = { "431221": "芷江侗族自治县", "431202": "鹤城区" };

/** A birth date such that the age today is exactly `age`: 30 to 329 days before the birthday `age` years ago. */
function birthDateForAge(age: number, offset: number, day = today()): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const born = new Date(Date.UTC(y - age, m - 1, d));
  born.setUTCDate(born.getUTCDate() - 30 - (offset % 300));
  return born.toISOString().slice(0, 10);
}

/**
 * Builders of the facts a test states ("a household with a twelve-year-old in school", "a member
 * with a medical expense of 4,800 yuan this year"), written straight to the database as the
 * system, so a test no longer searches the generated demo tier for a row that happens to fit.
 * They work on an empty database (regions and villages are made on first use) and beside the demo tier.
 */
export class Facts {
  private sequence = 0;

  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  /** A village under the county (made with its township when absent); returns its code and id. */
  async village(region = "431221"): Promise<{ id: string; rowId: number; code: string; version: number }> {
    const county = region.slice(0, 6);
    const code = region.length === 12 ? region : `${county}900${String(201 + (this.sequence++ % 50)).padStart(3, "0")}`;
    const township = `${code.slice(0, 9)}000`;
    await this.db
      .insert(regions)
      .values([
        { code: "430000000000", name: "湖南省", level: "PROVINCE" },
        { code: "431200000000", name: "怀化市", level: "CITY", parentCode: "430000000000" },
        {
          code: `${county}000000`,
          name: COUNTIES[county] ?? `县${county}`,
          level: "COUNTY",
          parentCode: "431200000000",
        },
        { code: township, name: `测试乡${township.slice(6, 9)}`, level: "TOWNSHIP", parentCode: `${county}000000` },
      ])
      .onConflictDoNothing();
    await this.db
      .insert(villages)
      .values({ code, name: `测试村${code.slice(9)}`, townshipCode: township, povertyStatus: "NOT_POOR" })
      .onConflictDoNothing();
    const [row] = await this.db
      .select({ id: villages.id, version: villages.version })
      .from(villages)
      .where(eq(villages.code, code));
    return { id: toGlobalId("Village", row!.id), rowId: row!.id, code, version: row!.version };
  }

  /** A helping cadre of a county agency (made when absent). */
  async cadre(): Promise<{ id: string; rowId: number; name: string }> {
    const [agency] = await this.db
      .insert(agencies)
      .values({ name: "测试帮扶单位", kind: "GOVERNMENT_DEPARTMENT", level: "COUNTY" })
      .onConflictDoUpdate({ target: agencies.name, set: { name: sql`excluded.name` } })
      .returning({ id: agencies.id });
    const name = `帮扶干部${++this.sequence}`;
    const [cadre] = await this.db
      .insert(cadres)
      .values({ name, gender: "FEMALE", agencyId: agency!.id, phone: "13800000000" })
      .returning({ id: cadres.id });
    return { id: toGlobalId("Cadre", cadre!.id), rowId: cadre!.id, name };
  }

  /** A registered household with the stated members (the first is the head) and facts. */
  async household(fact: HouseholdFact = {}): Promise<HouseholdMade> {
    const village = await this.village(fact.region);
    const n = ++this.sequence;
    const status = fact.status ?? (fact.monitoringType === "MARGINAL" ? "NOT_POOR" : "EXITED");
    const monitoringType = fact.monitoringType ?? null;
    const monitoringStatus = fact.monitoringStatus ?? (monitoringType ? "MONITORED" : "NOT_MONITORED");
    const [row] = await this.db
      .insert(households)
      .values({
        householdNumber: `${village.code}${String(9000 + (n % 1000)).padStart(4, "0")}${String(n).padStart(2, "0").slice(-2)}`,
        villageCode: village.code,
        address: `测试地址${n}号`,
        attribute: "GENERAL",
        status,
        identifiedYear: 2015,
        exitedYear: status === "EXITED" ? 2019 : null,
        primaryCause: "ILLNESS",
        monitoringStatus,
        monitoringType,
        drinkingWaterSafe: fact.drinkingWaterSafe === undefined ? true : fact.drinkingWaterSafe,
        ...fact.housing,
      })
      .returning({ id: households.id, version: households.version });
    const householdId = row!.id;
    // Identified in 2015 (建档立卡), its status since then as stated.
    await this.db.insert(householdEvents).values({
      householdId,
      kind: "IDENTIFIED",
      occurredOn: "2015-05-01",
      toStatus: status,
      field: "Household.status",
      newValue: { status, monitoringStatus, monitoringType },
      reason: "测试事实",
      recordedBy: "test-facts",
      department: "RURAL_REVITALIZATION",
    });
    const people = fact.members ?? [{ age: 45 }];
    const made: HouseholdMade["members"] = [];
    for (const [i, person] of people.entries()) {
      const gender = person.gender ?? (i % 2 ? "FEMALE" : "MALE");
      const birthDate = birthDateForAge(person.age, this.sequence++);
      const schoolAge = person.age >= 6 && person.age <= 15;
      const name = person.name ?? `测试成员${n}-${i}`;
      const [member] = await this.db
        .insert(members)
        .values({
          householdId,
          villageCode: village.code,
          name,
          idNumber: this.idNumber(village.code, birthDate, gender),
          gender,
          birthDate,
          relation: person.relation ?? (i === 0 ? "HEAD" : gender === "MALE" ? "SON" : "DAUGHTER"),
          educationLevel: "NONE",
          schoolingStatus: person.schoolingStatus ?? (schoolAge ? "IN_SCHOOL" : "NOT_OF_SCHOOL_AGE"),
          healthStatus: "HEALTHY",
          labourCapacity: "NORMAL",
          employment: "UNEMPLOYED",
          hasBasicMedicalInsurance: person.hasBasicMedicalInsurance ?? true,
          medicalExpenseOutOfPocket: person.medicalExpense?.amount ?? 0,
          medicalExpenseYear: person.medicalExpense?.year ?? null,
        })
        .returning({ id: members.id, version: members.version });
      made.push({ id: toGlobalId("Member", member!.id), rowId: member!.id, version: member!.version, name });
    }
    for (const [year, perCapitaNetIncome] of Object.entries(fact.incomes ?? {})) {
      await this.db.insert(householdIncomes).values({ householdId, year: Number(year), perCapitaNetIncome });
    }
    if (fact.helper) {
      const cadre = await this.cadre();
      await this.db
        .insert(cadreHouseholdAssignments)
        .values({ cadreId: cadre.rowId, householdId, startDate: "2016-03-01" });
    }
    return {
      id: toGlobalId("Household", householdId),
      rowId: householdId,
      version: row!.version,
      villageCode: village.code,
      members: made,
    };
  }

  private readonly issued = new Set<string>();

  /** A valid identity number of the village's county, unique among those the builders made. */
  private idNumber(villageCode: string, birthDate: string, gender: "MALE" | "FEMALE"): string {
    // Sequences from 900 up: the generated tiers use the low ones of a birth date.
    for (let sequence = 900; sequence < 1000; sequence += 2) {
      const id = makeIdNumber(villageCode.slice(0, 6), birthDate, sequence + (gender === "MALE" ? 1 : 0), gender);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
    throw new Error(`no identity number left for ${birthDate}`);
  }
}
