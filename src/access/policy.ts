import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { projectRoot } from "../shared/project-root.js";

export const LEVELS = ["none", "masked", "read", "own"] as const;
export type Level = (typeof LEVELS)[number];
export const MASKS = ["ID_NUMBER", "PHONE", "NAME"] as const;
export type MaskForm = (typeof MASKS)[number];

/** Region levels, widest first, with the digits of a region code of that level. */
export const REGION_LEVELS = ["PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "VILLAGE"] as const;
export type RegionLevelName = (typeof REGION_LEVELS)[number];
export const LEVEL_DIGITS: Record<RegionLevelName, number> = {
  PROVINCE: 2,
  CITY: 4,
  COUNTY: 6,
  TOWNSHIP: 9,
  VILLAGE: 12,
};

const fieldList = z.union([z.literal("*"), z.array(z.string())]);

const groupSchema = z
  .object({
    description: z.string(),
    owner: z.string(),
    personal: z.boolean().default(false),
    purposeRequired: z.boolean().default(false),
    /** Whether exporting the group's fields in bulk (POST /export) needs a declared purpose. */
    exportPurposeRequired: z.boolean().default(false),
    /** For a `purposeRequired` (or `exportPurposeRequired`) group: the purpose codes (of the top-level `purposes`) it is served for. */
    purposes: z.array(z.string()).default([]),
    fields: z.record(z.string(), fieldList),
    access: z.record(z.string(), z.enum(LEVELS)),
    aggregate: z.array(z.string()).default([]),
    rows: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.array(z.string())))).default({}),
  })
  .strict();

const policySchema = z
  .object({
    departments: z.record(z.string().regex(/^[A-Z][A-Z_]*$/), z.string()),
    masks: z.record(z.string().regex(/^[A-Za-z_]+\.[A-Za-z_]+$/), z.enum(MASKS)).default({}),
    suppressCountsBelow: z.record(z.string(), z.number().int().min(0)).default({}),
    /** The purposes a request may declare (X-Purpose), code → what it means. */
    purposes: z.record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), z.string()).default({}),
    /** Departments whose principals must be scoped to one region level (VILLAGE: a 12-digit code). */
    regionLevels: z.record(z.string(), z.enum(["VILLAGE"])).default({}),
    /**
     * Mutations only a principal of a region level or wider may run, whatever its department (乡镇审核
     * by a township or wider, 县级确认 by a county or wider): mutation → level. A batch form
     * (`<name>Batch`) has its single form's level and is not listed.
     */
    mutationLevels: z.record(z.string(), z.enum(REGION_LEVELS)).default({}),
    groups: z.record(z.string(), groupSchema),
  })
  .strict();

export type PolicyFile = z.infer<typeof policySchema>;

export const defaultPolicyPath = join(projectRoot, "src", "access", "policy.yaml");

export class PolicyError extends Error {
  constructor(problems: string[]) {
    super(`The access policy is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyError";
  }
}

/** Parses and structurally validates a policy document (YAML or JSON text). */
export function parsePolicy(text: string): PolicyFile {
  const parsed = policySchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    throw new PolicyError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const policy = parsed.data;
  const problems: string[] = [];
  const departments = new Set(Object.keys(policy.departments));
  if (!departments.has("PUBLIC")) problems.push("departments: PUBLIC (the unauthenticated principal) must be listed");
  for (const d of Object.keys(policy.regionLevels)) {
    if (!departments.has(d)) problems.push(`regionLevels: unknown department ${d}`);
  }
  const mutations = new Set(
    Object.values(policy.groups).flatMap((g) => (Array.isArray(g.fields.Mutation) ? g.fields.Mutation : [])),
  );
  for (const m of Object.keys(policy.mutationLevels)) {
    if (!mutations.has(m)) problems.push(`mutationLevels: ${m} is not a mutation of any group`);
    const single = m.endsWith("Batch") ? m.slice(0, -"Batch".length) : null;
    if (single && mutations.has(single)) {
      problems.push(`mutationLevels: ${m} has the level of ${single} (list ${single} alone)`);
    }
  }
  for (const [name, group] of Object.entries(policy.groups)) {
    if (!departments.has(group.owner)) problems.push(`groups.${name}.owner: unknown department ${group.owner}`);
    for (const d of [...Object.keys(group.access), ...group.aggregate, ...Object.keys(group.rows)]) {
      if (!departments.has(d)) problems.push(`groups.${name}: unknown department ${d}`);
    }
    if (group.purposeRequired && !group.purposes.length) {
      problems.push(`groups.${name}: purposeRequired needs the list of purposes it is served for`);
    }
    if (!group.purposeRequired && !group.exportPurposeRequired && group.purposes.length) {
      problems.push(`groups.${name}: lists purposes but is not purposeRequired`);
    }
    if (group.exportPurposeRequired && !Object.keys(policy.purposes).length) {
      problems.push(`groups.${name}: exportPurposeRequired needs purposes (the top-level list) to choose from`);
    }
    for (const code of group.purposes) {
      if (!(code in policy.purposes)) problems.push(`groups.${name}.purposes: unknown purpose ${code}`);
    }
    const owners = Object.entries(group.access).filter(([, level]) => level === "own");
    if (owners.some(([d]) => d !== group.owner)) {
      problems.push(`groups.${name}: only its owner ${group.owner} may have \`own\``);
    }
  }
  if (problems.length) throw new PolicyError(problems);
  return policy;
}

export function loadPolicyFile(path = defaultPolicyPath): PolicyFile {
  return parsePolicy(readFileSync(path, "utf8"));
}
