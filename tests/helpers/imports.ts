import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** Whether an import or export declaration brings in only types (erased at run time). */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

/**
 * Every TypeScript file under `root`, with the files under `root` it imports; `runtime` leaves out
 * imports of types alone (they are erased and cannot form a cycle when the code runs).
 */
export function importGraph(root: string, options: { runtime?: boolean } = {}): Map<string, string[]> {
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, f));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    const targets = source.statements
      .filter(
        (s): s is ts.ImportDeclaration | ts.ExportDeclaration => ts.isImportDeclaration(s) || ts.isExportDeclaration(s),
      )
      .filter((s) => !(options.runtime && typeOnly(s)))
      .map((s) => (s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : ""))
      .filter((name) => name.startsWith("."))
      .map((name) => resolve(dirname(file), name).replace(/\.js$/, ".ts"))
      .filter((target) => known.has(target));
    graph.set(relative(root, file), [...new Set(targets.map((t) => relative(root, t)))]);
  }
  return graph;
}

/** Collapses a file graph into a graph of groups (a file's group by `groupOf`), dropping edges inside a group. */
export function groupGraph(files: Map<string, string[]>, groupOf: (file: string) => string): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = groupOf(file);
    const edges = groups.get(from) ?? new Set<string>();
    for (const target of targets) if (groupOf(target) !== from) edges.add(groupOf(target));
    groups.set(from, edges);
  }
  return groups;
}

/** The cycles of a graph, each as the path that closes it (a depth-first walk; each cycle reported once per entry). */
export function cycles(graph: Map<string, Iterable<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}
