import { MapperKind, mapSchema, pruneSchema } from "@graphql-tools/utils";
import {
  assertValidSchema,
  GraphQLObjectType,
  GraphQLSchema,
  isSpecifiedDirective,
  lexicographicSortSchema,
  type GraphQLInterfaceType,
} from "graphql";
import type { CompiledPolicy, DepartmentPolicy } from "./compile.js";

const FEDERATION_TYPES = new Set(["_Service", "_Any", "_Entity", "link__Import", "link__Purpose", "FieldSet"]);

/**
 * A department's contract: the schema with only what the department may see. Introspection by
 * one of its principals returns it, and `npm run schema` writes it to schema/contracts/.
 */
export function contractSchema(schema: GraphQLSchema, policy: DepartmentPolicy): GraphQLSchema {
  const visible = (type: string, field: string) => policy.level(type, field) !== "none";
  const mapped = mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (FEDERATION_TYPES.has(type.name)) return null;
      if (type.name.startsWith("__")) return type;
      const kept = Object.keys(type.getFields()).filter((f) => visible(type.name, f));
      if (!kept.length) return null;
      // An object keeps an interface only when it keeps every field the interface declares (a
      // department that may count households but not read their ids sees no `Household implements
      // Node`): otherwise the contract would not be a valid schema, and nothing could be validated on it.
      const interfaces = type.getInterfaces();
      const whole = (i: GraphQLInterfaceType) => Object.keys(i.getFields()).every((f) => kept.includes(f));
      if (interfaces.every(whole)) return type;
      const config = type.toConfig();
      return new GraphQLObjectType({ ...config, interfaces: interfaces.filter(whole) });
    },
    [MapperKind.UNION_TYPE]: (type) => (FEDERATION_TYPES.has(type.name) ? null : type),
    [MapperKind.SCALAR_TYPE]: (type) => (FEDERATION_TYPES.has(type.name) ? null : type),
    [MapperKind.OBJECT_FIELD]: (config, field, typeName) => {
      if (typeName === "Query" && (field === "_service" || field === "_entities")) return null;
      return visible(typeName, field) ? config : null;
    },
  });
  const config = mapped.toConfig();
  const withoutFederation = new GraphQLSchema({
    ...config,
    directives: config.directives.filter((d) => isSpecifiedDirective(d)),
    astNode: undefined,
    extensionASTNodes: [],
  });
  return lexicographicSortSchema(pruneSchema(withoutFederation));
}

export function contractSchemas(schema: GraphQLSchema, policy: CompiledPolicy): Map<string, GraphQLSchema> {
  const out = new Map<string, GraphQLSchema>();
  for (const department of policy.departments) {
    const contract = contractSchema(schema, policy.forDepartment(department)!);
    // Every operation is validated against it: an invalid contract fails here, not on each request.
    assertValidSchema(contract);
    out.set(department, contract);
  }
  return out;
}
