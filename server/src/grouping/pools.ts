import { randomInt, shuffleInPlace, type Random } from './prng';
import { RoleCode, type Problem } from './problem';
import { exactGroups, groupSizes, poolSizes, splitsWell } from './sizes';

/** Which discussion language each member's group is held in, and the group sizes per language. */
export interface LanguagePlan {
  /** Language index per member. */
  poolOf: Int32Array;
  /** Group sizes per language index (empty when no group uses that language). */
  sizes: number[][];
}

/**
 * Splits people into language pools. Only people who speak several languages (or none) have a
 * choice; they are placed so that, in order of precedence: no group is smaller than the minimum
 * and every pool splits into groups within target ± 1; no group lacks a facilitator or a note
 * taker that another placement could give it (beyond the groups that outnumber them); as many
 * groups as possible have exactly the target size; and, when `diverse`, the pools' diversity bound
 * is highest (someone whose country is common in one pool is worth more in another).
 * A roster with few choices is searched exhaustively, so the order above is exact there.
 */
export function planLanguagePools(p: Problem, random: Random, diverse: boolean): LanguagePlan {
  const L = p.languages.length;
  const units = p.units;
  const choices = units.map((unit) => {
    const out: number[] = [];
    for (let l = 0; l < L; l++) if (unit.every((i) => p.speaks[i * L + l] === 1)) out.push(l);
    return out;
  });

  const search = new PoolSearch(p, choices, diverse);
  const flexible = units.map((_, u) => u).filter((u) => (choices[u] as number[]).length > 1);
  let best: Int32Array;
  if (flexible.reduce((product, u) => product * (choices[u] as number[]).length, 1) <= exhaustiveLimit) {
    best = search.exhaustive(flexible);
  } else {
    const order = () => shuffleInPlace([...flexible], random);
    // The local search ends in whichever optimum its path leads to, so it walks three paths, each
    // ending at the full cost, and keeps the plan cheapest by the full cost (with the sizes the
    // pools will really get) among every stage's result: roles first; the same with the guided
    // stage first, whose fractional pull draws spare facilitators toward pools about to need them;
    // diversity alone first.
    const stage = (roles: boolean, fractional = false) => ({ roles, fractional });
    // Every stage counts diversity; `roles` off is the diversity-first path.
    const paths = [
      [stage(true), stage(true)],
      [stage(true, true), stage(true), stage(true)],
      [stage(false), stage(true)],
    ];
    best = new Int32Array(units.length);
    let bestCost: [number, number] = [Infinity, Infinity];
    for (const path of paths) {
      search.start();
      path.forEach((step) => {
        search.improve(order(), step.roles, step.fractional, random);
        const cost = search.exact();
        if (cheaper(cost, bestCost)) {
          bestCost = cost;
          best = Int32Array.from(search.unitPool);
        }
      });
    }
  }

  const size = new Array<number>(L).fill(0);
  const poolOf = new Int32Array(p.n);
  units.forEach((unit, u) => {
    const l = best[u] as number;
    size[l] = (size[l] as number) + unit.length;
    for (const i of unit) poolOf[i] = l;
  });
  return { poolOf, sizes: poolSizes([...size], p.target, p.min) };
}

/** Costs as [validity, the rest], compared in that order. */
function cheaper(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** Plans tried one by one when the flexible people's choices multiply to no more than this. */
const exhaustiveLimit = 4096;

/** Trade partners drawn per person and language when no single move helps. */
const swapTries = 8;

/**
 * The flexible people's pools under local search: value counts, role counts and the diversity
 * bound per pool are kept up to date on every move, so a move costs O(attributes) to judge.
 */
class PoolSearch {
  readonly unitPool: Int32Array;
  private readonly L: number;
  private readonly A: number;
  private readonly size: Int32Array;
  private readonly facilitators: Int32Array;
  private readonly notetakers: Int32Array;
  private readonly counts: Int32Array[][];
  // Per pool and attribute: Σ_v min(count_v, groups) and the number of values present, for the
  // group count `spreadGroups[l]` they were computed with.
  private readonly spreadGroups: Int32Array;
  private readonly spread: Float64Array[];
  private readonly distinct: Float64Array[];
  /** Flexible units per pool, for drawing trade partners: inPool[l][0 .. inPoolFill[l]). */
  private readonly inPool: Int32Array[];
  private readonly inPoolFill: Int32Array;
  private readonly placeInPool: Int32Array;
  /** One group short of a role outweighs any change in sizes and diversity together. */
  private readonly roleUnit: number;
  /** One group more of the target size outweighs any change in diversity. */
  private readonly sizeUnit: number;
  private readonly validityOf = new Map<number, number>();
  private readonly sizesOf = new Map<number, number>();
  /** Facilitators and note takers in the whole roster. */
  private readonly roleTotals: [number, number];

  constructor(
    private readonly p: Problem,
    private readonly choices: number[][],
    private readonly diverse: boolean,
  ) {
    const L = (this.L = p.languages.length);
    this.A = p.attributes.length;
    this.unitPool = new Int32Array(p.units.length);
    this.size = new Int32Array(L);
    this.facilitators = new Int32Array(L);
    this.notetakers = new Int32Array(L);
    this.counts = Array.from({ length: L }, () => p.valueCount.map((v) => new Int32Array(v)));
    this.spreadGroups = new Int32Array(L);
    this.spread = Array.from({ length: L }, () => new Float64Array(this.A));
    this.distinct = Array.from({ length: L }, () => new Float64Array(this.A));
    this.inPool = Array.from({ length: L }, () => new Int32Array(p.units.length));
    this.inPoolFill = new Int32Array(L);
    this.placeInPool = new Int32Array(p.units.length);
    let facilitators = 0;
    let notetakers = 0;
    for (let i = 0; i < p.n; i++) {
      if (p.role[i] === RoleCode.Facilitator) facilitators++;
      if (p.role[i] === RoleCode.Notetaker) notetakers++;
    }
    this.roleTotals = [facilitators, notetakers];
    const totalWeight = p.weights.reduce((s, w) => s + w, 0);
    this.sizeUnit = 2 * totalWeight * p.n + 1;
    this.roleUnit = this.sizeUnit * (2 * p.n + 1);
  }

  /** Everyone in the most-spoken language they can use: the big pool is where a flexible person meets the most variety. */
  start(): void {
    const { p, L } = this;
    this.size.fill(0);
    this.facilitators.fill(0);
    this.notetakers.fill(0);
    for (const pool of this.counts) for (const c of pool) c.fill(0);
    this.spreadGroups.fill(0);
    for (let l = 0; l < L; l++) {
      this.spread[l]!.fill(0);
      this.distinct[l]!.fill(0);
    }
    this.inPoolFill.fill(0);
    const forced = new Int32Array(L);
    p.units.forEach((unit, u) => {
      const c = this.choices[u] as number[];
      if (c.length === 1) forced[c[0] as number] = (forced[c[0] as number] as number) + unit.length;
    });
    p.units.forEach((_, u) => {
      const c = this.choices[u] as number[];
      let best = c[0] as number;
      for (const l of c) if ((forced[l] as number) > (forced[best] as number)) best = l;
      this.unitPool[u] = best;
      this.move(u, best, 1);
      if (c.length > 1) this.enter(u, best);
    });
  }

  private enter(u: number, l: number): void {
    const k = this.inPoolFill[l] as number;
    this.inPool[l]![k] = u;
    this.placeInPool[u] = k;
    this.inPoolFill[l] = k + 1;
  }

  private leave(u: number, l: number): void {
    const list = this.inPool[l] as Int32Array;
    const last = (this.inPoolFill[l] as number) - 1;
    const at = this.placeInPool[u] as number;
    const moved = list[last] as number;
    list[at] = moved;
    this.placeInPool[moved] = at;
    this.inPoolFill[l] = last;
  }

  private move(u: number, l: number, sign: 1 | -1): void {
    const { p, A } = this;
    const G = this.spreadGroups[l] as number;
    for (const i of p.units[u] as number[]) {
      this.size[l] = (this.size[l] as number) + sign;
      if (p.role[i] === RoleCode.Facilitator) this.facilitators[l] = (this.facilitators[l] as number) + sign;
      if (p.role[i] === RoleCode.Notetaker) this.notetakers[l] = (this.notetakers[l] as number) + sign;
      if (!this.diverse) continue;
      for (let a = 0; a < A; a++) {
        const c = this.counts[l]![a]!;
        const v = p.values[i * A + a] as number;
        const before = c[v] as number;
        const after = before + sign;
        c[v] = after;
        this.spread[l]![a]! += Math.min(after, G) - Math.min(before, G);
        if (before === 0 || after === 0) this.distinct[l]![a]! += sign;
      }
    }
  }

  private respread(l: number, G: number): void {
    this.spreadGroups[l] = G;
    for (let a = 0; a < this.A; a++) {
      let total = 0;
      for (const k of this.counts[l]![a]!) total += Math.min(k, G);
      this.spread[l]![a] = total;
    }
  }

  private groupsOf(m: number): number {
    let groups = this.sizesOf.get(m);
    if (groups === undefined) this.sizesOf.set(m, (groups = groupSizes(m, this.p.target, this.p.min).length));
    return groups;
  }

  /** Groups of pool l as it is now. */
  private groupsIn(l: number): number {
    const m = this.size[l] as number;
    return m === 0 ? 0 : this.groupsOf(m);
  }

  /**
   * True when unit u, now out of pool `from` (which has `groupsFrom` groups with u in it), holds a
   * role that pool `to` has fewer of than groups and `from` has more of than groups.
   */
  private spares(u: number, from: number, groupsFrom: number, to: number): boolean {
    const groupsTo = this.groupsIn(to);
    for (const i of this.p.units[u] as number[]) {
      const r = this.p.role[i];
      const held = r === RoleCode.Facilitator ? this.facilitators : r === RoleCode.Notetaker ? this.notetakers : null;
      if (held && (held[to] as number) < groupsTo && (held[from] as number) + 1 > groupsFrom) return true;
    }
    return false;
  }

  /**
   * Groups no plan could staff, with this many groups in all: fewer facilitators (or note takers)
   * than groups leaves that many short wherever they sit. The pools' shortfall less this is the
   * shortfall the plan chose, the only part it should pay for.
   */
  unavoidable(groups: number): number {
    return Math.max(0, groups - this.roleTotals[0]) + Math.max(0, groups - this.roleTotals[1]);
  }

  private roleShortfall(groups: number, l: number): number {
    return Math.max(0, groups - (this.facilitators[l] as number)) + Math.max(0, groups - (this.notetakers[l] as number));
  }

  /**
   * How badly a pool of m people splits, compared before any other cost: its groups under the
   * minimum, then its groups beyond target ± 1, then how many people it lacks or has too many to
   * split well (which guides single moves toward a good split).
   */
  validity(l: number): number {
    const m = this.size[l] as number;
    let v = this.validityOf.get(m);
    if (v === undefined) {
      const { target, min, n } = this.p;
      const sizes = groupSizes(m, target, min);
      const small = sizes.filter((s) => s < min).length;
      const wide = sizes.filter((s) => Math.abs(s - target) > 1).length;
      v = (small * (n + 1) + wide) * (n + 1) + splitDistance(m, target, min);
      this.validityOf.set(m, v);
    }
    return v;
  }

  /**
   * A pool's cost after its validity, as the local search weighs it: one role unit per group short
   * of a role when `roles` (with `fractional`, also against the pool's fractional share of groups),
   * less its diversity bound. Sizes count only in `exact`, the full cost that picks among the
   * search's stages: as a gradient they cost the big rosters (where every pool splits into exact
   * groups but a few) time for nothing.
   */
  cost(l: number, roles: boolean, fractional: boolean): number {
    const { p, A } = this;
    const m = this.size[l] as number;
    if (m === 0) return 0;
    const G = this.groupsOf(m);
    let value = 0;
    if (roles) value += this.roleUnit * (this.roleShortfall(G, l) + (fractional ? fractionalPull * this.roleShortfall(m / p.target, l) : 0));
    if (this.diverse) {
      if (G !== this.spreadGroups[l]) this.respread(l, G);
      const base = Math.floor(m / G);
      const larger = m % G;
      for (let a = 0; a < A; a++) {
        const d = this.distinct[l]![a] as number;
        const seats = (G - larger) * Math.min(base, d) + larger * Math.min(base + 1, d);
        value -= (p.weights[a] as number) * Math.min(this.spread[l]![a] as number, seats);
      }
    }
    return value;
  }

  /** The plan's full cost, every tier on, with the group sizes the pools will really get: [validity, the rest]. */
  exact(): [number, number] {
    const { p, A } = this;
    const sizes = poolSizes(Array.from(this.size), p.target, p.min);
    let value = 0;
    let valid = 0;
    let groups = 0;
    sizes.forEach((pool, l) => {
      const G = pool.length;
      if (G === 0) return;
      groups += G;
      const m = this.size[l] as number;
      valid += this.validity(l);
      value += this.roleUnit * this.roleShortfall(G, l) + this.sizeUnit * (G - exactGroups(m, G, p.target));
      if (!this.diverse) return;
      for (let a = 0; a < A; a++) {
        let spread = 0;
        for (const k of this.counts[l]![a]!) spread += Math.min(k, G);
        const d = this.distinct[l]![a] as number;
        let seats = 0;
        for (const s of pool) seats += Math.min(s, d);
        value -= (p.weights[a] as number) * Math.min(spread, seats);
      }
    });
    return [valid, value - this.roleUnit * this.unavoidable(groups)];
  }

  /** Every plan of the flexible units, one by one: the cheapest by the full cost. */
  exhaustive(flexible: number[]): Int32Array {
    this.start();
    let best = Int32Array.from(this.unitPool);
    let bestCost = this.exact();
    const visit = (k: number): void => {
      if (k === flexible.length) {
        const cost = this.exact();
        if (cheaper(cost, bestCost)) {
          bestCost = cost;
          best = Int32Array.from(this.unitPool);
        }
        return;
      }
      const u = flexible[k] as number;
      const home = this.unitPool[u] as number;
      for (const l of this.choices[u] as number[]) {
        this.move(u, this.unitPool[u] as number, -1);
        this.move(u, l, 1);
        this.unitPool[u] = l;
        visit(k + 1);
      }
      this.move(u, this.unitPool[u] as number, -1);
      this.move(u, home, 1);
      this.unitPool[u] = home;
    };
    visit(0);
    return best;
  }

  /**
   * Moves flexible units one at a time to the pool where the cost falls most; when no single move
   * helps, trades places with someone from another pool (a few drawn at random), which keeps both
   * pools' sizes and so can fix a role where a lone move would unbalance a split.
   */
  improve(flexible: number[], roles: boolean, fractional: boolean, random: Random): void {
    const { L, choices, unitPool } = this;
    const cost = (l: number) => this.cost(l, roles, fractional);
    const current = Array.from({ length: L }, (_, l) => cost(l));
    const valid = Array.from({ length: L }, (_, l) => this.validity(l));
    let groups = 0;
    for (let l = 0; l < L; l++) groups += this.groupsIn(l);
    // The change in groups no plan could staff, credited back: see `unavoidable`.
    const credit = (from: number, to: number, before: number) => {
      const after = groups - before + this.groupsIn(from) + this.groupsIn(to);
      return roles ? this.roleUnit * (this.unavoidable(after) - this.unavoidable(groups)) : 0;
    };
    for (let pass = 0; pass < 20; pass++) {
      let improved = false;
      for (const u of flexible) {
        const from = unitPool[u] as number;
        let bestTo = -1;
        let partner = -1;
        let bestGain = 1e-9;
        let bestValidGain = 0;
        let bestCosts: [number, number] = [0, 0];
        let bestValid: [number, number] = [0, 0];
        let bestGroups = groups;
        this.move(u, from, -1);
        const fromCost = cost(from);
        const fromValid = this.validity(from);
        this.move(u, from, 1);
        const groupsFrom = this.groupsIn(from);
        this.move(u, from, -1);
        for (const to of choices[u] as number[]) {
          if (to === from) continue;
          const before = this.groupsIn(to) + groupsFrom;
          this.move(u, to, 1);
          const toCost = cost(to);
          const toValid = this.validity(to);
          const gain = (current[from] as number) + (current[to] as number) - fromCost - toCost + credit(from, to, before);
          const validGain = (valid[from] as number) + (valid[to] as number) - fromValid - toValid;
          const after = groups - before + this.groupsIn(from) + this.groupsIn(to);
          this.move(u, to, -1);
          if (validGain > bestValidGain || (validGain === bestValidGain && gain > bestGain)) {
            bestGain = gain;
            bestValidGain = validGain;
            bestTo = to;
            bestCosts = [fromCost, toCost];
            bestValid = [fromValid, toValid];
            bestGroups = after;
          }
        }
        if (bestTo < 0) {
          for (const to of choices[u] as number[]) {
            const fill = this.inPoolFill[to] as number;
            if (to === from || fill === 0) continue;
            const before = this.groupsIn(to) + groupsFrom;
            // Someone who would staff a group that lacks their role, from a pool that can spare
            // them, tries everyone there: the one partner who costs least diversity is rarely drawn.
            const tries = this.spares(u, from, groupsFrom, to) ? fill : swapTries;
            this.move(u, to, 1);
            for (let t = 0; t < tries; t++) {
              const w = this.inPool[to]![tries === fill ? t : randomInt(random, fill)] as number;
              if (!(choices[w] as number[]).includes(from)) continue;
              this.move(w, to, -1);
              this.move(w, from, 1);
              const fromCost2 = cost(from);
              const toCost2 = cost(to);
              const fromValid2 = this.validity(from);
              const toValid2 = this.validity(to);
              const gain = (current[from] as number) + (current[to] as number) - fromCost2 - toCost2 + credit(from, to, before);
              const validGain = (valid[from] as number) + (valid[to] as number) - fromValid2 - toValid2;
              const after = groups - before + this.groupsIn(from) + this.groupsIn(to);
              this.move(w, from, -1);
              this.move(w, to, 1);
              if (validGain > bestValidGain || (validGain === bestValidGain && gain > bestGain)) {
                bestGain = gain;
                bestValidGain = validGain;
                bestTo = to;
                partner = w;
                bestCosts = [fromCost2, toCost2];
                bestValid = [fromValid2, toValid2];
                bestGroups = after;
              }
            }
            this.move(u, to, -1);
          }
        }
        if (bestTo < 0) {
          this.move(u, from, 1);
          continue;
        }
        this.move(u, bestTo, 1);
        this.leave(u, from);
        this.enter(u, bestTo);
        unitPool[u] = bestTo;
        if (partner >= 0) {
          this.move(partner, bestTo, -1);
          this.move(partner, from, 1);
          this.leave(partner, bestTo);
          this.enter(partner, from);
          unitPool[partner] = from;
        }
        current[from] = bestCosts[0];
        current[bestTo] = bestCosts[1];
        valid[from] = bestValid[0];
        valid[bestTo] = bestValid[1];
        groups = bestGroups;
        improved = true;
      }
      if (!improved) break;
    }
  }
}

/**
 * How strongly the fractional share of groups pulls in the guided path: tried from 0.1 to 10 on
 * the bench rosters, 3 covered the most groups with a facilitator and a note taker without
 * costing diversity elsewhere.
 */
const fractionalPull = 3;

/** How far a pool's head count is from one that splits well (0 when it does, or when it is empty). */
function splitDistance(count: number, target: number, min: number): number {
  for (let d = 0; d <= count; d++) {
    if (splitsWell(count + d, target, min) || count - d === 0 || splitsWell(count - d, target, min)) return d;
  }
  return count;
}
