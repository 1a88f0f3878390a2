import { readdirSync, readFileSync } from "node:fs";

export interface Example {
  name: string;
  query: string;
}

/** The operations in schema/examples/: what users actually send, shared by tests and benches. */
export function loadExamples(): Example[] {
  const folder = new URL("../../schema/examples/", import.meta.url);
  return readdirSync(folder)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ""), query: readFileSync(new URL(f, folder), "utf8") }));
}

export function example(name: string): string {
  const found = loadExamples().find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return found.query;
}
