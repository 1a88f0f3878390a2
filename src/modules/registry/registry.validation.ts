import { isIsoDate, thisYear, today } from "../../shared/dates.js";
import { ForbiddenError } from "../../shared/errors.js";
import type { InputError, WriteOutcome } from "../stewardship/stewardship.type.js";
import { applied, conflict, rejected } from "../stewardship/write-outcome.js";
import type { TxState } from "./registry.repository.js";

/** The registry owner's input checks: each problem is reported at its own path, all of them at once. */
export class InputErrors {
  readonly list: InputError[] = [];

  add(path: readonly (string | number)[], code: string, message: string): void {
    this.list.push({ path: ["input", ...path.map(String)], code, message });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  required(path: readonly (string | number)[], value: string | null | undefined, what: string): void {
    if (value == null || !value.trim()) this.add(path, "REQUIRED", `Give ${what}.`);
  }

  /** An ISO date; `past` forbids dates after today. Returns whether it is a valid date. */
  date(path: readonly (string | number)[], value: string | null | undefined, past = true): boolean {
    if (value == null) return false;
    if (!isIsoDate(value)) {
      this.add(path, "INVALID_DATE", "Use an ISO date, e.g. 2024-05-31.");
      return false;
    }
    if (past && value > today()) {
      this.add(path, "IN_THE_FUTURE", "This date cannot be in the future.");
      return false;
    }
    return true;
  }

  /** A year of the registry (建档立卡 began in 2013); `past` forbids years after this one. */
  year(path: readonly (string | number)[], value: number | null | undefined, past = true): void {
    if (value == null) return;
    if (past && value > thisYear()) this.add(path, "IN_THE_FUTURE", `The year cannot be after ${thisYear()}.`);
    else if (value < 2013 || value > 2100) this.add(path, "OUT_OF_RANGE", "The year must be between 2013 and 2100.");
  }

  range(path: readonly (string | number)[], value: number | null | undefined, min: number, max: number, what: string) {
    if (value == null) return;
    if (!Number.isFinite(value) || value < min || value > max) {
      this.add(path, "OUT_OF_RANGE", `${what} is between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}.`);
    }
  }
}

/** The largest amount of money a single record may carry, in yuan (the columns hold 12 integer digits). */
export const MAX_AMOUNT = 10_000_000_000;

export function invalid<R>(errors: InputErrors): WriteOutcome<R> {
  return rejected(errors.list);
}

/**
 * The constraint a unique violation broke (PostgreSQL 23505), or null for any other error. Drivers
 * differ in where they put it (postgres.js `constraint_name`, PGlite `constraint`) and drizzle
 * wraps the driver's error as `cause`.
 */
export function uniqueViolation(error: unknown): string | null {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code === "23505") return String(e.constraint_name ?? e.constraint ?? "");
    e = e.cause as Record<string, unknown> | undefined;
  }
  return null;
}

/** The outcome of a transaction's state: the record reloaded after the write, as the writer may see it. */
export async function fromTxState<R>(
  state: TxState,
  target: { type: string; version: number },
  reload: (id: number | null) => Promise<R | null>,
  errors: InputErrors = new InputErrors(),
): Promise<WriteOutcome<R>> {
  switch (state.kind) {
    case "missing":
      throw new ForbiddenError(`No such ${target.type} in your scope.`);
    case "conflict":
      return conflict(target.type, target.version, state.currentVersion, await reload(null));
    case "invalid":
      errors.add(state.field.split("."), state.code, state.message);
      return invalid(errors);
    case "unchanged":
      return applied(await reload(null), true);
    case "applied":
      return applied(await reload(state.id));
  }
}
