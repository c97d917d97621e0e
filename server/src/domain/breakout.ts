import type { BreakoutStep } from '../../../shared/agenda';
import type { GroupingMember, GroupingRole, PlannedGroup } from '../grouping/types';
import { can } from './roles';
import { seedFrom } from './seed';
import type { Member, SessionState } from './session';
import type { Context } from './transition';

export function isAssignable(member: Member): member is Member & { role: GroupingRole } {
  return can(member.role, 'group.join');
}

function toGroupingMember(member: Member & { role: GroupingRole }, sessionLanguages: string[]): GroupingMember {
  return {
    id: member.id,
    // Someone who named no language can sit in any group that speaks one of the session's.
    languages: member.languages.length > 0 ? member.languages : sessionLanguages,
    role: member.role,
    attributes: member.attributes,
  };
}

/**
 * Forms the groups of a breakout step from the people present. With `groups: keep` the previous
 * breakout's groups stay as they were, so conversations carry on.
 */
export function openBreakout(draft: SessionState, step: BreakoutStep, ctx: Context): Record<string, unknown> {
  if (step.groups === 'keep' && draft.groups.length > 0) return { groups: 'kept', count: draft.groups.length };
  const members = Object.values(draft.roster)
    .filter(isAssignable)
    .filter((m) => ctx.present.has(m.id))
    .map((m) => toGroupingMember(m, draft.languages));
  const seed = seedFrom(`${draft.id}:${draft.stepIndex}:${draft.version}`);
  const assignment = ctx.assigner.assign({
    members,
    groupSize: step.groupSize,
    seed,
    previousRounds: draft.previousRounds,
  });
  draft.groups = assignment.groups;
  draft.assignment = {
    stepIndex: draft.stepIndex,
    seed: assignment.seed,
    algorithm: assignment.algorithm,
    version: assignment.version,
    score: assignment.score,
    upperBound: assignment.upperBound,
  };
  return {
    groups: assignment.groups.map((g) => ({ id: g.id, language: g.language, members: g.members })),
    seed: assignment.seed,
    algorithm: assignment.algorithm,
    algorithmVersion: assignment.version,
    score: assignment.score,
    upperBound: assignment.upperBound,
  };
}

/** When a breakout closes its groups become a past round: later rounds avoid putting pairs together again. */
export function closeBreakout(draft: SessionState): void {
  if (draft.groups.length === 0) return;
  const round = draft.groups.map((g) => [...g.members]);
  const last = draft.previousRounds.at(-1);
  if (last && JSON.stringify(last) === JSON.stringify(round)) return;
  draft.previousRounds.push(round);
}

/**
 * Seats someone who arrives while groups are talking: the smallest group that shares a language
 * and still has room; a new group when none has. Nobody already seated moves.
 */
export function seatLateJoiner(draft: SessionState, member: Member, groupSize: number): PlannedGroup {
  const languages = member.languages.length > 0 ? member.languages : draft.languages;
  const candidates = draft.groups
    .filter((g) => languages.includes(g.language) && g.members.length < groupSize + 1)
    .sort((a, b) => a.members.length - b.members.length || a.id.localeCompare(b.id));
  const chosen = candidates[0];
  if (chosen) {
    chosen.members.push(member.id);
    return chosen;
  }
  const used = new Set(draft.groups.map((g) => g.id));
  let n = draft.groups.length + 1;
  while (used.has(`g${n}`)) n += 1;
  const group: PlannedGroup = { id: `g${n}`, members: [member.id], language: languages[0] ?? 'en', score: 0 };
  draft.groups.push(group);
  return group;
}
