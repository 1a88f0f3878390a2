import { loadExamples, type Example } from "../../src/graphiql/examples.js";

export { loadExamples, type Example };

export function example(name: string): string {
  const found = loadExamples().find((e) => e.name === name);
  if (!found) throw new Error(`no example ${name}`);
  return found.query;
}
