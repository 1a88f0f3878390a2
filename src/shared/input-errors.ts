import { isIsoDate, thisYear, today } from "./dates.js";

/**
 * The codes an input problem may carry: one set for every write, so a client can map each to a
 * message of its own. A new code is added here, and only here.
 */
export const INPUT_ERROR_CODES = [
  "REQUIRED",
  "INVALID_FORMAT",
  "INVALID_CHECKSUM",
  "INVALID_DATE",
  "MISMATCH_ID_NUMBER",
  "IN_THE_FUTURE",
  "OUT_OF_RANGE",
  "INCONSISTENT",
  "INVALID_TRANSITION",
  "DUPLICATE",
  "UNKNOWN_REGION",
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** One problem with one input field, at its path (`["input", "members", "1", "idNumber"]`). */
export interface InputError {
  path: string[];
  code: InputErrorCode;
  message: string;
}

export type Path = readonly (string | number)[];

/** The largest amount of money a single record may carry, in yuan (the columns hold 12 integer digits). */
export const MAX_AMOUNT = 10_000_000_000;

/** 建档立卡 began in 2013: no registry year lies before it. */
export const FIRST_REGISTRY_YEAR = 2013;

/**
 * The input checks of every write: each problem is reported at its own path, all of them at once,
 * under the root `root` ("input" for a mutation's argument; a batch moves them under its records).
 */
export class InputErrors {
  readonly list: InputError[] = [];

  constructor(private readonly root: Path = ["input"]) {}

  add(path: Path, code: InputErrorCode, message: string): void {
    this.list.push({ path: [...this.root, ...path].map(String), code, message });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  /** A text that must be given and not blank. */
  required(path: Path, value: string | null | undefined, what: string): void {
    if (value == null || !value.trim()) this.add(path, "REQUIRED", `Give ${what}.`);
  }

  /** Why a write is made: it goes into the history. */
  reason(value: string | null | undefined): void {
    if (value == null || !value.trim()) this.add(["reason"], "REQUIRED", "Say why: the reason goes into the history.");
  }

  /** At least one value to record (`changes` holds what was given); reported at `path`. */
  someValue(path: Path, changes: object, verb = "record"): void {
    if (!Object.keys(changes).length) this.add(path, "REQUIRED", `Give at least one value to ${verb}.`);
  }

  /** An ISO date; `past` forbids dates after today. Returns whether it is a valid date. */
  date(path: Path, value: string | null | undefined, past = true): boolean {
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

  /** A year of the registry (from 2013); `past` forbids years after this one. */
  year(path: Path, value: number | null | undefined, past = true): void {
    if (value == null) return;
    if (past && value > thisYear()) this.add(path, "IN_THE_FUTURE", `The year cannot be after ${thisYear()}.`);
    else if (value < FIRST_REGISTRY_YEAR || value > 2100) {
      this.add(path, "OUT_OF_RANGE", `The year must be between ${FIRST_REGISTRY_YEAR} and 2100.`);
    }
  }

  /** A number within [min, max]; `what` names it in the message ("A value is between …"). */
  range(path: Path, value: number | null | undefined, min: number, max: number, what: string): void {
    if (value == null) return;
    if (!Number.isFinite(value) || value < min || value > max) {
      this.add(path, "OUT_OF_RANGE", `${what} is between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}.`);
    }
  }
}

/** The given values of an input: what a write sets (absent and null mean "leave as it is"). */
export function given(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
}
