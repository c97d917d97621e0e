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
  const A = p.attributes.length;
  const units = p.units;
  const choices = units.map((unit) => {
    const out: number[] = [];
    for (let l = 0; l < L; l++) if (unit.every((i) => p.speaks[i * L + l] === 1)) out.push(l);
    return out;
  });

  const size = new Int32Array(L);
  const facilitators = new Int32Array(L);
  const notetakers = new Int32Array(L);
  const counts = Array.from({ length: L }, () => p.valueCount.map((v) => new Int32Array(v)));
  const unitPool = new Int32Array(units.length);
  const move = (u: number, l: number, sign: 1 | -1) => {
    for (const i of units[u] as number[]) {
      size[l] = (size[l] as number) + sign;
      if (p.role[i] === RoleCode.Facilitator) facilitators[l] = (facilitators[l] as number) + sign;
      if (p.role[i] === RoleCode.Notetaker) notetakers[l] = (notetakers[l] as number) + sign;
      if (diverse) for (let a = 0; a < A; a++) counts[l]![a]![p.values[i * A + a] as number]! += sign;
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
  const cost = (l: number): number => {
    const m = size[l] as number;
    if (m === 0) return 0;
    const groups = groupSizes(m, p.target);
    const G = groups.length;
    const shortfall = Math.max(0, G - (facilitators[l] as number)) + Math.max(0, G - (notetakers[l] as number));
    let value = splitCost * splitDistance(m, p.target) + roleCost * shortfall;
    if (diverse) value -= diversityBound(counts[l] as Int32Array[], groups, p.weights);
    return value;
  };

  const flexible = shuffleInPlace(
    units.map((_, u) => u).filter((u) => (choices[u] as number[]).length > 1),
    random,
  );
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

  const poolOf = new Int32Array(p.n);
  units.forEach((unit, u) => {
    for (const i of unit) poolOf[i] = unitPool[u] as number;
  });
  return { poolOf, sizes: poolSizes([...size], p.target) };
}

/** How far a pool's head count is from one that splits well (0 when it does, or when it is empty). */
function splitDistance(count: number, target: number): number {
  for (let d = 0; d <= count; d++) {
    if (splitsWell(count + d, target) || count - d === 0 || splitsWell(count - d, target)) return d;
  }
  return count;
}

/**
 * The most distinct values a pool's groups could hold, per attribute the smaller of: each value
 * appearing in at most as many groups as it has people, and each group holding at most as many
 * values as it has seats or the pool has values.
 */
export function diversityBound(counts: Int32Array[], groups: number[], weights: Float64Array): number {
  const G = groups.length;
  let total = 0;
  counts.forEach((c, a) => {
    let spread = 0;
    let distinct = 0;
    for (let v = 0; v < c.length; v++) {
      const k = c[v] as number;
      if (k > 0) distinct++;
      spread += Math.min(k, G);
    }
    let seats = 0;
    for (const s of groups) seats += Math.min(s, distinct);
    total += (weights[a] as number) * Math.min(spread, seats);
  });
  return total;
}
