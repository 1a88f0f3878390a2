/** Builds `n` lines from `make`. */
export const repeat = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join("\n");

/**
 * The attacker's documents: each small (0.3–220 KB), each able to take the server down before
 * operations were bounded. Each is answered with its limit's code before any statement runs.
 */
export const BOMBS: Record<string, { query: string; variables?: Record<string, unknown>; code: string }> = {
  // village → township → villages, again and again, each level hidden in a fragment.
  "relations that cycle back through fragments": {
    query: `query { villages(first: 1000) { nodes { ...A } } }
      fragment A on Village { township { villages { ...B } } }
      fragment B on Village { township { villages { ...C } } }
      fragment C on Village { township { villages { name } } }`,
    code: "COST_LIMIT",
  },
  // agency → cadres → agency → cadres …, nested past any sensible depth.
  "a relation cycle nested deep": {
    query: `{ agencies(first: 100) { nodes { ${"cadres(first: 500) { agency { ".repeat(8)} name ${"} } ".repeat(8)} } } }`,
    code: "DEPTH_LIMIT",
  },
  // The same 1,000-row list under hundreds of aliases.
  "hundreds of aliases of a 1,000-row list": {
    query: `{ households(first: 1000) { nodes { ${repeat(300, (i) => `m${i}: members { name }`)} } } }`,
    code: "ALIAS_LIMIT",
  },
  // Pages inside pages: each level multiplies the one above.
  "deep pages": {
    // Fields every contract holds (the public's included), so it is the estimate that refuses it.
    query: `query Deep($n: Int = 1000) { villages(first: $n) { nodes { projects { coAgencies { projectsLed {
      assets { name } } } } } } }`,
    code: "COST_LIMIT",
  },
  // Many top-level fields, each its own page.
  "wide root fields": {
    query: `{ ${repeat(40, (i) => `r${i}: regions { code }`)} }`,
    code: "ROOT_FIELD_LIMIT",
  },
  // A body of tokens the parser would otherwise build a tree for.
  "a huge token count": {
    query: `{ ${"__typename ".repeat(20_000)} }`,
    code: "TOKEN_LIMIT",
  },
  // A directive on every field.
  "a directive flood": {
    query: `{ ${"__typename @include(if: true) ".repeat(200)} }`,
    code: "DIRECTIVE_LIMIT",
  },
};
