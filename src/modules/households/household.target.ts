import { households, members } from "../../db/schema.js";
import type { WriteTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { householdById, memberById } from "./household.loader.js";
import { Household, type HouseholdRow } from "./household.type.js";
import { Member, type MemberRow } from "./member.type.js";

/** Writes to households: scoped by village code, kept in the household's own history. */
export const householdTarget: WriteTarget<HouseholdRow> = {
  table: households,
  type: "Household",
  region: households.villageCode,
  history: { household: "id" },
  reload(ctx, id) {
    householdById(ctx).clear(id);
    return householdById(ctx).load(id);
  },
};

/** Writes to members: scoped by village code, kept in their household's history. */
export const memberTarget: WriteTarget<MemberRow> = {
  table: members,
  type: "Member",
  region: members.villageCode,
  history: { household: "householdId" },
  reload(ctx, id) {
    memberById(ctx).clear(id);
    return memberById(ctx).load(id);
  },
};

export const HouseholdWriteResult = resultType(Household, "Household", "household");
export const MemberWriteResult = resultType(Member, "Member", "member");
