import type { Layout } from './construct';
import { randomInt, type Random } from './prng';
import { pairKey, RoleCode, type Problem } from './problem';

export interface ExchangeOptions {
  random: Random;
  /** Count diversity at all; off, the search only repairs pairs that must not meet. */
  diversity: boolean;
  /** Passes over everyone; a pass that improves nothing ends the search earlier. */
  maxPasses: number;
  /** Candidates tried per person and step. */
  tries: number;
  /** Stop after a pass that improved no more than this share of the people who can move. */
  settleBelow: number;
  /** Also make trades that leave the objective unchanged, to cross plateaus. */
  sideways: boolean;
  /** performance.now() after which to stop, or Infinity. */
  deadline: number;
}

export interface ExchangeResult {
  /** The weighted objective reached (higher is better); comparable between runs of one problem. */
  objective: number;
  /** True when the deadline, not convergence, ended the search. */
  timedOut: boolean;
}

/**
 * Objective scales, chosen so that each tier outweighs anything the tiers below can change in one
 * swap: pairs who must be apart, then pairs who met before, then distinct values, then same-value
 * pairs as the tie-breaker.
 */
export function objectiveScales(p: Problem, maxGroup: number): { distinct: number; repeat: number; apart: number } {
  let total = 0;
  let smallest = Infinity;
  for (const w of p.weights) {
    total += w;
    if (w > 0) smallest = Math.min(smallest, w);
  }
  if (!Number.isFinite(smallest)) smallest = 1;
  const distinct = (4 * (maxGroup + 1) * total) / smallest + 1;
  const repeat = distinct * (4 * total + 1) + 4 * maxGroup * total + 1;
  const apart = repeat * (4 * maxGroup + 1) + 1;
  return { distinct, repeat, apart };
}

/**
 * Pairwise-swap local search (the exchange method of anticlustering): pick a person, try a few
 * others they could trade seats with, make the best trade that raises the objective. Value counts
 * per group are kept up to date, so a trade costs O(attributes + group size) to judge. Swaps keep
 * every group size, every language and every role covered.
 */
export function exchange(p: Problem, layout: Layout, options: ExchangeOptions): ExchangeResult {
  const { n, values, weights, speaks, role, hasMet, met } = p;
  const A = p.attributes.length;
  const L = p.languages.length;
  const { groupOf, groupLanguage, capacity } = layout;
  const G = capacity.length;
  const random = options.random;
  const useDiversity = options.diversity && A > 0;

  let maxGroup = 0;
  for (const c of capacity) maxGroup = Math.max(maxGroup, c);
  const scales = objectiveScales(p, maxGroup);
  const K = scales.distinct;

  // Value counts per group, flat: count[offset[a] + g * V[a] + v].
  const V = Int32Array.from(p.valueCount);
  const offset = new Int32Array(A);
  let cells = 0;
  for (let a = 0; a < A; a++) {
    offset[a] = cells;
    cells += G * (V[a] as number);
  }
  const count = new Int32Array(cells);
  const roleCount = new Int32Array(G * 3);
  const seats = new Int32Array(G * maxGroup);
  const filled = new Int32Array(G);
  const seatOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i] as number;
    for (let a = 0; a < A; a++) count[(offset[a] as number) + g * (V[a] as number) + (values[i * A + a] as number)]! += 1;
    roleCount[g * 3 + (role[i] as number)]! += 1;
    const f = filled[g] as number;
    seats[g * maxGroup + f] = i;
    seatOf[i] = f;
    filled[g] = f + 1;
  }

  // Who is in groups of each language, for drawing trade partners a person could actually join.
  const byLanguage = Array.from({ length: L }, () => new Int32Array(n));
  const languageFill = new Int32Array(L);
  const placeInLanguage = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = groupLanguage[groupOf[i] as number] as number;
    const k = languageFill[l] as number;
    byLanguage[l]![k] = i;
    placeInLanguage[i] = k;
    languageFill[l] = k + 1;
  }
  const options_ = Array.from({ length: n }, (_, i) => {
    const out: number[] = [];
    for (let l = 0; l < L; l++) if (speaks[i * L + l] === 1 && (languageFill[l] as number) > 0) out.push(l);
    return out;
  });

  const movable: number[] = [];
  const canMove = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if ((p.units[p.unitOf[i] as number] as number[]).length === 1) {
      movable.push(i);
      canMove[i] = 1;
    }
  }
  const hasApart = p.apart.map((list) => list.length > 0);
  const apartSet = new Set<number>();
  p.apart.forEach((list, i) => list.forEach((j) => apartSet.add(pairKey(n, i, j))));

  /** Meetings of x with the members of group g, leaving out `skip`. */
  const meetings = (x: number, g: number, skip: number, pairs: Set<number>) => {
    let k = 0;
    const base = g * maxGroup;
    const f = filled[g] as number;
    for (let s = 0; s < f; s++) {
      const y = seats[base + s] as number;
      if (y !== skip && pairs.has(x < y ? x * n + y : y * n + x)) k++;
    }
    return k;
  };

  const covered = (g: number, h: number, r: number, dg: number, dh: number) => {
    const before = ((roleCount[g * 3 + r] as number) > 0 ? 1 : 0) + ((roleCount[h * 3 + r] as number) > 0 ? 1 : 0);
    const after = ((roleCount[g * 3 + r] as number) + dg > 0 ? 1 : 0) + ((roleCount[h * 3 + r] as number) + dh > 0 ? 1 : 0);
    return after >= before;
  };

  const delta = (i: number, j: number): number => {
    const g = groupOf[i] as number;
    const h = groupOf[j] as number;
    let d = 0;
    if (useDiversity) {
      for (let a = 0; a < A; a++) {
        const vi = values[i * A + a] as number;
        const vj = values[j * A + a] as number;
        if (vi === vj) continue;
        const Va = V[a] as number;
        const base = offset[a] as number;
        const gi = count[base + g * Va + vi] as number;
        const gj = count[base + g * Va + vj] as number;
        const hj = count[base + h * Va + vj] as number;
        const hi = count[base + h * Va + vi] as number;
        const distinct = (gi === 1 ? -1 : 0) + (gj === 0 ? 1 : 0) + (hj === 1 ? -1 : 0) + (hi === 0 ? 1 : 0);
        const pairs = gj - gi + 1 + hi - hj + 1;
        d += (weights[a] as number) * (K * distinct - pairs);
      }
    }
    if (hasMet[i] === 1 || hasMet[j] === 1) {
      const before = meetings(i, g, i, met) + meetings(j, h, j, met);
      const after = meetings(i, h, j, met) + meetings(j, g, i, met);
      d -= scales.repeat * (after - before);
    }
    if (hasApart[i] === true || hasApart[j] === true) {
      const before = meetings(i, g, i, apartSet) + meetings(j, h, j, apartSet);
      const after = meetings(i, h, j, apartSet) + meetings(j, g, i, apartSet);
      d -= scales.apart * (after - before);
    }
    return d;
  };

  const swap = (i: number, j: number) => {
    const g = groupOf[i] as number;
    const h = groupOf[j] as number;
    for (let a = 0; a < A; a++) {
      const Va = V[a] as number;
      const base = offset[a] as number;
      const vi = values[i * A + a] as number;
      const vj = values[j * A + a] as number;
      count[base + g * Va + vi]! -= 1;
      count[base + g * Va + vj]! += 1;
      count[base + h * Va + vj]! -= 1;
      count[base + h * Va + vi]! += 1;
    }
    const ri = role[i] as number;
    const rj = role[j] as number;
    roleCount[g * 3 + ri]! -= 1;
    roleCount[g * 3 + rj]! += 1;
    roleCount[h * 3 + rj]! -= 1;
    roleCount[h * 3 + ri]! += 1;
    const si = seatOf[i] as number;
    const sj = seatOf[j] as number;
    seats[g * maxGroup + si] = j;
    seats[h * maxGroup + sj] = i;
    seatOf[i] = sj;
    seatOf[j] = si;
    groupOf[i] = h;
    groupOf[j] = g;
    const li = groupLanguage[g] as number;
    const lj = groupLanguage[h] as number;
    if (li !== lj) {
      const pi = placeInLanguage[i] as number;
      const pj = placeInLanguage[j] as number;
      byLanguage[li]![pi] = j;
      byLanguage[lj]![pj] = i;
      placeInLanguage[i] = pj;
      placeInLanguage[j] = pi;
    }
  };

  const canTrade = (i: number, j: number): boolean => {
    const g = groupOf[i] as number;
    const h = groupOf[j] as number;
    if (g === h) return false;
    if (speaks[j * L + (groupLanguage[g] as number)] !== 1) return false;
    if (canMove[j] === 0) return false;
    const ri = role[i] as number;
    const rj = role[j] as number;
    if (ri === rj) return true;
    for (const r of [RoleCode.Facilitator, RoleCode.Notetaker]) {
      const dg = (rj === r ? 1 : 0) - (ri === r ? 1 : 0);
      if (dg !== 0 && !covered(g, h, r, dg, -dg)) return false;
    }
    return true;
  };

  const anyRepair = options.diversity || met.size > 0 || apartSet.size > 0;
  let timedOut = false;
  if (G > 1 && movable.length > 1 && anyRepair) {
    const tries = options.tries;
    let steps = 0;
    for (let pass = 0; pass < options.maxPasses && !timedOut; pass++) {
      let improved = 0;
      for (let step = 0; step < movable.length; step++) {
        if ((++steps & 1023) === 0 && performance.now() > options.deadline) {
          timedOut = true;
          break;
        }
        const i = movable[randomInt(random, movable.length)] as number;
        const langs = options_[i] as number[];
        let best = 0;
        let partner = -1;
        let sideways = -1;
        for (let t = 0; t < tries; t++) {
          const l = langs.length === 1 ? (langs[0] as number) : (langs[randomInt(random, langs.length)] as number);
          const j = byLanguage[l]![randomInt(random, languageFill[l] as number)] as number;
          if (!canTrade(i, j)) continue;
          const d = delta(i, j);
          if (d > best) {
            best = d;
            partner = j;
          } else if (d === 0 && sideways < 0) sideways = j;
        }
        if (partner >= 0) {
          swap(i, partner);
          improved++;
        } else if (sideways >= 0 && options.sideways) {
          // A trade that changes nothing lets the search drift across a plateau to where a
          // real improvement is in reach; it never makes the objective worse.
          swap(i, sideways);
        }
      }
      // Converged enough: the last passes of a long search each fix a handful of same-value pairs.
      if (improved <= options.settleBelow * movable.length) break;
    }
  }

  return { objective: evaluate(p, layout, scales), timedOut };
}

/** The objective of a layout from scratch, in the same scales as the search's deltas. */
export function evaluate(p: Problem, layout: Layout, scales: { distinct: number; repeat: number; apart: number }): number {
  const { n } = p;
  const A = p.attributes.length;
  const G = layout.capacity.length;
  const members: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < n; i++) members[layout.groupOf[i] as number]!.push(i);
  let value = 0;
  const apartSet = new Set<number>();
  p.apart.forEach((list, i) => list.forEach((j) => apartSet.add(pairKey(n, i, j))));
  for (const group of members) {
    for (let a = 0; a < A; a++) {
      const tally = new Map<number, number>();
      for (const i of group) {
        const v = p.values[i * A + a] as number;
        tally.set(v, (tally.get(v) ?? 0) + 1);
      }
      let pairs = 0;
      for (const k of tally.values()) pairs += (k * (k - 1)) / 2;
      value += (p.weights[a] as number) * (scales.distinct * tally.size - pairs);
    }
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        const key = pairKey(n, group[x] as number, group[y] as number);
        if (p.met.has(key)) value -= scales.repeat;
        if (apartSet.has(key)) value -= scales.apart;
      }
    }
  }
  return value;
}
