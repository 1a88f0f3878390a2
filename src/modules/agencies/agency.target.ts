import { agencies } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { agencyById } from "./agency.loader.js";
import { Agency } from "./agency.type.js";

/** Writes to agencies: scoped by their region (central and out-of-area ones, with none, are the city's). */
export const agencyTarget = defineTarget({
  table: agencies,
  type: "Agency",
  region: agencies.regionCode,
  loader: agencyById,
});

export const AgencyWriteResult = resultType(Agency, "Agency", "agency");
