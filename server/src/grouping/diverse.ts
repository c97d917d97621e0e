import { toAssignment } from './assignment';
import { dealGroups, type Layout } from './construct';
import { EqualQuality } from './equal-quality';
import { exchange, objectiveScales } from './exchange';
import { planLanguagePools } from './pools';
import { createRandom, shuffleInPlace, type Random } from './prng';
import { prepare, type Problem } from './problem';
import type { GroupAssigner, GroupingRequest } from './types';

export const diverseAlgorithm = 'diverse-exchange';
export const diverseVersion = '1.0.0';

/**
 * Swap evaluations the search may spend, whatever N: it keeps the run deterministic (a count of
 * steps, not a clock, decides when to stop) and small rosters get several restarts from it.
 */
const workBudget = 3_000_000;
const tries = 16;
const maxPasses = 40;
const kickWork = 300_000;

/**
 * Maximally diverse groups by anticlustering (Papenberg & Klau 2021, the exchange method):
 * language pools first, a sorted round-robin deal, then pairwise swaps that raise distinct values
 * per group, across pools too where both people speak both languages. Restarts from other seeds
 * while the work budget lasts; the best result wins.
 */
export const diverseAssigner: GroupAssigner = {
  algorithm: diverseAlgorithm,
  assign(request: GroupingRequest) {
    const started = performance.now();
    const deadline = request.timeBudgetMs === undefined ? Infinity : started + request.timeBudgetMs;
    const { problem: p, notices } = prepare(request);
    const plan = planLanguagePools(p, createRandom(request.seed), true);
    const restarts = Math.max(1, Math.min(32, Math.floor(workBudget / (Math.max(1, p.n) * tries * maxPasses))));
    // Plateau rounds pay off on small and middling rosters; on the largest the plain search
    // already reaches the bound and the time is better saved.
    const kicks = Math.min(3, Math.floor(kickWork / (Math.max(1, p.n) * tries * 2)));
    let best: Layout | null = null;
    let bestObjective = -Infinity;
    let timedOut = false;
    for (let r = 0; r < restarts && !(timedOut && best); r++) {
      const random = createRandom((request.seed + Math.imul(r, 0x9e3779b9)) | 0);
      const layout = dealGroups(p, plan, (units) => spreadOrder(p, units, random));
      const result = exchange(p, layout, { random, diversity: true, maxPasses, tries, sideways: true, settleBelow: 0.002, polishTries: 128, kicks, deadline });
      timedOut ||= result.timedOut;
      if (result.objective > bestObjective) {
        best = layout;
        bestObjective = result.objective;
      }
    }
    const chosen = best as Layout;
    // Where on the plateau of equal quality the groups end is the seed's to decide; a reshuffle
    // also steps off the groups it replaces.
    const plateau = new EqualQuality(p, chosen, objectiveScales(p, Math.max(1, ...chosen.capacity)));
    const wandering = createRandom(request.seed ^ 0x5bd1e995);
    plateau.wander(wandering, Math.min(2_000, 20 * p.n));
    if (request.differentFrom) plateau.leave(indicesOf(p, request.differentFrom), wandering);
    return toAssignment(p, chosen, { algorithm: diverseAlgorithm, version: diverseVersion, seed: request.seed, notices, timedOut });
  },
};

/** Groups of ids as groups of member indices, leaving out people not in this problem. */
function indicesOf(p: Problem, groups: string[][]): number[][] {
  const index = new Map(p.members.map((m, i) => [m.id, i]));
  return groups.map((g) => g.flatMap((id) => (index.has(id) ? [index.get(id) as number] : [])));
}

/**
 * People sorted by their values, most varied attribute first, ties in random order: dealt
 * round-robin, people who share a value land in different groups from the start.
 */
function spreadOrder(p: Problem, units: number[], random: Random): number[] {
  const A = p.attributes.length;
  const byVariety = p.attributes.map((_, a) => a).sort((x, y) => (p.valueCount[y] as number) - (p.valueCount[x] as number));
  const first = (u: number) => (p.units[u] as number[])[0] as number;
  return shuffleInPlace([...units], random).sort((u, w) => {
    const i = first(u);
    const j = first(w);
    for (const a of byVariety) {
      const d = (p.values[i * A + a] as number) - (p.values[j * A + a] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
}
