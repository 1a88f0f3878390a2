import {
  getNamedType,
  type GraphQLError,
  isObjectType,
  valueFromASTUntyped,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type ValueNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { deny, rule, shield, type IRule } from "graphql-shield";

type IOptions = Parameters<IRule["resolve"]>[4];
type IRuleFieldMap = Record<string, IRule>;
type IRuleTypeMap = Record<string, IRuleFieldMap>;
import type { Context } from "../context.js";
import type { DepartmentPolicy } from "./compile.js";
import { ForbiddenError } from "../shared/errors.js";
import { purposeErrors, type PurposeNeed } from "./purpose.js";

/**
 * graphql-shield is the rule engine: one rule per (type, field), generated from the policy
 * (no hand-written per-field rules), deny for anything unlisted. A field's decision depends only
 * on the department, never on the row, so by default the rules run once per operation and
 * department over the document (`checkDocument`) instead of wrapping every resolver; the wrapping
 * mode (`shieldedSchema`) is kept for comparison in the benchmarks.
 */
export interface PolicyGuard {
  rules: IRuleTypeMap;
  options: IOptions;
  /** Denied field selections of an operation for the request's department (cached per document). */
  check(document: DocumentNode, cacheKey: string, ctx: Context): Promise<ForbiddenError[]>;
  /**
   * Filters and orderings on fields the department may not read: a filter is a question about the
   * field's values (a count of dropped-out children is schooling data), so it needs read access.
   */
  checkArguments(
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    ctx: Context,
  ): ForbiddenError[];
  /**
   * Fields whose group needs a declared purpose, selected without one (FORBIDDEN), and a declared
   * purpose that is not a code of the policy or not one those fields accept (BAD_USER_INPUT).
   */
  purposeRequired(document: DocumentNode, ctx: Context): GraphQLError[];
  /**
   * Everything an operation is refused for, over HTTP or WebSocket alike: purpose, fields (unless
   * `fields: false`, when shield wraps the resolvers instead) and arguments.
   */
  deny(
    document: DocumentNode,
    cacheKey: string,
    variables: Record<string, unknown> | undefined,
    ctx: Context,
    options?: { fields?: boolean },
  ): Promise<GraphQLError[]>;
}

/** Filter inputs and orderings that are named differently from the field they ask about. */
const ARGUMENT_FIELDS: Record<string, string[]> = {
  anyCause: ["primaryCause", "otherCauses"],
  asOf: ["history"],
  item: ["guarantees"],
  dueBy: ["dueOn"],
  ageRange: ["birthDate"],
  disabled: ["disabilityType"],
  projectId: ["project"],
  agencyId: ["agency"],
  leadAgencyId: ["leadAgency"],
  NAME: ["name"],
  ID: ["id"],
  CODE: ["code"],
  HOUSEHOLD_NUMBER: ["householdNumber"],
  IDENTIFIED_YEAR: ["identifiedYear"],
  BIRTH_DATE: ["birthDate"],
  VALUE_DESC: ["value"],
  YEAR_DESC: ["year"],
  POPULATION_DESC: ["registeredPopulation"],
  ageDays: ["raisedAt"],
  NEWEST: ["id"],
  OLDEST: ["id"],
};
/** Arguments that only page or name a row, or narrow within the principal's own scope. */
// A mutation's `input` is checked field by field by the write service (only the steward may write).
const NEUTRAL_ARGUMENTS = new Set([
  "first",
  "after",
  "last",
  "before",
  "id",
  "code",
  "regionCode",
  "representations",
  "input",
  // The change feed's `types` names whole types: each is served only when the department may read it.
  "types",
]);

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
  const options: IOptions = {
    debug: false,
    allowExternalErrors: true,
    fallbackRule: deny,
    fallbackError: new ForbiddenError(),
    hashFunction: ({ parent, args }: { parent: unknown; args: unknown }) => JSON.stringify([parent, args]),
  };
  const decisions = new Map<string, Promise<ForbiddenError[]>>();

  async function evaluate(document: DocumentNode, ctx: Context): Promise<ForbiddenError[]> {
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
            : new ForbiddenError(`${type}.${field} is not available to ${ctx.access.principal.department}.`);
        errors.push(new ForbiddenError(`${error.message} (at ${at.join(".")})`));
      }
    }
    return errors;
  }

  function rowType(type: GraphQLOutputType): GraphQLObjectType | undefined {
    const named = getNamedType(type);
    if (!isObjectType(named)) return undefined;
    const node = named.getFields().nodes;
    const target = node ? getNamedType(node.type) : named;
    return isObjectType(target) ? target : undefined;
  }

  function checkArguments(
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    ctx: Context,
  ): ForbiddenError[] {
    const policy = ctx.access.policy;
    if (!policy) return [];
    const typeInfo = new TypeInfo(schema);
    const errors: ForbiddenError[] = [];
    const valueOf = (node: ValueNode): unknown => valueFromASTUntyped(node, variables ?? {});
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node: FieldNode) {
          const field = typeInfo.getFieldDef();
          if (!field || !node.arguments?.length || field.name.startsWith("__")) return;
          if (typeInfo.getParentType()?.name.startsWith("__")) return;
          const target = rowType(field.type);
          if (!target) return;
          for (const argument of node.arguments) {
            const name = argument.name.value;
            if (NEUTRAL_ARGUMENTS.has(name)) continue;
            const value = valueOf(argument.value);
            if (value === null || value === undefined) continue;
            // What the client wrote (an input field, an ordering, an argument) and the fields it asks about.
            let asked: [string[], string[]][];
            if (name === "filter" && typeof value === "object") {
              asked = Object.entries(value as Record<string, unknown>)
                .filter(([key, v]) => v !== null && v !== undefined && !NEUTRAL_ARGUMENTS.has(key))
                .map(([key]) => [[name, key], ARGUMENT_FIELDS[key] ?? [key]]);
            } else if (name === "orderBy") {
              asked = [[[name], ARGUMENT_FIELDS[String(value)] ?? [String(value)]]];
            } else {
              asked = [[[name], ARGUMENT_FIELDS[name] ?? [name]]];
            }
            for (const [written, fields] of asked) {
              const refused = fields.some(
                (wanted) => policy.level(target.name, wanted) === "none" || policy.masks(target.name).has(wanted),
              );
              // The message names only what the client wrote (in its contract), never the field behind it.
              if (refused) {
                const what =
                  name === "orderBy" ? `Ordering by ${String(value)}` : `Filtering by \`${written.join(".")}\``;
                errors.push(
                  new ForbiddenError(`${what} is not available to ${policy.department} (at ${node.name.value}).`, {
                    argumentPath: [node.alias?.value ?? node.name.value, ...written],
                  }),
                );
              }
            }
          }
        },
      }),
    );
    return errors;
  }

  // Apollo hands the same parsed document to every request of a query: decide per document once.
  const purposeFields = new WeakMap<DocumentNode, Map<string, PurposeNeed[]>>();

  function purposeRequired(document: DocumentNode, ctx: Context): GraphQLError[] {
    const policy = ctx.access.policy;
    if (!policy) return [];
    let byDepartment = purposeFields.get(document);
    if (!byDepartment) purposeFields.set(document, (byDepartment = new Map()));
    let needed = byDepartment.get(policy.department);
    if (!needed) byDepartment.set(policy.department, (needed = fieldsNeedingPurpose(document, policy)));
    return purposeErrors(ctx.purpose, needed, policy.purposes);
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

  return {
    rules,
    options,
    checkArguments,
    purposeRequired,
    async deny(document, cacheKey, variables, ctx, { fields = true } = {}) {
      return [
        ...purposeRequired(document, ctx),
        ...(fields ? await this.check(document, cacheKey, ctx) : []),
        ...checkArguments(document, variables, ctx),
      ];
    },
    check(document, cacheKey, ctx) {
      if (!ctx.access.policy) return Promise.resolve([]);
      const key = `${ctx.access.policy.department}\u0000${cacheKey}`;
      let decision = decisions.get(key);
      if (!decision) {
        // Shield's contextual cache lives on the context; a scratch one keeps decisions per department.
        decision = evaluate(document, { ...ctx, _shield: { cache: {} } } as Context);
        decisions.set(key, decision);
        if (decisions.size > 5000) decisions.delete(decisions.keys().next().value as string);
      }
      return decision;
    },
  };
}

/** The wrapping mode: shield as graphql-middleware around every resolver (for comparison). */
export function shieldedSchema(schema: GraphQLSchema, guard: PolicyGuard): GraphQLSchema {
  return applyMiddleware(schema, shield(guard.rules, guard.options));
}
