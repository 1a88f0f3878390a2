import type { Context } from "../../context.js";
import { BadUserInputError } from "../../shared/errors.js";
import { ageOn, today } from "../../shared/dates.js";
import { decodeId } from "../../shared/global-id.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { assertRegionPrefix } from "../../shared/region-code.js";
import type { HouseholdRow } from "./household.type.js";
import { householdById } from "./household.loader.js";
import type { MemberFilter } from "./member.input.js";
import { memberById } from "./member.loader.js";
import { pageMembers, type BirthDateRange } from "./member.repository.js";
import type { MemberRow } from "./member.type.js";

const MAX_AGE = 150;

/** The same month and day `years` earlier; 29 February becomes the 28th in a common year. */
function yearsBefore(day: string, years: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const year = y - years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const dd = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(dd).padStart(2, "0")}`;
}

function nextDay(day: string): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

/** An age range in years turned into a birth-date range, so the birth_date index serves it. */
export function birthDatesForAges(
  from: number | null | undefined,
  to: number | null | undefined,
  day = today(),
): BirthDateRange {
  for (const v of [from, to]) {
    if (v != null && (v < 0 || v > MAX_AGE)) throw new BadUserInputError(`Ages must be between 0 and ${MAX_AGE}.`);
  }
  if (from != null && to != null && from > to)
    throw new BadUserInputError("`ageRange.from` must not exceed `ageRange.to`.");
  return {
    // age >= from  ⇔  born on or before the day `from` years ago
    bornOnOrBefore: from != null ? yearsBefore(day, from) : undefined,
    // age <= to  ⇔  born after the day `to + 1` years ago
    bornOnOrAfter: to != null ? nextDay(yearsBefore(day, to + 1)) : undefined,
  };
}

export function getMember(ctx: Context, id: string): Promise<MemberRow | null> {
  return memberById(ctx).load(decodeId(id, "Member"));
}

export function listMembers(
  ctx: Context,
  filter: MemberFilter = {},
  order = "ID",
  args: PageArgs = {},
): Promise<Connection<MemberRow>> {
  if (filter.regionCode) assertRegionPrefix(filter.regionCode);
  const born = filter.ageRange ? birthDatesForAges(filter.ageRange.from, filter.ageRange.to) : {};
  return pageMembers(ctx, filter, born, order, args);
}

export function memberHousehold(ctx: Context, member: MemberRow): Promise<HouseholdRow | null> {
  return householdById(ctx).load(member.householdId);
}

export function memberAge(member: MemberRow): number {
  return ageOn(member.birthDate, today());
}
