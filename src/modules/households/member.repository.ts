import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, sql, type SQL } from "drizzle-orm";
import { selectableColumns } from "../../access/access.js";
import { noteRows } from "../../access/audit.js";
import type { Context } from "../../context.js";
import { members } from "../../db/schema.js";
import { defineListing } from "../../shared/page-query.js";
import type { Connection, PageArgs } from "../../shared/pagination.js";
import { underRegion } from "../../shared/region-code.js";
import { withGlobalIds } from "../../shared/rows.js";
import { isoTimestamps } from "../../shared/rows.js";
import type { MemberFilter } from "./member.input.js";
import type { MemberRow } from "./member.type.js";

type Gender = (typeof members.gender.enumValues)[number];
type Schooling = (typeof members.schoolingStatus.enumValues)[number];
type Health = (typeof members.healthStatus.enumValues)[number];
type Relation = (typeof members.relation.enumValues)[number];

/** Birth dates of people whose age is in [from, to] on `today` (a YYYY-MM-DD string). */
export interface BirthDateRange {
  bornOnOrAfter?: string;
  bornOnOrBefore?: string;
}

function columns(ctx: Context) {
  // birthDate and relation order members (cursors, head first), so they are always fetched.
  return selectableColumns(ctx.access, "Member", members, [
    "id",
    "householdId",
    "villageCode",
    "birthDate",
    "relation",
  ]);
}

const map = (rows: Record<string, unknown>[]) => {
  isoTimestamps(rows, ["updatedAt"]);
  // Member rows are personal data: the read audit records their households.
  noteRows("Member", rows);
  return withGlobalIds("Member", rows as { id: number }[]) as unknown as MemberRow[];
};

export function memberConditions(ctx: Context, filter: MemberFilter, born: BirthDateRange): (SQL | undefined)[] {
  return [
    ctx.access.scope(members.villageCode),
    filter.regionCode ? underRegion(members.villageCode, filter.regionCode) : undefined,
    born.bornOnOrAfter ? gte(members.birthDate, born.bornOnOrAfter) : undefined,
    born.bornOnOrBefore ? lte(members.birthDate, born.bornOnOrBefore) : undefined,
    filter.gender ? eq(members.gender, filter.gender as Gender) : undefined,
    filter.schoolingStatus?.length
      ? inArray(members.schoolingStatus, filter.schoolingStatus as Schooling[])
      : undefined,
    filter.healthStatus?.length ? inArray(members.healthStatus, filter.healthStatus as Health[]) : undefined,
    filter.relation?.length ? inArray(members.relation, filter.relation as Relation[]) : undefined,
    filter.hasBasicMedicalInsurance != null
      ? eq(members.hasBasicMedicalInsurance, filter.hasBasicMedicalInsurance)
      : undefined,
    filter.disabled === true
      ? isNotNull(members.disabilityType)
      : filter.disabled === false
        ? isNull(members.disabilityType)
        : undefined,
  ];
}

export const memberListing = defineListing<MemberRow>({
  type: "Member",
  table: members,
  columns,
  orderings: [
    { name: "ID", direction: "asc", columns: [members.id], key: (r) => [r.rowId] },
    {
      name: "BIRTH_DATE",
      direction: "asc",
      columns: [members.birthDate, members.id],
      key: (r) => [r.birthDate, r.rowId],
    },
  ],
  map,
});

export function pageMembers(
  ctx: Context,
  filter: MemberFilter,
  born: BirthDateRange,
  order: string,
  args: PageArgs,
): Promise<Connection<MemberRow>> {
  return memberListing.page(ctx, memberConditions(ctx, filter, born), order, args);
}

export async function findMembersByIds(ctx: Context, ids: readonly number[]): Promise<MemberRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(members)
    .where(and(inArray(members.id, [...ids]), ctx.access.scope(members.villageCode)));
  return map(rows);
}

/** Members of many households, each household's head first, then by birth date. */
export async function findMembersByHouseholds(ctx: Context, householdIds: readonly number[]): Promise<MemberRow[]> {
  const rows = await ctx.db
    .select(columns(ctx))
    .from(members)
    .where(and(inArray(members.householdId, [...householdIds]), ctx.access.scope(members.villageCode)))
    .orderBy(
      asc(members.householdId),
      desc(sql`${members.relation} = 'HEAD'`),
      asc(members.birthDate),
      asc(members.id),
    );
  return map(rows);
}
