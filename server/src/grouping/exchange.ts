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
  /** Candidates tried per step in the closing polish, for the few who can still gain. */
  polishTries: number;
  /** Rounds of plateau moves after the search converges (each costs a few passes). */
  kicks: number;
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
 * Objective scales, chosen so that each tier outweighs anything the tiers below can change in two
 * swaps: pairs who must be apart, then pairs who met before, then distinct values, then same-value
 * pairs as the tie-breaker.
 */
export function objectiveScales(p: Problem, maxGroup: number): Scales {
  let total = 0;
  let smallest = Infinity;
  for (const w of p.weights) {
    total += w;
    if (w > 0) smallest = Math.min(smallest, w);
  }
  if (!Number.isFinite(smallest)) smallest = 1;
  const distinct = (8 * (maxGroup + 1) * total) / smallest + 1;
  // Margins for two swaps at once: the closing rotations are judged as a pair of trades.
  const repeat = distinct * (8 * total + 1) + 8 * maxGroup * total + 1;
  const apart = repeat * (8 * maxGroup + 1) + 1;
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
  // In how many groups of each language each value appears:
  // presence[language * valueSlots + presenceOffset[a] + v].
  const presenceOffset = new Int32Array(A);
  let values_ = 0;
  for (let a = 0; a < A; a++) {
    presenceOffset[a] = values_;
    values_ += V[a] as number;
  }
  const valueSlots = values_;
  const presence = new Int32Array(L * valueSlots);
  const roleCount = new Int32Array(G * 3);
  const seats = new Int32Array(G * maxGroup);
  const filled = new Int32Array(G);
  const seatOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf[i] as number;
    for (let a = 0; a < A; a++) {
      const cell = (offset[a] as number) + g * (V[a] as number) + (values[i * A + a] as number);
      if (count[cell] === 0) presence[(groupLanguage[g] as number) * valueSlots + (presenceOffset[a] as number) + (values[i * A + a] as number)]! += 1;
      count[cell]! += 1;
    }
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
  // The same, split by role: a facilitator can mostly trade only with another facilitator, so half
  // of everyone's draws come from their own role.
  const byLanguageRole = Array.from({ length: L * 3 }, () => new Int32Array(0));
  const roleFill = new Int32Array(L * 3);
  const placeInRole = new Int32Array(n);
  {
    const sizes = new Int32Array(L * 3);
    for (let i = 0; i < n; i++) sizes[(groupLanguage[groupOf[i] as number] as number) * 3 + (role[i] as number)]! += 1;
    for (let k = 0; k < L * 3; k++) byLanguageRole[k] = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = (groupLanguage[groupOf[i] as number] as number) * 3 + (role[i] as number);
      const k = roleFill[key] as number;
      byLanguageRole[key]![k] = i;
      placeInRole[i] = k;
      roleFill[key] = k + 1;
    }
  }
  const moveRoleList = (x: number, from: number, to: number) => {
    const list = byLanguageRole[from] as Int32Array;
    const last = (roleFill[from] as number) - 1;
    const at = placeInRole[x] as number;
    const moved = list[last] as number;
    list[at] = moved;
    placeInRole[moved] = at;
    roleFill[from] = last;
    const k = roleFill[to] as number;
    byLanguageRole[to]![k] = x;
    placeInRole[x] = k;
    roleFill[to] = k + 1;
  };
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
  const metWith = adjacency(n, met);
  const apartFrom = adjacency(n, new Set(p.apart.flatMap((list, i) => list.map((j) => pairKey(n, i, j)))));

  /**
   * How many of x's partners (people met before, or to be kept apart) sit in group g, leaving out
   * `skip`. Walks x's short partner list and looks up their groups: no hashing in the hot loop.
   */
  const meetings = (x: number, g: number, skip: number, partners: Adjacency) => {
    let k = 0;
    const end = partners.start[x + 1] as number;
    for (let e = partners.start[x] as number; e < end; e++) {
      const y = partners.people[e] as number;
      if (y !== skip && groupOf[y] === g) k++;
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
      const before = meetings(i, g, i, metWith) + meetings(j, h, j, metWith);
      const after = meetings(i, h, j, metWith) + meetings(j, g, i, metWith);
      d -= scales.repeat * (after - before);
    }
    if (hasApart[i] === true || hasApart[j] === true) {
      const before = meetings(i, g, i, apartFrom) + meetings(j, h, j, apartFrom);
      const after = meetings(i, h, j, apartFrom) + meetings(j, g, i, apartFrom);
      d -= scales.apart * (after - before);
    }
    return d;
  };

  const swap = (i: number, j: number) => {
    const g = groupOf[i] as number;
    const h = groupOf[j] as number;
    const inG = (groupLanguage[g] as number) * valueSlots;
    const inH = (groupLanguage[h] as number) * valueSlots;
    for (let a = 0; a < A; a++) {
      const Va = V[a] as number;
      const base = offset[a] as number;
      const vi = values[i * A + a] as number;
      const vj = values[j * A + a] as number;
      if (vi === vj) continue;
      const present = presenceOffset[a] as number;
      if ((count[base + g * Va + vi]! -= 1) === 0) presence[inG + present + vi]! -= 1;
      if ((count[base + g * Va + vj]! += 1) === 1) presence[inG + present + vj]! += 1;
      if ((count[base + h * Va + vj]! -= 1) === 0) presence[inH + present + vj]! -= 1;
      if ((count[base + h * Va + vi]! += 1) === 1) presence[inH + present + vi]! += 1;
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
      moveRoleList(i, li * 3 + ri, lj * 3 + ri);
      moveRoleList(j, lj * 3 + rj, li * 3 + rj);
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

  /** One step for person i: the best of `tries` trades that raises the objective, else maybe a neutral one. */
  const step = (i: number, tries: number, sideways: boolean): boolean => {
    const langs = options_[i] as number[];
    let best = 0;
    let partner = -1;
    let neutral = -1;
    for (let t = 0; t < tries; t++) {
      const l = langs.length === 1 ? (langs[0] as number) : (langs[randomInt(random, langs.length)] as number);
      const key = l * 3 + (role[i] as number);
      const j =
        (t & 1) === 1 && (roleFill[key] as number) > 0
          ? (byLanguageRole[key]![randomInt(random, roleFill[key] as number)] as number)
          : (byLanguage[l]![randomInt(random, languageFill[l] as number)] as number);
      if (!canTrade(i, j)) continue;
      const d = delta(i, j);
      if (d > best) {
        best = d;
        partner = j;
      } else if (d === 0 && neutral < 0) neutral = j;
    }
    if (partner >= 0) {
      swap(i, partner);
      return true;
    }
    // A trade that changes nothing lets the search drift across a plateau to where a real
    // improvement is in reach; it never makes the objective worse.
    if (neutral >= 0 && sideways) swap(i, neutral);
    return false;
  };

  /**
   * Who could still raise the objective by moving: someone sharing a value with a groupmate while
   * some group lacks that value, or someone sitting with a person they met before or must avoid.
   */
  const improvable = (i: number): boolean => {
    const g = groupOf[i] as number;
    if (useDiversity) {
      for (let a = 0; a < A; a++) {
        const v = values[i * A + a] as number;
        if ((count[(offset[a] as number) + g * (V[a] as number) + v] as number) < 2) continue;
        for (const l of options_[i] as number[]) {
          if ((presence[l * valueSlots + (presenceOffset[a] as number) + v] as number) < (groupsInLanguage[l] as number)) return true;
        }
      }
    }
    if (hasMet[i] === 1 && meetings(i, g, i, metWith) > 0) return true;
    return hasApart[i] === true && meetings(i, g, i, apartFrom) > 0;
  };

  // How many groups each person could sit in: a value present in that many groups cannot spread further.
  const groupsInLanguage = new Int32Array(L);
  for (let g = 0; g < G; g++) groupsInLanguage[groupLanguage[g] as number]! += 1;
  const reachable = Int32Array.from(options_, (langs) => langs.reduce((s, l) => s + (groupsInLanguage[l] as number), 0));

  const groupsOfLanguage = Array.from({ length: L }, () => [] as number[]);
  for (let g = 0; g < G; g++) groupsOfLanguage[groupLanguage[g] as number]!.push(g);
  const polishBudget = 4_000_000;
  /**
   * The best trade for i with anyone in a group they could join. With `floor` below zero it also
   * takes the least bad trade above the floor: set just under one distinct value, that is a move
   * across the plateau of equal diversity, paid for in same-value pairs the next passes win back.
   */
  const bestTradeAnywhere = (i: number, floor: number): boolean => {
    let best = floor;
    let partner = -1;
    for (const l of options_[i] as number[]) {
      for (const h of groupsOfLanguage[l] as number[]) {
        const f = filled[h] as number;
        for (let s = 0; s < f; s++) {
          const j = seats[h * maxGroup + s] as number;
          if (!canTrade(i, j)) continue;
          const d = delta(i, j);
          if (d > best && d !== 0) {
            best = d;
            partner = j;
          }
        }
      }
    }
    if (partner < 0) return false;
    swap(i, partner);
    return best > 0;
  };
  /** True when group h lacks a value that i shares with a groupmate: moving i there can gain. */
  const lacksMyDuplicate = (i: number, g: number, h: number): boolean => {
    for (let a = 0; a < A; a++) {
      const base = offset[a] as number;
      const Va = V[a] as number;
      const v = values[i * A + a] as number;
      if ((count[base + g * Va + v] as number) >= 2 && count[base + h * Va + v] === 0) return true;
    }
    return false;
  };

  /**
   * A three-way rotation when no single trade helps: i moves to a group h lacking one of its
   * duplicated values, someone j from h moves to a third group q, and someone k from q takes i's
   * seat. Found as a trade i↔j followed by the best trade of j; kept only if the two gain together.
   * Returns the evaluations spent, or -1 after a gain.
   */
  const bestRotation = (i: number, budget: number): number => {
    const g = groupOf[i] as number;
    let spent = 0;
    let best = 0;
    let first = -1;
    let second = -1;
    search: for (const l of options_[i] as number[]) {
      for (const h of groupsOfLanguage[l] as number[]) {
        if (h === g || !lacksMyDuplicate(i, g, h)) continue;
        for (let s = 0; s < (filled[h] as number); s++) {
          const j = seats[h * maxGroup + s] as number;
          if (spent > budget) break search;
          if (!canTrade(i, j)) continue;
          const d1 = delta(i, j);
          swap(i, j);
          for (const l2 of options_[j] as number[]) {
            for (const q of groupsOfLanguage[l2] as number[]) {
              if (q === g || q === h) continue;
              for (let r = 0; r < (filled[q] as number); r++) {
                const k = seats[q * maxGroup + r] as number;
                spent++;
                if (!canTrade(j, k)) continue;
                const d = d1 + delta(j, k);
                if (d > best) {
                  best = d;
                  first = j;
                  second = k;
                }
              }
            }
          }
          swap(i, j);
        }
      }
    }
    if (first < 0) return spent;
    swap(i, first);
    swap(first, second);
    return -1;
  };

  /**
   * People who must stay together never trade alone; the whole unit moves instead, each member
   * trading with the best partner left in the target group, kept only if the trades gain together.
   * Without this, a unit dealt into the wrong group could pin an apart pair in place.
   */
  const units = p.units
    .filter((unit) => unit.length > 1)
    .map((unit) => ({ unit, languages: Array.from({ length: L }, (_, l) => l).filter((l) => unit.every((i) => speaks[i * L + l] === 1)) }));
  const tradeUnitInto = (unit: number[], h: number): { gain: number; trades: number[] } => {
    const trades: number[] = [];
    let gain = 0;
    for (const u of unit) {
      let best = -Infinity;
      let partner = -1;
      for (let s = 0; s < (filled[h] as number); s++) {
        const x = seats[h * maxGroup + s] as number;
        if (!canTrade(u, x)) continue;
        const d = delta(u, x);
        if (d > best) {
          best = d;
          partner = x;
        }
      }
      if (partner < 0) return { gain: -Infinity, trades };
      swap(u, partner);
      trades.push(u, partner);
      gain += best;
    }
    return { gain, trades };
  };
  const undo = (trades: number[]) => {
    for (let k = trades.length - 2; k >= 0; k -= 2) swap(trades[k] as number, trades[k + 1] as number);
  };
  const moveUnit = (unit: number[], languages: number[]): boolean => {
    const g = groupOf[unit[0] as number] as number;
    let bestGain = 0;
    let bestGroup = -1;
    for (const l of languages) {
      for (const h of groupsOfLanguage[l] as number[]) {
        if (h === g) continue;
        const { gain, trades } = tradeUnitInto(unit, h);
        undo(trades);
        if (gain > bestGain) {
          bestGain = gain;
          bestGroup = h;
        }
      }
    }
    if (bestGroup < 0) return false;
    tradeUnitInto(unit, bestGroup);
    return true;
  };

  let smallestWeight = Infinity;
  for (const w of weights) if (w > 0) smallestWeight = Math.min(smallestWeight, w);
  const kickPasses = 2;
  const plateauFloor = Number.isFinite(smallestWeight) ? -(K * smallestWeight) / 2 : 0;

  const anyRepair = options.diversity || met.size > 0 || hasApart.includes(true);
  let timedOut = false;
  const outOfTime = () => performance.now() > options.deadline;
  if (G > 1 && movable.length > 1 && anyRepair) {
    let steps = 0;
    for (let pass = 0; pass < options.maxPasses && !timedOut; pass++) {
      let improved = 0;
      for (let k = 0; k < movable.length; k++) {
        if ((++steps & 1023) === 0 && outOfTime()) {
          timedOut = true;
          break;
        }
        if (step(movable[randomInt(random, movable.length)] as number, options.tries, options.sideways)) improved++;
      }
      // Converged enough: the last passes of a long search each fix a handful of same-value pairs.
      if (improved <= options.settleBelow * movable.length) break;
    }
    // Polish: the few who can still gain are tried against everyone they could trade with (past
    // a fixed budget of evaluations, against many random partners). When none of them gains, a
    // round of plateau moves followed by ordinary passes looks for a better arrangement beyond
    // the local optimum; the best arrangement seen is kept.
    const polish = (floor: number): number => {
      let budget = polishBudget;
      let improved = 0;
      for (const i of movable.filter(improvable)) {
        if (!improvable(i)) continue;
        const cost = (reachable[i] as number) * maxGroup;
        if (cost <= budget) {
          budget -= cost;
          if (bestTradeAnywhere(i, floor)) improved++;
          else if (floor === 0 && rotationBudget > 0 && rotated[i] === 0) {
            rotated[i] = 1;
            const spent = bestRotation(i, rotationBudget);
            if (spent < 0) improved++;
            else rotationBudget -= spent;
          }
        } else if (step(i, options.polishTries, false)) improved++;
      }
      if (floor === 0) for (const { unit, languages } of units) if (moveUnit(unit, languages)) improved++;
      return improved;
    };
    // Rotations are costly in big pools; a fixed count of evaluations (not a clock) bounds them.
    // Each person gets one rotation search per run: one that found nothing will mostly find
    // nothing again, and in a big pool it costs as much as a full pass.
    let rotationBudget = Math.min(3_000_000, 300 * n);
    const rotated = new Uint8Array(n);
    for (let pass = 0; pass < 10 && !timedOut && polish(0) > 0; pass++) timedOut = outOfTime();
    if (useDiversity && options.kicks > 0) {
      let bestValue = evaluate(p, layout, scales);
      let bestGroups = Int32Array.from(groupOf);
      for (let kick = 0; kick < options.kicks && !timedOut; kick++) {
        polish(plateauFloor);
        // Ordinary passes win back the pairs the plateau moves cost, and reshuffle enough that
        // the polish below meets new chances.
        for (let pass = 0; pass < kickPasses; pass++) for (let k = 0; k < movable.length; k++) step(movable[randomInt(random, movable.length)] as number, options.tries, false);
        for (let pass = 0; pass < 10 && polish(0) > 0; pass++);
        const value = evaluate(p, layout, scales);
        if (value > bestValue) {
          bestValue = value;
          bestGroups = Int32Array.from(groupOf);
        }
        timedOut = outOfTime();
      }
      groupOf.set(bestGroups);
    }
  }

  return { objective: evaluate(p, layout, scales), timedOut };
}

/** Pairs as per-person partner lists in one flat array (compressed sparse rows). */
interface Adjacency {
  start: Int32Array;
  people: Int32Array;
}

function adjacency(n: number, pairs: Set<number>): Adjacency {
  const degree = new Int32Array(n + 1);
  for (const key of pairs) {
    degree[Math.floor(key / n)]! += 1;
    degree[key % n]! += 1;
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = (start[i] as number) + (degree[i] as number);
  const people = new Int32Array(start[n] as number);
  const next = start.slice(0, n);
  for (const key of pairs) {
    const i = Math.floor(key / n);
    const j = key % n;
    people[next[i]!++] = j;
    people[next[j]!++] = i;
  }
  return { start, people };
}

/** The objective of a layout from scratch, in the same scales as the search's deltas. */
export function evaluate(p: Problem, layout: Layout, scales: Scales): number {
  const { n } = p;
  const G = layout.capacity.length;
  const members: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < n; i++) members[layout.groupOf[i] as number]!.push(i);
  const apartSet = apartPairs(p);
  let value = 0;
  for (const group of members) value += groupObjective(p, group, scales, apartSet);
  return value;
}

export type Scales = { distinct: number; repeat: number; apart: number };

/** Pairs who must not share a group, as pairKey(i, j). */
export function apartPairs(p: Problem): Set<number> {
  const set = new Set<number>();
  p.apart.forEach((list, i) => list.forEach((j) => set.add(pairKey(p.n, i, j))));
  return set;
}

/** One group's part of the objective; without `withPairs`, same-value pairs do not count. */
export function groupObjective(p: Problem, group: number[], scales: Scales, apart: Set<number>, withPairs = true): number {
  const A = p.attributes.length;
  let value = 0;
  for (let a = 0; a < A; a++) {
    const tally = new Map<number, number>();
    for (const i of group) {
      const v = p.values[i * A + a] as number;
      tally.set(v, (tally.get(v) ?? 0) + 1);
    }
    let pairs = 0;
    if (withPairs) for (const k of tally.values()) pairs += (k * (k - 1)) / 2;
    value += (p.weights[a] as number) * (scales.distinct * tally.size - pairs);
  }
  for (let x = 0; x < group.length; x++) {
    for (let y = x + 1; y < group.length; y++) {
      const key = pairKey(p.n, group[x] as number, group[y] as number);
      if (p.met.has(key)) value -= scales.repeat;
      if (apart.has(key)) value -= scales.apart;
    }
  }
  return value;
}
