/** What the parts of a county's generation share: its random stream, its ids, its agencies and villages. */
import type { CountyPlan } from "./plan.js";
import type { Random } from "./random.js";
import type { RegionContext, Township } from "./regions.js";
import type { Push, SeedRow } from "./tables.js";

export interface VillageDraft {
  id: number;
  code: string;
  name: string;
  township: number;
  status: SeedRow<"villages">["povertyStatus"];
  exitYear: number | null;
  poor: boolean;
  agencyId: number;
  population: number;
  households: number;
  hhIds: number[];
  collectiveIncome: number;
}

export interface CountyState {
  rng: Random;
  ctx: RegionContext;
  county: CountyPlan;
  townships: Township[];
  /** The county's departments by name (the lead agency of each project category). */
  dept: Map<string, number>;
  townshipGov: number[];
  villages: VillageDraft[];
  push: Push;
}
