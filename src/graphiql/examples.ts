import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Kind, parse } from "graphql";
import { projectRoot } from "../shared/project-root.js";

/** One operation users actually send, from schema/examples/ (tests, benches and the query page use them). */
export interface Example {
  /** The file name without `.graphql`. */
  name: string;
  /** The department the operation is written for, from its `# department: X` line. */
  department: string;
  kind: "query" | "mutation" | "subscription";
  /** The file's other leading comment lines: what the operation is for. */
  description: string;
  /** The whole file, comments included. */
  query: string;
}

export const examplesFolder = join(projectRoot, "schema", "examples");

const KINDS = { query: "query", mutation: "mutation", subscription: "subscription" } as const;
const DEPARTMENT_LINE = /^#\s*department:\s*([A-Z_]+)\s*$/m;

/** The department named by a `# department: X` comment line, or null when there is none. */
export function departmentOf(document: string): string | null {
  return DEPARTMENT_LINE.exec(document)?.[1] ?? null;
}

/** Parses one example; a file without its department line or with no operation is a mistake, said by name. */
export function parseExample(name: string, query: string): Example {
  const department = departmentOf(query);
  if (!department) throw new Error(`schema/examples/${name}.graphql: first line must be "# department: <DEPARTMENT>"`);
  const operation = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error(`schema/examples/${name}.graphql has no operation`);
  const description = query
    .split("\n")
    .filter((line) => line.startsWith("#") && !DEPARTMENT_LINE.test(line))
    .map((line) => line.replace(/^#\s?/, ""))
    .join(" ")
    .trim();
  return { name, department, kind: KINDS[operation.operation], description, query };
}

export function loadExamples(folder = examplesFolder): Example[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => parseExample(f.replace(/\.graphql$/, ""), readFileSync(`${folder}/${f}`, "utf8")));
}
