import type { Layout } from './construct';
import type { Problem } from './problem';
import { groupsOf, scoreGroups } from './score';
import type { Assignment, GroupingNotice } from './types';

/** Turns a finished layout into the recorded assignment: labels g1, g2, …, scores and audit fields. */
export function toAssignment(p: Problem, layout: Layout, meta: { algorithm: string; version: string; seed: number; notices: GroupingNotice[]; timedOut?: boolean }): Assignment {
  const groups = groupsOf(layout);
  const scores = scoreGroups(p, groups);
  const small: GroupingNotice[] = groups.flatMap((members, g) => (members.length < p.min ? [{ kind: 'smallGroup' as const, groupId: `g${g + 1}`, size: members.length, minimum: p.min }] : []));
  return {
    groups: groups.map((members, g) => ({
      id: `g${g + 1}`,
      members: members.map((i) => p.members[i]!.id),
      language: p.languages[layout.groupLanguage[layout.groupOf[members[0] as number] as number] as number] as string,
      score: scores.perGroup[g] as number,
    })),
    seed: meta.seed,
    algorithm: meta.algorithm,
    version: meta.version,
    score: scores.score,
    upperBound: scores.upperBound,
    sameValuePairs: scores.sameValuePairs,
    repeatedPairs: scores.repeatedPairs,
    notices: [...meta.notices, ...small],
    ...(meta.timedOut ? { timedOut: true } : {}),
  };
}
