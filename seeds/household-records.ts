/** A household's records over time: its incomes by year and its history (identified, exited, monitored …). */
import { dateIn, INCOME_YEARS, money, yuan } from "./calendar.js";
import type { Random } from "./random.js";
import type { Push, SeedRow } from "./tables.js";

type HouseholdEvent = SeedRow<"household_events">;

export interface HouseholdDraft {
  id: number;
  villageIndex: number;
  status: SeedRow<"households">["status"];
  identifiedYear: number;
  exitedYear: number | null;
  monitoringType: SeedRow<"households">["monitoringType"];
  /** The confirmed case that placed it under monitoring (and eliminated its risk, when it did). */
  monitoring: { confirmedOn: string; eliminatedOn: string | null } | null;
  attribute: SeedRow<"households">["attribute"];
  size: number;
}

export function writeIncomes(rng: Random, push: Push, h: HouseholdDraft): void {
  const struggling = h.status === "POOR" || h.status === "RETURNED" || h.monitoringType !== null;
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
    push("household_incomes", {
      householdId: h.id,
      year,
      wages: money(wages),
      production: money(production),
      property: money(property),
      transfer: money(transfer),
      productionCosts: money(costs),
      perCapitaNetIncome: money(perCapita),
      persons: n,
      verifiedBy: null,
      verifiedOn: null,
    });
  }
}

export function writeEvents(rng: Random, push: Push, h: HouseholdDraft, identifiedOn: string, helper: string): void {
  const department = "RURAL_REVITALIZATION";
  const event = (
    kind: HouseholdEvent["kind"],
    on: string,
    fromStatus: HouseholdEvent["fromStatus"],
    toStatus: HouseholdEvent["toStatus"],
    reason: string,
    recordedBy: string,
    field: string | null = null,
    oldValue: string | null = null,
    newValue: string | null = null,
  ) =>
    push("household_events", {
      householdId: h.id,
      kind,
      occurredOn: on,
      fromStatus,
      toStatus,
      field,
      oldValue,
      newValue,
      reason,
      recordedBy,
      department,
      recordedAt: `${on}T09:00:00+08:00`,
    });
  const standing = (status: string, monitoringStatus: string) =>
    JSON.stringify({ status, monitoringStatus, monitoringType: h.monitoringType });
  // Monitoring events leave the poverty status as it is (from = to), and record the standing after.
  const monitoringEvents = () => {
    if (!h.monitoring) return;
    event(
      "PLACED_UNDER_MONITORING",
      h.monitoring.confirmedOn,
      h.status,
      h.status,
      "纳入监测 (县级确认)",
      "seed:乡村振兴局",
      "Household.status",
      null,
      standing(h.status, "MONITORED"),
    );
    if (h.monitoring.eliminatedOn) {
      event(
        "RISK_ELIMINATED",
        h.monitoring.eliminatedOn,
        h.status,
        h.status,
        "风险消除",
        "seed:乡村振兴局",
        "Household.status",
        standing(h.status, "MONITORED"),
        standing(h.status, "RISK_ELIMINATED"),
      );
    }
  };
  if (h.status === "NOT_POOR") {
    // Never registered poor: known to the registry for the case that placed it under monitoring.
    const reason = h.monitoringType === "MARGINAL" ? "边缘易致贫户登记" : "突发严重困难户登记";
    event("IDENTIFIED", identifiedOn, null, "NOT_POOR", reason, helper);
    monitoringEvents();
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
    // The day and reason these households were placed under monitoring used to be drawn here; their
    // case gives them now. The draws stay, so that the rest of the generated data is as it was.
    dateIn(rng, rng.int(2021, 2023));
    rng.pick(["收入骤减", "因病支出大幅增加", "因灾损失"]);
  }
  monitoringEvents();
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
