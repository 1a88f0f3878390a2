import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { getTableColumns } from "drizzle-orm";
import { PolicyError, type Level, type MaskForm, type PolicyFile, type RegionLevelName } from "./policy.js";
import { ROW_TABLES } from "./row-tables.js";

/** Types that carry no data of their own: their fields follow the node type they page over. */
export function isStructuralType(name: string): boolean {
  return name.endsWith("Connection") || name.endsWith("Edge") || name === "PageInfo" || name === "_Service";
}

const FEDERATION_ROOT_FIELDS = new Set(["_service", "_entities"]);

export interface FieldRule {
  group: string;
  owner: string;
  personal: boolean;
  purposeRequired: boolean;
  /** Whether a bulk export (POST /export) of the field needs a declared purpose. */
  exportPurposeRequired: boolean;
  /** The purpose codes the group is served for (when it requires one). */
  purposes: readonly string[];
  access: Record<string, Level>;
  aggregate: string[];
  mask?: MaskForm;
}

/** One department's view of the policy, computed once at start-up. */
export interface DepartmentPolicy {
  readonly department: string;
  /** The level for an object type's field (structural types resolved by their node type). */
  level(type: string, field: string): Level;
  /** Readable fields (read, own or masked) of a type; an empty set for a type it cannot see. */
  readable(type: string): ReadonlySet<string>;
  /** Fields read in masked form, with the mask. */
  masks(type: string): ReadonlyMap<string, MaskForm>;
  /** Whether the department may count a type's rows without reading them. */
  canAggregate(type: string): boolean;
  /** Row restrictions: column → allowed values, per type. */
  rows(type: string): Readonly<Record<string, string[]>> | undefined;
  /** Counts of rows the department cannot read are published rounded to a multiple of this; 0 = exact. */
  readonly suppressCountsBelow: number;
  /** Whether a field is personal data (audited) and whether it needs a declared purpose. */
  rule(type: string, field: string): FieldRule | undefined;
  /** The purposes a request may declare: code → meaning. */
  readonly purposes: ReadonlyMap<string, string>;
  /** Digits of the region code a principal of the department must have (12: one village), or null. */
  readonly regionDigits: number | null;
  /**
   * The region level a mutation needs of its principal (that level or wider), or undefined for any;
   * a batch form (`<name>Batch`) needs its single form's.
   */
  mutationLevel(mutation: string): RegionLevelName | undefined;
}

export interface CompiledPolicy {
  departments: string[];
  rules: Map<string, FieldRule>;
  /**
   * Types whose own rows hold personal data: a personal field that is a value, or an object kept in
   * the row (not a type of its own table). Their fetched rows name the households the audit records.
   */
  personalRowTypes: ReadonlySet<string>;
  forDepartment(department: string): DepartmentPolicy | undefined;
}

function dataTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__") && !isStructuralType(t.name),
  );
}

function policyFields(type: GraphQLObjectType): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => !(type.name === "Query" && FEDERATION_ROOT_FIELDS.has(f.name)));
}

/**
 * Checks the policy against the built schema and indexes it by field: an unknown type or field,
 * a field claimed twice, or a field with no rule stops the server with the field's name.
 */
export function compilePolicy(policy: PolicyFile, schema: GraphQLSchema): CompiledPolicy {
  const problems: string[] = [];
  const rules = new Map<string, FieldRule>();
  const types = new Map(dataTypes(schema).map((t) => [t.name, t]));
  const wildcards: [string, string][] = [];

  const ruleFor = (groupName: string, key: string): FieldRule => {
    const group = policy.groups[groupName]!;
    return {
      group: groupName,
      owner: group.owner,
      personal: group.personal,
      purposeRequired: group.purposeRequired,
      exportPurposeRequired: group.exportPurposeRequired,
      purposes: group.purposes,
      access: group.access,
      aggregate: group.aggregate,
      mask: policy.masks[key],
    };
  };

  for (const [groupName, group] of Object.entries(policy.groups)) {
    for (const [typeName, fields] of Object.entries(group.fields)) {
      const type = types.get(typeName);
      if (!type) {
        problems.push(`groups.${groupName}: unknown type ${typeName}`);
        continue;
      }
      if (fields === "*") {
        wildcards.push([groupName, typeName]);
        continue;
      }
      const known = type.getFields();
      for (const field of fields) {
        const key = `${typeName}.${field}`;
        if (!known[field]) problems.push(`groups.${groupName}: unknown field ${key}`);
        else if (rules.has(key)) problems.push(`${key} is in two groups: ${rules.get(key)!.group} and ${groupName}`);
        else rules.set(key, ruleFor(groupName, key));
      }
    }
  }
  // "*" claims the fields of a type that no group lists by name.
  for (const [groupName, typeName] of wildcards) {
    for (const field of policyFields(types.get(typeName)!)) {
      const key = `${typeName}.${field.name}`;
      if (!rules.has(key)) rules.set(key, ruleFor(groupName, key));
    }
  }
  for (const type of types.values()) {
    for (const field of policyFields(type)) {
      if (!rules.has(`${type.name}.${field.name}`)) problems.push(`no rule for ${type.name}.${field.name}`);
    }
  }
  for (const [groupName, group] of Object.entries(policy.groups)) {
    for (const [department, byType] of Object.entries(group.rows)) {
      for (const [typeName, columns] of Object.entries(byType)) {
        const where = `groups.${groupName}.rows.${department}`;
        const table = ROW_TABLES[typeName];
        if (!types.has(typeName)) problems.push(`${where}: unknown type ${typeName}`);
        else if (!table) problems.push(`${where}: ${typeName} has no table a rows rule can restrict`);
        else {
          const known = getTableColumns(table);
          for (const column of Object.keys(columns)) {
            if (!Object.hasOwn(known, column)) problems.push(`${where}: ${typeName} has no column ${column}`);
          }
        }
      }
    }
  }
  for (const key of Object.keys(policy.masks)) {
    if (!rules.has(key)) problems.push(`masks: unknown field ${key}`);
  }
  for (const [key, rule] of rules) {
    for (const [department, level] of Object.entries(rule.access)) {
      if (level === "masked" && !rule.mask) problems.push(`${key} is masked for ${department} but has no mask form`);
    }
  }
  if (problems.length) throw new PolicyError(problems);

  const departments = Object.keys(policy.departments);
  const compiled = new Map(departments.map((d) => [d, departmentPolicy(d, rules, policy, schema)]));
  return {
    departments,
    rules,
    personalRowTypes: personalRowTypes(schema, rules),
    forDepartment: (d) => compiled.get(d),
  };
}

/** Types whose rows hold personal values themselves or in an object kept in the row (transitively). */
function personalRowTypes(schema: GraphQLSchema, rules: Map<string, FieldRule>): ReadonlySet<string> {
  const embedded = (name: string) => !ROW_TABLES[name] && !isStructuralType(name) && !name.startsWith("_");
  const memo = new Map<string, boolean>();
  const holdsPersonal = (type: GraphQLObjectType): boolean => {
    if (memo.has(type.name)) return memo.get(type.name)!;
    memo.set(type.name, false);
    const holds = Object.values(type.getFields()).some((field) => {
      const value = getNamedType(field.type);
      if (!isObjectType(value)) return rules.get(`${type.name}.${field.name}`)?.personal ?? false;
      return embedded(value.name) && holdsPersonal(value);
    });
    memo.set(type.name, holds);
    return holds;
  };
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  return new Set(
    dataTypes(schema)
      .filter((t) => !roots.has(t) && holdsPersonal(t))
      .map((t) => t.name),
  );
}

function departmentPolicy(
  department: string,
  rules: Map<string, FieldRule>,
  policy: PolicyFile,
  schema: GraphQLSchema,
): DepartmentPolicy {
  const readable = new Map<string, Set<string>>();
  const masks = new Map<string, Map<string, MaskForm>>();
  const aggregate = new Set<string>();
  for (const [key, rule] of rules) {
    const [type, field] = key.split(".") as [string, string];
    const level = rule.access[department] ?? "none";
    if (level !== "none") {
      if (!readable.has(type)) readable.set(type, new Set());
      readable.get(type)!.add(field);
    }
    if (level === "masked") {
      if (!masks.has(type)) masks.set(type, new Map());
      masks.get(type)!.set(field, rule.mask!);
    }
    if (field === "id" && rule.aggregate.includes(department)) aggregate.add(type);
  }
  const rowRules = new Map<string, Record<string, string[]>>();
  for (const group of Object.values(policy.groups)) {
    for (const [type, columns] of Object.entries(group.rows[department] ?? {})) rowRules.set(type, columns);
  }
  const empty = new Set<string>();
  const noMasks = new Map<string, MaskForm>();
  const purposes = new Map(Object.entries(policy.purposes));

  const nodeTypeOf = (structural: string): string | undefined => {
    const type = schema.getType(structural);
    if (!isObjectType(type)) return undefined;
    const node = type.getFields().node ?? type.getFields().nodes;
    return node ? getNamedType(node.type).name : undefined;
  };
  const canReadRows = (type: string) => readable.get(type)?.has("id") ?? false;

  const level = (type: string, field: string): Level => {
    if (type.startsWith("__")) return "read";
    if (type === "Query" && FEDERATION_ROOT_FIELDS.has(field)) return "read";
    if (type === "PageInfo" || type === "_Service") return "read";
    if (isInterfaceType(schema.getType(type))) return "read";
    if (isStructuralType(type)) {
      const node = nodeTypeOf(type);
      if (!node) return "none";
      if (field === "totalCount") return canReadRows(node) || aggregate.has(node) ? "read" : "none";
      return canReadRows(node) ? "read" : "none";
    }
    const rule = rules.get(`${type}.${field}`);
    if (!rule) return "none";
    let granted = rule.access[department] ?? "none";
    // A root field of a group the department may only aggregate still answers totalCount.
    if (granted === "none" && type === "Query" && rule.aggregate.includes(department)) granted = "read";
    // Writing is stewardship: a mutation belongs to the department that owns its fields.
    if (type === "Mutation" && granted !== "own") return "none";
    // A relation to rows the department cannot see is no relation for it.
    if (granted !== "none" && !reachable(type, field)) return "none";
    return granted;
  };

  function reachable(type: string, field: string): boolean {
    const parent = schema.getType(type);
    if (!isObjectType(parent)) return true;
    const target = getNamedType(parent.getFields()[field]!.type);
    if (!isObjectType(target) || target.name.startsWith("_")) return true;
    if (isStructuralType(target.name)) {
      const node = nodeTypeOf(target.name);
      return !node || canReadRows(node) || aggregate.has(node);
    }
    return canReadRows(target.name) || !target.getFields().id;
  }

  return {
    department,
    suppressCountsBelow: policy.suppressCountsBelow[department] ?? 0,
    level,
    readable: (type) => readable.get(type) ?? empty,
    masks: (type) => masks.get(type) ?? noMasks,
    canAggregate: (type) => aggregate.has(type),
    rows: (type) => rowRules.get(type),
    rule: (type, field) => rules.get(`${type}.${field}`),
    purposes,
    regionDigits: policy.regionLevels[department] === "VILLAGE" ? 12 : null,
    mutationLevel: (mutation) => mutationLevelOf(policy, mutation),
  };
}

/** The level of `mutationLevels` for a mutation, the batch form `<name>Batch` inheriting its single form's. */
export function mutationLevelOf(policy: PolicyFile, mutation: string): RegionLevelName | undefined {
  const levels = policy.mutationLevels;
  return levels[mutation] ?? (mutation.endsWith("Batch") ? levels[mutation.slice(0, -"Batch".length)] : undefined);
}
