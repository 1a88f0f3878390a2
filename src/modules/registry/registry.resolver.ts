import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { runOwnedWrite } from "../../writes/owned-write.js";
import { AgencyWriteResult } from "../agencies/agency.target.js";
import { HouseholdWriteResult, MemberWriteResult } from "../households/household.target.js";
import { AssetWriteResult, ProjectWriteResult } from "../projects/project.target.js";
import { VillageWriteResult } from "../villages/village.target.js";
import {
  AssignAgencyToVillageInput,
  AssignVillageCadreInput,
  CreateAgencyInput,
  UpdateAgencyInput,
} from "./agency-write.input.js";
import { assignAgencyToVillage, assignVillageCadre, createAgency, updateAgency } from "./agency-write.service.js";
import { CreateAssetInput, RecordAssetIncomeInput, UpdateAssetInput } from "./asset-write.input.js";
import { createAsset, recordAssetIncome, updateAsset } from "./asset-write.service.js";
import {
  AssignHelperInput,
  RecordLabourInput,
  RegisterHouseholdInput,
  RegisterMemberInput,
} from "./household-registration.input.js";
import { assignHelper, recordLabour, registerHousehold, registerMember } from "./household-registration.service.js";
import { CreateProjectInput, UpdateProjectInput } from "./project-write.input.js";
import { createProject, updateProject } from "./project-write.service.js";

/** The registry owner's (乡村振兴局) writes to households and members, named for what its officers do. */
@Resolver()
export class HouseholdRegistrationResolver {
  @Mutation(() => HouseholdWriteResult, {
    description: "Registry owner: identify and register a household (建档立卡) with its members.",
  })
  registerHousehold(@Ctx() ctx: Context, @Arg("input", () => RegisterHouseholdInput) input: RegisterHouseholdInput) {
    return registerHousehold(ctx, input);
  }

  @Mutation(() => HouseholdWriteResult, { description: "Registry owner: add a member to a registered household." })
  registerMember(@Ctx() ctx: Context, @Arg("input", () => RegisterMemberInput) input: RegisterMemberInput) {
    return registerMember(ctx, input);
  }

  @Mutation(() => MemberWriteResult, {
    description: "Registry owner: record a member's labour capacity (employment is human resources').",
  })
  recordLabour(@Ctx() ctx: Context, @Arg("input", () => RecordLabourInput) input: RecordLabourInput) {
    return runOwnedWrite(ctx, recordLabour, input);
  }

  @Mutation(() => HouseholdWriteResult, {
    description:
      "Registry owner: make a cadre the household's responsible helper (帮扶责任人), ending the current one.",
  })
  assignHelper(@Ctx() ctx: Context, @Arg("input", () => AssignHelperInput) input: AssignHelperInput) {
    return assignHelper(ctx, input);
  }
}

/** The registry owner's writes to projects, assets, agencies and village postings. */
@Resolver()
export class RegistryLedgerResolver {
  @Mutation(() => ProjectWriteResult, {
    description: "Registry owner: create a project with its funds and beneficiaries.",
  })
  createProject(@Ctx() ctx: Context, @Arg("input", () => CreateProjectInput) input: CreateProjectInput) {
    return createProject(ctx, input);
  }

  @Mutation(() => ProjectWriteResult, {
    description: "Registry owner: update a project's status, dates, notice, funds or beneficiaries.",
  })
  updateProject(@Ctx() ctx: Context, @Arg("input", () => UpdateProjectInput) input: UpdateProjectInput) {
    return updateProject(ctx, input);
  }

  @Mutation(() => AssetWriteResult, { description: "Registry owner: enter an asset a project formed in its ledger." })
  createAsset(@Ctx() ctx: Context, @Arg("input", () => CreateAssetInput) input: CreateAssetInput) {
    return createAsset(ctx, input);
  }

  @Mutation(() => AssetWriteResult, {
    description: "Registry owner: update an asset's name, value, status or custodian.",
  })
  updateAsset(@Ctx() ctx: Context, @Arg("input", () => UpdateAssetInput) input: UpdateAssetInput) {
    return updateAsset(ctx, input);
  }

  @Mutation(() => AssetWriteResult, {
    description: "Registry owner: record an asset's income of a year and its distribution.",
  })
  recordAssetIncome(@Ctx() ctx: Context, @Arg("input", () => RecordAssetIncomeInput) input: RecordAssetIncomeInput) {
    return recordAssetIncome(ctx, input);
  }

  @Mutation(() => AgencyWriteResult, { description: "Registry owner: register a helping agency." })
  createAgency(@Ctx() ctx: Context, @Arg("input", () => CreateAgencyInput) input: CreateAgencyInput) {
    return createAgency(ctx, input);
  }

  @Mutation(() => AgencyWriteResult, {
    description: "Registry owner: correct an agency's name, kind, level or region.",
  })
  updateAgency(@Ctx() ctx: Context, @Arg("input", () => UpdateAgencyInput) input: UpdateAgencyInput) {
    return updateAgency(ctx, input);
  }

  @Mutation(() => VillageWriteResult, {
    description:
      "Registry owner: post a cadre to a village as first secretary (replacing the current one) or work-team member.",
  })
  assignVillageCadre(@Ctx() ctx: Context, @Arg("input", () => AssignVillageCadreInput) input: AssignVillageCadreInput) {
    return assignVillageCadre(ctx, input);
  }

  @Mutation(() => VillageWriteResult, {
    description: "Registry owner: pair an agency with a village (定点帮扶 / 东西部协作).",
  })
  assignAgencyToVillage(
    @Ctx() ctx: Context,
    @Arg("input", () => AssignAgencyToVillageInput) input: AssignAgencyToVillageInput,
  ) {
    return assignAgencyToVillage(ctx, input);
  }
}
