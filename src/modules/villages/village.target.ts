import { villages } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { villageById } from "./village.loader.js";
import { Village } from "./village.type.js";

/** Writes to villages: scoped by their own code, kept in the village's history. */
export const villageTarget = defineTarget({
  table: villages,
  type: "Village",
  region: villages.code,
  history: { village: "id" },
  loader: villageById,
});

export const VillageWriteResult = resultType(Village, "Village", "village");
