import { Agency } from "../agencies/agency.type.js";
import { Asset } from "../projects/asset.type.js";
import { Project } from "../projects/project.type.js";
import { resultType } from "../stewardship/stewardship.type.js";

export const ProjectWriteResult = resultType(Project, "Project", "project");
export const AssetWriteResult = resultType(Asset, "Asset", "asset");
export const AgencyWriteResult = resultType(Agency, "Agency", "agency");
