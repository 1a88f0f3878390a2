import { villages } from "../../db/schema.js";
import type { WriteTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { villageById } from "./village.loader.js";
import { Village, type VillageRow } from "./village.type.js";

/** Writes to villages: scoped by their own code, kept in the village's history. */
export const villageTarget: WriteTarget<VillageRow> = {
  table: villages,
  type: "Village",
  region: villages.code,
  history: { village: "id" },
  reload(ctx, id) {
    villageById(ctx).clear(id);
    return villageById(ctx).load(id);
  },
};

export const VillageWriteResult = resultType(Village, "Village", "village");
