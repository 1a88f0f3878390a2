import { households, members } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { householdById, memberById } from "./household.loader.js";
import { Household } from "./household.type.js";
import { Member } from "./member.type.js";

/** Writes to households: scoped by village code, kept in the household's own history. */
export const householdTarget = defineTarget({
  table: households,
  type: "Household",
  region: households.villageCode,
  history: { household: "id" },
  loader: householdById,
});

/** Writes to members: scoped by village code, kept in their household's history. */
export const memberTarget = defineTarget({
  table: members,
  type: "Member",
  region: members.villageCode,
  history: { household: "householdId" },
  loader: memberById,
});

export const HouseholdWriteResult = resultType(Household, "Household", "household");
export const MemberWriteResult = resultType(Member, "Member", "member");
