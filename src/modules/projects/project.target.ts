import { assets, projects } from "../../db/schema.js";
import type { WriteTarget } from "../../writes/engine.js";
import { resultType } from "../../writes/write.type.js";
import { assetById } from "./asset.loader.js";
import { Asset, type AssetRow } from "./asset.type.js";
import { projectById } from "./project.loader.js";
import { Project, type ProjectRow } from "./project.type.js";

/** Writes to projects: scoped by the region they serve. */
export const projectTarget: WriteTarget<ProjectRow> = {
  table: projects,
  type: "Project",
  region: projects.regionCode,
  reload(ctx, id) {
    projectById(ctx).clear(id);
    return projectById(ctx).load(id);
  },
};

/** Writes to assets: scoped by their village; the custodian's columns are the policy's `custodian`. */
export const assetTarget: WriteTarget<AssetRow> = {
  table: assets,
  type: "Asset",
  region: assets.villageCode,
  fieldOf: { custodianKind: "custodian", custodianAgencyId: "custodian", custodianHouseholdId: "custodian" },
  reload(ctx, id) {
    assetById(ctx).clear(id);
    return assetById(ctx).load(id);
  },
};

export const ProjectWriteResult = resultType(Project, "Project", "project");
export const AssetWriteResult = resultType(Asset, "Asset", "asset");
