import { shuffleInPlace, type Random } from './prng';
import { RoleCode, type Problem } from './problem';
import { groupSizes, poolSizes, splitsWell } from './sizes';

/** Which discussion language each member's group is held in, and the group sizes per language. */
export interface LanguagePlan {
  /** Language index per member. */
  poolOf: Int32Array;
  /** Group sizes per language index (empty when no group uses that language). */
  sizes: number[][];
}

/**
 * Splits people into language pools. Only people who speak several languages (or none) have a
 * choice; they are placed so that, in order: every pool splits into groups within target ± 1; every
 * pool has a facilitator and a note taker per group; and, when `diverse`, the pools' diversity
 * bound is highest — someone whose country is common in one pool is worth more in another.
 */
export function planLanguagePools(p: Problem, random: Random, diverse: boolean): LanguagePlan {
  const L = p.languages.length;
  const units = p.units;
  const choices = units.map((unit) => {
    const out: number[] = [];
    for (let l = 0; l < L; l++) if (unit.every((i) => p.speaks[i * L + l] === 1)) out.push(l);
    return out;
  });

  const plain = placeFlexible(p, choices, random, diverse, false);
  const guided = placeFlexible(p, choices, random, diverse, true);
  const { unitPool } = guided.cost < plain.cost ? guided : plain;
  const size = new Array<number>(L).fill(0);
  const poolOf = new Int32Array(p.n);
  units.forEach((unit, u) => {
    size[unitPool[u] as number]! += unit.length;
    for (const i of unit) poolOf[i] = unitPool[u] as number;
  });
  return { poolOf, sizes: poolSizes([...size], p.target) };
}

/**
 * One local search over the flexible people's pools. With `fractional`, role shortfall is also
 * counted against each pool's fractional share of groups, so that a pool with spare facilitators
 * draws people in before it gains a whole group. That guidance can cost diversity for nothing, so
 * it is followed by a round without it, and the caller keeps the better plan by the true cost.
 */
function placeFlexible(p: Problem, choices: number[][], random: Random, diverse: boolean, guided: boolean): { unitPool: Int32Array; cost: number } {
  const L = p.languages.length;
  const A = p.attributes.length;
  const units = p.units;
  let fractional = guided;
  const size = new Int32Array(L);
  const facilitators = new Int32Array(L);
  const notetakers = new Int32Array(L);
  const counts = Array.from({ length: L }, () => p.valueCount.map((v) => new Int32Array(v)));
  // Per pool and attribute, kept up to date on every move: Σ_v min(count_v, groups) and the number
  // of values present, for the group count `spreadGroups[l]` they were computed with.
  const spreadGroups = new Int32Array(L);
  const spread = Array.from({ length: L }, () => new Float64Array(A));
  const distinct = Array.from({ length: L }, () => new Float64Array(A));
  const unitPool = new Int32Array(units.length);
  const move = (u: number, l: number, sign: 1 | -1) => {
    const G = spreadGroups[l] as number;
    for (const i of units[u] as number[]) {
      size[l] = (size[l] as number) + sign;
      if (p.role[i] === RoleCode.Facilitator) facilitators[l] = (facilitators[l] as number) + sign;
      if (p.role[i] === RoleCode.Notetaker) notetakers[l] = (notetakers[l] as number) + sign;
      if (!diverse) continue;
      for (let a = 0; a < A; a++) {
        const c = counts[l]![a]!;
        const v = p.values[i * A + a] as number;
        const before = c[v] as number;
        const after = before + sign;
        c[v] = after;
        spread[l]![a]! += Math.min(after, G) - Math.min(before, G);
        if (before === 0 || after === 0) distinct[l]![a]! += sign;
      }
    }
  };
  const respread = (l: number, G: number) => {
    spreadGroups[l] = G;
    for (let a = 0; a < A; a++) {
      let total = 0;
      for (const k of counts[l]![a]!) total += Math.min(k, G);
      spread[l]![a] = total;
    }
  };

  // Start from the most-spoken language: the big pool is where a flexible person meets the most variety.
  const forced = new Int32Array(L);
  units.forEach((unit, u) => {
    const c = choices[u] as number[];
    if (c.length === 1) forced[c[0] as number] = (forced[c[0] as number] as number) + unit.length;
  });
  units.forEach((_, u) => {
    const c = choices[u] as number[];
    let best = c[0] as number;
    for (const l of c) if ((forced[l] as number) > (forced[best] as number)) best = l;
    unitPool[u] = best;
    move(u, best, 1);
  });

  const totalWeight = p.weights.reduce((s, w) => s + w, 0);
  const roleCost = 2 * (totalWeight * p.n + 1);
  const splitCost = roleCost * (2 * p.n + 1);
  const sizesOf = new Map<number, number[]>();
  const roleShortfall = (groups: number, l: number) =>
    Math.max(0, groups - (facilitators[l] as number)) + Math.max(0, groups - (notetakers[l] as number));
  const cost = (l: number): number => {
    const m = size[l] as number;
    if (m === 0) return 0;
    let groups = sizesOf.get(m);
    if (!groups) sizesOf.set(m, (groups = groupSizes(m, p.target)));
    const shortfall = roleShortfall(groups.length, l) + (fractional ? fractionalPull * roleShortfall(m / p.target, l) : 0);
    let value = splitCost * splitDistance(m, p.target) + roleCost * shortfall;
    if (diverse) {
      if (groups.length !== spreadGroups[l]) respread(l, groups.length);
      const G = groups.length;
      const base = Math.floor(m / G);
      const larger = m % G;
      for (let a = 0; a < A; a++) {
        const d = distinct[l]![a] as number;
        const seats = (G - larger) * Math.min(base, d) + larger * Math.min(base + 1, d);
        value -= (p.weights[a] as number) * Math.min(spread[l]![a] as number, seats);
      }
    }
    return value;
  };

  const flexible = shuffleInPlace(
    units.map((_, u) => u).filter((u) => (choices[u] as number[]).length > 1),
    random,
  );
  // With guidance, a second round without it moves back those who were moved for nothing.
  for (const round of guided ? [true, false] : [false]) {
    fractional = round;
    const current = Array.from({ length: L }, (_, l) => cost(l));
    for (let pass = 0; pass < 20; pass++) {
      let improved = false;
      for (const u of flexible) {
        const from = unitPool[u] as number;
        let bestTo = -1;
        let bestGain = 1e-9;
        let bestCosts: [number, number] = [0, 0];
        move(u, from, -1);
        const fromCost = cost(from);
        for (const to of choices[u] as number[]) {
          if (to === from) continue;
          move(u, to, 1);
          const toCost = cost(to);
          move(u, to, -1);
          const gain = (current[from] as number) + (current[to] as number) - fromCost - toCost;
          if (gain > bestGain) {
            bestGain = gain;
            bestTo = to;
            bestCosts = [fromCost, toCost];
          }
        }
        if (bestTo >= 0) {
          move(u, bestTo, 1);
          unitPool[u] = bestTo;
          current[from] = bestCosts[0];
          current[bestTo] = bestCosts[1];
          improved = true;
        } else {
          move(u, from, 1);
        }
      }
      if (!improved) break;
    }
  }
  fractional = false;
  let total = 0;
  for (let l = 0; l < L; l++) total += cost(l);
  return { unitPool, cost: total };
}

/**
 * How strongly the fractional share of groups pulls in the guided round: tried from 0.1 to 10 on
 * the bench rosters, 3 covered the most groups with a facilitator and a note taker (none left
 * short at N = 10,000) without costing diversity elsewhere.
 */
const fractionalPull = 3;

/** How far a pool's head count is from one that splits well (0 when it does, or when it is empty). */
function splitDistance(count: number, target: number): number {
  for (let d = 0; d <= count; d++) {
    if (splitsWell(count + d, target) || count - d === 0 || splitsWell(count - d, target)) return d;
  }
  return count;
}
