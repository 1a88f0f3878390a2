import { agencies } from "../../db/schema.js";
import type { WriteTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { agencyById } from "./agency.loader.js";
import { Agency, type AgencyRow } from "./agency.type.js";

/** Writes to agencies: scoped by their region (central and out-of-area ones, with none, are the city's). */
export const agencyTarget: WriteTarget<AgencyRow> = {
  table: agencies,
  type: "Agency",
  region: agencies.regionCode,
  reload(ctx, id) {
    agencyById(ctx).clear(id);
    return agencyById(ctx).load(id);
  },
};

export const AgencyWriteResult = resultType(Agency, "Agency", "agency");
