import { assets, projects } from "../../db/schema.js";
import { defineTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { assetById } from "./asset.loader.js";
import { Asset } from "./asset.type.js";
import { projectById } from "./project.loader.js";
import { Project } from "./project.type.js";

/** Writes to projects: scoped by the region they serve. */
export const projectTarget = defineTarget({
  table: projects,
  type: "Project",
  region: projects.regionCode,
  loader: projectById,
});

/** Writes to assets: scoped by their village; the custodian's columns are the policy's `custodian`. */
export const assetTarget = defineTarget({
  table: assets,
  type: "Asset",
  region: assets.villageCode,
  fieldOf: { custodianKind: "custodian", custodianAgencyId: "custodian", custodianHouseholdId: "custodian" },
  loader: assetById,
});

export const ProjectWriteResult = resultType(Project, "Project", "project");
export const AssetWriteResult = resultType(Asset, "Asset", "asset");
