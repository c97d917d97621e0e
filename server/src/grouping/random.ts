import { toAssignment } from './assignment';
import { dealGroups } from './construct';
import { exchange } from './exchange';
import { planLanguagePools } from './pools';
import { createRandom, shuffleInPlace } from './prng';
import { prepare } from './problem';
import type { GroupAssigner, GroupingRequest } from './types';

/**
 * The baseline: random groups within each language pool, sizes within the rule, facilitators and
 * note takers dealt first so each group gets one where there are enough. It still honours the hard
 * constraints (apart pairs, and no repeated pair where a swap avoids it) but does not seek diversity.
 */
export const seededRandomAssigner: GroupAssigner = {
  algorithm: 'seeded-random',
  assign(request: GroupingRequest) {
    const { problem: p, notices } = prepare(request);
    const random = createRandom(request.seed);
    const plan = planLanguagePools(p, random, false);
    const layout = dealGroups(p, plan, (units) => shuffleInPlace([...units], random));
    const deadline = request.timeBudgetMs === undefined ? Infinity : performance.now() + request.timeBudgetMs;
    const { timedOut } = exchange(p, layout, { random, diversity: false, maxPasses: 50, tries: 16, sideways: false, settleBelow: 0, polishTries: 64, kicks: 0, deadline });
    return toAssignment(p, layout, { algorithm: 'seeded-random', version: '1.0.0', seed: request.seed, notices, timedOut });
  },
};
