import { MapperKind, mapSchema, pruneSchema } from "@graphql-tools/utils";
import { GraphQLSchema, isSpecifiedDirective, lexicographicSortSchema } from "graphql";
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
      return Object.keys(type.getFields()).some((f) => visible(type.name, f)) ? type : null;
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
  for (const department of policy.departments)
    out.set(department, contractSchema(schema, policy.forDepartment(department)!));
  return out;
}
