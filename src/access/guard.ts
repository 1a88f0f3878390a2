import {
  GraphQLError,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { deny, rule, shield, type IRule } from "graphql-shield";

type IOptions = Parameters<IRule["resolve"]>[4];
type IRuleFieldMap = Record<string, IRule>;
type IRuleTypeMap = Record<string, IRuleFieldMap>;
import type { Context } from "../context.js";
import { levelRefusal } from "./access.js";
import type { DepartmentPolicy } from "./compile.js";
import type { RegionLevelName } from "./policy.js";
import { ForbiddenError } from "../shared/errors.js";
import { purposeErrors, type PurposeNeed } from "./purpose.js";
import { argumentReads, type ArgumentNeed } from "./reads.js";

/**
 * graphql-shield is the rule engine: one rule per (type, field), generated from the policy
 * (no hand-written per-field rules), deny for anything unlisted. A field's decision depends only
 * on the department, never on the row, so the rules run once per operation and department over
 * the document — as part of the operation's plan (src/plan/planner.ts), which is the only way an
 * operation executes — instead of wrapping every resolver; the wrapping mode (`shieldedSchema`) is
 * kept for comparison in the benchmarks.
 *
 * What a filter, an ordering or an argument reads is not listed here: it is declared where the
 * argument is defined and derived from the schema at start-up (reads.ts), and the server does not
 * start while an argument lacks a declaration.
 */
export interface PolicyGuard {
  rules: IRuleTypeMap;
  options: IOptions;
  /**
   * The verdict of an operation for a department: its refused fields, the purposes it needs, its
   * arguments' reads and the region levels its mutations need, decided on the document once;
   * arguments fed by variables and the principal's level are decided per request by `refusals`.
   */
  verdict(document: DocumentNode, policy: DepartmentPolicy): Promise<Verdict>;
}

/** An argument whose value holds variables: what it reads is known only with the request's values. */
interface ArgumentSite {
  field: FieldNode;
  argument: string;
  value: ValueNode;
  target: string;
  need: ArgumentNeed;
}

/** A department's verdict on one operation (see PolicyGuard.verdict). */
export interface Verdict {
  readonly department: string;
  /** Refused fields, and filters and orderings written as literals. */
  readonly fields: readonly ForbiddenError[];
  readonly arguments: readonly ForbiddenError[];
  /** Fields whose group needs a declared purpose. */
  readonly purposes: readonly PurposeNeed[];
  /** Arguments fed by variables, decided per request. */
  readonly sites: readonly ArgumentSite[];
  /** Mutations of the operation the policy reserves for a region level or wider (`mutationLevels`). */
  readonly levels: readonly LevelNeed[];
}

/** A mutation that needs a principal of a region level or wider: decided per request, by its region. */
export interface LevelNeed {
  mutation: string;
  level: RegionLevelName;
}

/**
 * Everything an operation is refused for with these variables, over HTTP, WebSocket or export
 * alike: purpose, fields (unless `fields: false`, when shield wraps the resolvers instead), and
 * arguments — literals decided with the plan, variables now.
 */
export function refusals(
  verdict: Verdict,
  ctx: Context,
  variables: Record<string, unknown>,
  { fields = true }: { fields?: boolean } = {},
): GraphQLError[] {
  const policy = ctx.access.policy;
  if (!policy) return [];
  if (policy.department !== verdict.department) {
    return [new ForbiddenError(`This operation was not planned for ${policy.department}.`)];
  }
  const errors: GraphQLError[] = [...purposeErrors(ctx.purpose, verdict.purposes, policy.purposes)];
  if (fields) errors.push(...verdict.fields);
  errors.push(...verdict.arguments);
  for (const { mutation, level } of verdict.levels) {
    const refused = levelRefusal(ctx.access.principal, mutation, level);
    if (refused) errors.push(refused);
  }
  for (const site of verdict.sites) {
    errors.push(...argumentErrors(policy, site, valueFromASTUntyped(site.value, variables)));
  }
  return errors;
}

/** Whether a value node holds a variable anywhere. */
function holdsVariable(node: ValueNode): boolean {
  if (node.kind === Kind.VARIABLE) return true;
  if (node.kind === Kind.LIST) return node.values.some(holdsVariable);
  if (node.kind === Kind.OBJECT) return node.fields.some((f) => holdsVariable(f.value));
  return false;
}

/** The fields an argument's value asks about, by what the client wrote (its path in the contract). */
function askedFields(argument: string, need: ArgumentNeed, value: unknown): [string[], readonly string[] | null][] {
  if (value === null || value === undefined) return [];
  if (need.kind === "fields") return [[[argument], need.fields]];
  if (need.kind === "enum") return [[[argument], need.byValue.get(String(value)) ?? null]];
  if (typeof value !== "object") return [[[argument], null]];
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key]) => [[argument, key], need.byField.get(key) ?? null]);
}

function argumentErrors(policy: DepartmentPolicy, site: ArgumentSite, value: unknown): ForbiddenError[] {
  const errors: ForbiddenError[] = [];
  const { field, argument, target, need } = site;
  for (const [written, fields] of askedFields(argument, need, value)) {
    // An input field or value without a declaration cannot pass validation; refused all the same.
    const refused =
      fields === null ||
      fields.some((wanted) => policy.level(target, wanted) === "none" || policy.masks(target).has(wanted));
    if (!refused) continue;
    // The message names only what the client wrote (in its contract), never the field behind it.
    const what = need.kind === "enum" ? `Ordering by ${String(value)}` : `Filtering by \`${written.join(".")}\``;
    errors.push(
      new ForbiddenError(`${what} is not available to ${policy.department} (at ${field.name.value}).`, {
        argumentPath: [field.alias?.value ?? field.name.value, ...written],
      }),
    );
  }
  return errors;
}

const FEDERATION = new Set(["_service", "_entities"]);

function fieldRule(type: string, field: string): IRule {
  return rule(`${type}.${field}`, { cache: "contextual" })((_parent: unknown, _args: unknown, ctx: Context) => {
    const policy = ctx.access.policy;
    if (!policy || policy.level(type, field) !== "none") return true;
    return new ForbiddenError(`${type}.${field} is not available to ${policy.department}.`);
  });
}

export function policyRules(schema: GraphQLSchema): IRuleTypeMap {
  const tree: IRuleTypeMap = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const fields: IRuleFieldMap = {};
    for (const field of Object.keys(type.getFields())) fields[field] = fieldRule(type.name, field);
    tree[type.name] = fields;
  }
  return tree;
}

export function createGuard(schema: GraphQLSchema): PolicyGuard {
  const rules = policyRules(schema);
  // Stops the server when an argument or a filter field does not declare what it reads.
  const reads = argumentReads(schema);
  const options: IOptions = {
    debug: false,
    allowExternalErrors: true,
    fallbackRule: deny,
    fallbackError: new ForbiddenError(),
    hashFunction: ({ parent, args }: { parent: unknown; args: unknown }) => JSON.stringify([parent, args]),
  };

  async function deniedFields(document: DocumentNode, policy: DepartmentPolicy): Promise<ForbiddenError[]> {
    // The rules read only the department's policy: a scratch context for it (and shield's cache).
    const ctx = { access: { policy, principal: { department: policy.department } }, _shield: { cache: {} } };
    const typeInfo = new TypeInfo(schema);
    const pending: { type: string; field: string; path: string[] }[] = [];
    const path: string[] = [];
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: {
          enter(node: FieldNode) {
            path.push(node.alias?.value ?? node.name.value);
            const parent = typeInfo.getParentType();
            // Introspection (`__schema`, `__type` and the `__Type`… fields below them) answers from the contract.
            if (!parent || node.name.value.startsWith("__") || parent.name.startsWith("__") || !isObjectType(parent)) {
              return;
            }
            if (parent.name === "Query" && FEDERATION.has(node.name.value)) return;
            pending.push({ type: parent.name, field: node.name.value, path: [...path] });
          },
          leave() {
            path.pop();
          },
        },
      }),
    );
    const errors: ForbiddenError[] = [];
    const seen = new Set<string>();
    for (const { type, field, path: at } of pending) {
      const key = `${type}.${field}@${at.join(".")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const typeRules = rules[type] as IRuleFieldMap | undefined;
      const fieldRuleFor = (typeRules?.[field] ?? options.fallbackRule) as IRule;
      const info = { parentType: schema.getType(type), fieldName: field } as unknown as GraphQLResolveInfo;
      const result = await fieldRuleFor.resolve({}, {}, ctx as never, info, options);
      if (result !== true) {
        const error =
          result instanceof ForbiddenError
            ? result
            : new ForbiddenError(`${type}.${field} is not available to ${policy.department}.`);
        errors.push(new ForbiddenError(`${error.message} (at ${at.join(".")})`));
      }
    }
    return errors;
  }

  /** Every argument that reads fields, with what it reads: decided now for literals, later for variables. */
  function argumentSites(document: DocumentNode): ArgumentSite[] {
    const typeInfo = new TypeInfo(schema);
    const sites: ArgumentSite[] = [];
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node: FieldNode) {
          const parent = typeInfo.getParentType();
          if (!parent || !node.arguments?.length) return;
          const declared = reads.get(`${parent.name}.${node.name.value}`);
          if (!declared) return;
          for (const argument of node.arguments) {
            const need = declared.byArgument.get(argument.name.value);
            if (!need) continue;
            sites.push({
              field: node,
              argument: argument.name.value,
              value: argument.value,
              target: declared.target.name,
              need,
            });
          }
        },
      }),
    );
    return sites;
  }

  /** Fields the department may read whose group needs a purpose (others are refused as fields). */
  function fieldsNeedingPurpose(document: DocumentNode, policy: DepartmentPolicy): PurposeNeed[] {
    const typeInfo = new TypeInfo(schema);
    const needed = new Map<string, { fields: Set<string>; purposes: readonly string[] }>();
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node: FieldNode) {
          const parent = typeInfo.getParentType();
          if (!parent) return;
          const rule = policy.rule(parent.name, node.name.value);
          if (rule?.purposeRequired && policy.level(parent.name, node.name.value) !== "none") {
            if (!needed.has(rule.group)) needed.set(rule.group, { fields: new Set(), purposes: rule.purposes });
            needed.get(rule.group)!.fields.add(`${parent.name}.${node.name.value}`);
          }
        },
      }),
    );
    return [...needed.values()].map(({ fields, purposes }) => ({ fields: [...fields], purposes }));
  }

  /** The operation's mutations that need a region level (the principal's region is checked per request). */
  function levelNeeds(document: DocumentNode, policy: DepartmentPolicy): LevelNeed[] {
    const mutationType = schema.getMutationType();
    if (!mutationType) return [];
    const typeInfo = new TypeInfo(schema);
    const needs = new Map<string, RegionLevelName>();
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node: FieldNode) {
          if (typeInfo.getParentType() !== mutationType) return;
          const level = policy.mutationLevel(node.name.value);
          if (level) needs.set(node.name.value, level);
        },
      }),
    );
    return [...needs].map(([mutation, level]) => ({ mutation, level }));
  }

  return {
    rules,
    options,
    async verdict(document, policy) {
      const sites = argumentSites(document);
      const literal = sites.filter((site) => !holdsVariable(site.value));
      return {
        department: policy.department,
        fields: await deniedFields(document, policy),
        arguments: literal.flatMap((site) => argumentErrors(policy, site, valueFromASTUntyped(site.value))),
        purposes: fieldsNeedingPurpose(document, policy),
        sites: sites.filter((site) => holdsVariable(site.value)),
        levels: levelNeeds(document, policy),
      };
    },
  };
}

/** The wrapping mode: shield as graphql-middleware around every resolver (for comparison). */
export function shieldedSchema(schema: GraphQLSchema, guard: PolicyGuard): GraphQLSchema {
  return applyMiddleware(schema, shield(guard.rules, guard.options));
}
