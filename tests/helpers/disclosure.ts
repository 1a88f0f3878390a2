/**
 * What an attacker can conclude from published counts: the exact set of true values of a hidden
 * count that are consistent with everything published, found by search (not by a rule of thumb).
 *
 * The attacker is granted more than it has: the true overlap structure of the sets it asked about
 * (which households fall in which combination of sets — the "atoms" — and that no other
 * combination occurs), and the publication rule (a published P ≥ 5 means a true count in
 * [P − 4, P + 4]; 0 means 0 to 4, since zero stays zero and 1–4 may round down). What it does not
 * have is the atoms' sizes. A hidden count is determined only if a single value is feasible.
 */

export interface PublishedSet {
  /** The rows of the set (ids), as the registry owner lists them with the same filter. */
  ids: readonly string[];
  /** What the public received for it. */
  published: number;
}

interface Constraint {
  atoms: number[];
  lo: number;
  hi: number;
}

export interface DisclosureSystem {
  atoms: number;
  constraints: Constraint[];
  /** The atoms of each set, by the set's key (its sorted ids). */
  atomsOf: Map<string, number[]>;
  /** The true size of each atom (for checking that the truth is feasible). */
  truth: number[];
}

export const setKey = (ids: readonly string[]) => [...ids].sort().join(",");

/** The interval of true counts a published count allows (base 5). */
export function interval(published: number): [number, number] {
  return published === 0 ? [0, 4] : [published - 4, published + 4];
}

/** The constraint system of a collection of published sets (one constraint per distinct set). */
export function disclosureSystem(sets: readonly PublishedSet[]): DisclosureSystem {
  const distinct = new Map<string, PublishedSet>();
  for (const s of sets) distinct.set(setKey(s.ids), s);
  const keys = [...distinct.keys()];
  const membership = new Map<string, boolean[]>();
  keys.forEach((key, i) => {
    for (const id of distinct.get(key)!.ids) {
      if (!membership.has(id)) membership.set(id, new Array<boolean>(keys.length).fill(false));
      membership.get(id)![i] = true;
    }
  });
  const atomIndex = new Map<string, number>();
  const truth: number[] = [];
  const atomsOf = new Map<string, Set<number>>(keys.map((k) => [k, new Set()]));
  for (const bits of membership.values()) {
    const pattern = bits.map((b) => (b ? "1" : "0")).join("");
    let atom = atomIndex.get(pattern);
    if (atom === undefined) {
      atom = truth.length;
      atomIndex.set(pattern, atom);
      truth.push(0);
    }
    truth[atom]! += 1;
    bits.forEach((b, i) => b && atomsOf.get(keys[i]!)!.add(atom));
  }
  const constraints = keys.map((key) => {
    const [lo, hi] = interval(distinct.get(key)!.published);
    return { atoms: [...atomsOf.get(key)!], lo, hi };
  });
  return {
    atoms: truth.length,
    constraints,
    truth,
    atomsOf: new Map([...atomsOf].map(([k, v]) => [k, [...v]])),
  };
}

const UNBOUNDED = 1_000_000;

/** Tightens the atoms' bounds by every constraint until nothing changes; false if infeasible. */
function propagate(lo: number[], hi: number[], constraints: readonly Constraint[]): boolean {
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of constraints) {
      let min = 0;
      let max = 0;
      for (const a of c.atoms) {
        min += lo[a]!;
        max += hi[a]!;
      }
      if (min > c.hi || max < c.lo) return false;
      for (const a of c.atoms) {
        const high = Math.min(hi[a]!, c.hi - (min - lo[a]!));
        const low = Math.max(lo[a]!, c.lo - (max - hi[a]!));
        if (low > high) return false;
        if (high < hi[a]!) {
          max -= hi[a]! - high;
          hi[a] = high;
          changed = true;
        }
        if (low > lo[a]!) {
          min += low - lo[a]!;
          lo[a] = low;
          changed = true;
        }
      }
    }
  }
  return true;
}

/**
 * Whether some non-negative integer sizes of the atoms satisfy every constraint: bisection search,
 * trying first the half that holds `guide` (the truth), where a solution is most likely near.
 */
function feasible(
  lo: number[],
  hi: number[],
  constraints: readonly Constraint[],
  guide: readonly number[],
  budget: { nodes: number },
): boolean {
  if (--budget.nodes < 0) throw new Error("disclosure search exceeded its budget: undecided");
  if (!propagate(lo, hi, constraints)) return false;
  let pick = -1;
  for (let a = 0; a < lo.length; a += 1) {
    if (hi[a]! > lo[a]! && (pick < 0 || hi[a]! - lo[a]! < hi[pick]! - lo[pick]!)) pick = a;
  }
  if (pick < 0) return true;
  const target = Math.min(Math.max(guide[pick]!, lo[pick]!), hi[pick]!);
  const halves: [number, number][] = [
    [target, target],
    [lo[pick]!, target - 1],
    [target + 1, hi[pick]!],
  ];
  for (const [from, to] of halves) {
    if (from > to) continue;
    const l = [...lo];
    const h = [...hi];
    l[pick] = from;
    h[pick] = to;
    if (feasible(l, h, constraints, guide, budget)) return true;
  }
  return false;
}

function satisfies(sizes: readonly number[], constraints: readonly Constraint[]): boolean {
  return constraints.every((c) => {
    let sum = 0;
    for (const a of c.atoms) sum += sizes[a]!;
    return sum >= c.lo && sum <= c.hi;
  });
}

/**
 * Another true value than the real one that is consistent with every published count of the
 * system, for the set `key`; null if there is none (the count is determined). Tries the cheap
 * alternatives first (one atom of the set one more or one less, with one other atom making up for
 * it), then searches exhaustively.
 */
export function alternativeValue(system: DisclosureSystem, key: string): number | null {
  const target = system.atomsOf.get(key);
  if (!target) throw new Error("alternativeValue: the set is not part of the system");
  const { truth, constraints } = system;
  if (!satisfies(truth, constraints)) throw new Error("the truth does not satisfy the published counts");
  const real = target.reduce((s, a) => s + truth[a]!, 0);
  const inTarget = new Set(target);
  for (const a of target) {
    for (const step of [1, -1]) {
      for (let b = -1; b < truth.length; b += 1) {
        if (b === a || (b >= 0 && inTarget.has(b))) continue;
        const sizes = [...truth];
        sizes[a]! += step;
        if (b >= 0) sizes[b]! -= step;
        if (sizes[a]! < 0 || (b >= 0 && sizes[b]! < 0)) continue;
        if (satisfies(sizes, constraints)) return real + step;
      }
    }
  }
  const lo = new Array<number>(system.atoms).fill(0);
  const hi = new Array<number>(system.atoms).fill(UNBOUNDED);
  propagate(lo, hi, constraints);
  const min = target.reduce((s, a) => s + lo[a]!, 0);
  const max = target.reduce((s, a) => s + hi[a]!, 0);
  for (let d = 1; real - d >= min || real + d <= max; d += 1) {
    for (const v of [real - d, real + d]) {
      if (v < min || v > max) continue;
      const pinned = [...constraints, { atoms: target, lo: v, hi: v }];
      if (feasible([...lo], [...hi], pinned, truth, { nodes: 200_000 })) return v;
    }
  }
  return null;
}

/** Every true value of the set `key` consistent with all the published counts (small systems). */
export function candidateValues(system: DisclosureSystem, key: string): number[] {
  const target = system.atomsOf.get(key);
  if (!target) throw new Error("candidateValues: the set is not part of the system");
  const lo = new Array<number>(system.atoms).fill(0);
  const hi = new Array<number>(system.atoms).fill(UNBOUNDED);
  if (!propagate(lo, hi, system.constraints)) throw new Error("the published counts admit no truth at all");
  const min = target.reduce((s, a) => s + lo[a]!, 0);
  const max = target.reduce((s, a) => s + hi[a]!, 0);
  const values: number[] = [];
  for (let v = min; v <= max; v += 1) {
    const pinned = [...system.constraints, { atoms: target, lo: v, hi: v }];
    if (feasible([...lo], [...hi], pinned, system.truth, { nodes: 200_000 })) values.push(v);
  }
  return values;
}
