import {
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from "graphql";
import { ExportError } from "./export.errors.js";

/**
 * What an export runs for each page: the client's operation with the root connection's page
 * arguments and page bookkeeping added by the server. The client selects one connection and its
 * nodes (`nodes { … }` or `edges { node { … } }`), with any filter, order and nesting its
 * department's contract allows; the server asks for `first: $exportFirst, after: $exportAfter`,
 * `pageInfo` and, on the first page only, `totalCount` — and the operation pipeline then checks
 * the rewritten document exactly as it checks a query's.
 */
export interface ExportShape {
  document: DocumentNode;
  operationName: string | null;
  /** The root field's response key. */
  rootKey: string;
  /** The node type's name (Household, Member, …). */
  nodeType: string;
  /** The selected fields as dotted response paths (`members.name`), in document order. */
  fields: string[];
  /** The response keys of a flat selection (CSV columns); null when anything is nested. */
  columns: string[] | null;
  /** Names of the variables the server sets. */
  variables: { first: string; after: string; count: string };
}

const PAGE_ARGUMENTS = new Set(["first", "after", "last", "before"]);
/** Fields of a connection the server asks for itself: a client's are accepted and ignored. */
const BOOKKEEPING = new Set(["totalCount", "pageInfo", "__typename"]);

function invalid(message: string): ExportError {
  return new ExportError("EXPORT_OPERATION_INVALID", message, 400);
}

/**
 * Checks the client's operation and rewrites it for paging. `schema` is the department's own
 * validation schema, so a field outside its contract is "not a connection" here exactly as it
 * does not exist in validation (the pipeline then validates the rewritten document in full).
 */
export function exportShape(
  document: DocumentNode,
  operationName: string | null | undefined,
  schema: GraphQLSchema,
): ExportShape {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) {
    throw invalid(
      operationName
        ? `Unknown operation named "${operationName}".`
        : "Give operationName: the document holds several operations.",
    );
  }
  if (operation.operation !== "query") throw invalid("An export runs a query, not a mutation or subscription.");
  const roots = operation.selectionSet.selections.filter(
    (s) => !(s.kind === Kind.FIELD && s.name.value === "__typename"),
  );
  const root = roots[0];
  if (roots.length !== 1 || root?.kind !== Kind.FIELD) {
    throw invalid(
      "An export selects exactly one connection at the top level (e.g. `households(filter: …) { nodes { … } }`).",
    );
  }
  const fieldDef = schema.getQueryType()?.getFields()[root.name.value];
  const connection = fieldDef ? getNamedType(fieldDef.type) : undefined;
  const nodesField = isObjectType(connection) ? connection.getFields().nodes : undefined;
  const args = new Set(fieldDef?.args.map((a) => a.name) ?? []);
  if (!fieldDef || !nodesField || !args.has("first") || !args.has("after")) {
    throw invalid(
      `\`${root.name.value}\` is not a connection you may export: select one of your connections (a field returning a …Connection).`,
    );
  }
  const given = (root.arguments ?? []).filter((a) => PAGE_ARGUMENTS.has(a.name.value)).map((a) => a.name.value);
  if (given.length) {
    throw invalid(`Remove ${given.join(", ")}: an export walks every page itself (keyset cursors, one snapshot).`);
  }
  const nodeSelection = nodeSelectionOf(root.selectionSet);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const used = new Set((operation.variableDefinitions ?? []).map((v) => v.variable.name.value));
  const fresh = (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return name;
  };
  const variables = { first: fresh("exportFirst"), after: fresh("exportAfter"), count: fresh("exportCount") };

  const pageField: FieldNode = {
    ...root,
    arguments: [...(root.arguments ?? []), argument("first", variables.first), argument("after", variables.after)],
    selectionSet: selectionSet([
      {
        ...field("totalCount"),
        directives: [
          {
            kind: Kind.DIRECTIVE,
            name: { kind: Kind.NAME, value: "include" },
            arguments: [argument("if", variables.count)],
          },
        ],
      },
      { ...field("pageInfo"), selectionSet: selectionSet([field("hasNextPage"), field("endCursor")]) },
      { ...field("nodes"), selectionSet: nodeSelection },
    ]),
  };
  const paged: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []),
      variableDefinition(variables.first, "Int", true),
      variableDefinition(variables.after, "String", false),
      variableDefinition(variables.count, "Boolean", true),
    ],
    selectionSet: selectionSet([pageField]),
  };
  const { fields, flat } = describeSelection(nodeSelection, fragments);
  return {
    document: { kind: Kind.DOCUMENT, definitions: [paged, ...fragments.values()] },
    operationName: operation.name?.value ?? null,
    rootKey: root.alias?.value ?? root.name.value,
    nodeType: getNamedType(nodesField.type).name,
    fields,
    columns: flat ? [...new Set(fields)] : null,
    variables,
  };
}

/** The node selection of a connection's selection: `nodes { … }` or `edges { node { … } }`. */
function nodeSelectionOf(set: SelectionSetNode | undefined): SelectionSetNode {
  const found: SelectionSetNode[] = [];
  for (const s of set?.selections ?? []) {
    if (s.kind !== Kind.FIELD) throw invalid("Select the connection's fields directly (no fragments at that level).");
    const name = s.name.value;
    if (name === "nodes" && s.selectionSet) found.push(s.selectionSet);
    else if (name === "edges" && s.selectionSet) {
      for (const e of s.selectionSet.selections) {
        if (e.kind === Kind.FIELD && e.name.value === "node" && e.selectionSet) found.push(e.selectionSet);
        else if (!(e.kind === Kind.FIELD && (e.name.value === "cursor" || e.name.value === "__typename"))) {
          throw invalid("Under `edges`, select `node { … }` (and `cursor`, which an export ignores).");
        }
      }
    } else if (!BOOKKEEPING.has(name)) throw invalid(`\`${name}\` cannot be exported: select \`nodes { … }\`.`);
  }
  if (found.length !== 1) throw invalid("Select the nodes once: `nodes { … }` or `edges { node { … } }`.");
  return found[0]!;
}

/** Dotted response paths of a selection (fragments expanded) and whether it is flat (leaves only). */
function describeSelection(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): { fields: string[]; flat: boolean } {
  const fields: string[] = [];
  let flat = true;
  const walk = (s: SelectionSetNode, prefix: string, seen: Set<string>) => {
    for (const selection of s.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = `${prefix}${selection.alias?.value ?? selection.name.value}`;
        if (selection.selectionSet) {
          if (!prefix) flat = false;
          walk(selection.selectionSet, `${key}.`, seen);
        } else fields.push(key);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, prefix, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, prefix, new Set(seen).add(selection.name.value));
      }
    }
  };
  walk(set, "", new Set());
  return { fields: [...new Set(fields)], flat };
}

function field(name: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } };
}

function selectionSet(selections: SelectionNode[]): SelectionSetNode {
  return { kind: Kind.SELECTION_SET, selections };
}

function argument(name: string, variable: string) {
  return {
    kind: Kind.ARGUMENT as const,
    name: { kind: Kind.NAME as const, value: name },
    value: { kind: Kind.VARIABLE as const, name: { kind: Kind.NAME as const, value: variable } },
  };
}

function variableDefinition(name: string, type: string, required: boolean): VariableDefinitionNode {
  const named = { kind: Kind.NAMED_TYPE as const, name: { kind: Kind.NAME as const, value: type } };
  return {
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
    type: required ? { kind: Kind.NON_NULL_TYPE, type: named } : named,
  };
}
