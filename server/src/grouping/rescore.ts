import { buildProblem } from './problem';
import { scoreGroups, type Scores } from './score';
import type { GroupingMember } from './types';

/**
 * Scores groups someone arranged by hand (a moderator's move), with the same measure and bound
 * as the engine's own assignments, so the console's figures stay comparable after edits.
 */
export function rescore(members: GroupingMember[], groups: string[][], groupSize: number, previousRounds: string[][][] = []): Scores {
  const p = buildProblem({ members, groupSize, seed: 0, previousRounds });
  const indexOf = new Map(members.map((m, i) => [m.id, i]));
  return scoreGroups(
    p,
    groups.map((g) => g.flatMap((id) => (indexOf.has(id) ? [indexOf.get(id)!] : []))),
  );
}
