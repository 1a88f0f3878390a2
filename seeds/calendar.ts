/** Dates and money of the generated data: "today" is fixed, so generated data never depends on the clock. */
import type { Random } from "./random.js";

/** "Today" for ages, statuses and dates. */
export const REFERENCE_DATE = "2024-06-30";
export const REF_YEAR = 2024;
export const INCOME_YEARS = [2019, 2020, 2021, 2022, 2023] as const;

const DAY_MS = 86_400_000;
export function dayNumber(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}
export function fromDay(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}
export function toDay(s: string): number {
  return dayNumber(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}
export const REF_DAY = toDay(REFERENCE_DATE);
export function addDays(s: string, n: number): string {
  return fromDay(toDay(s) + n);
}
/** A date in `year` between the given months (inclusive), never after the reference date. */
export function dateIn(rng: Random, year: number, fromMonth = 1, toMonth = 12): string {
  const lo = dayNumber(year, fromMonth, 1);
  const hi = Math.min(dayNumber(year, toMonth + 1, 1) - 1, REF_DAY);
  return fromDay(rng.int(lo, Math.max(lo, hi)));
}
/** A birth date such that the age on the reference date is exactly `age`. */
export function birthDateForAge(rng: Random, age: number): string {
  const hi = dayNumber(REF_YEAR - age, 6, 30);
  const lo = dayNumber(REF_YEAR - age - 1, 6, 30) + 1;
  return fromDay(rng.int(lo, hi));
}
/** Cents → "1234.56". */
export function money(cents: number): string {
  const c = Math.round(cents);
  const sign = c < 0 ? "-" : "";
  const a = Math.abs(c);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}
export const yuan = (y: number) => Math.round(y * 100);
