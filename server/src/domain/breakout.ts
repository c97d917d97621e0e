import type { BreakoutStep } from '../../../shared/agenda';
import { placeLateJoiner } from '../grouping/late-joiner';
import { newGroup } from '../grouping/prepared';
import { rescore } from '../grouping/rescore';
import type { Assignment, GroupingMember, GroupingRole, PlannedGroup } from '../grouping/types';
import { can } from './roles';
import { seedFrom } from './seed';
import type { GroupPreview, Member, SessionState } from './session';
import type { Context } from './transition';

export function isAssignable(member: Member): member is Member & { role: GroupingRole } {
  return can(member.role, 'group.join');
}

/** The people to group, with the languages they listed: the engine's language rule does the rest. */
export function groupingMembers(draft: SessionState, ids: Iterable<string>): GroupingMember[] {
  return assignable(draft, ids).map((m) => ({ id: m.id, languages: m.languages, role: m.role, attributes: m.attributes }));
}

function assignable(draft: SessionState, ids: Iterable<string>): Array<Member & { role: GroupingRole }> {
  return [...ids].map((id) => draft.roster[id]).filter((m): m is Member & { role: GroupingRole } => !!m && isAssignable(m));
}

/**
 * The languages in which someone can be seated in a group already formed (a late joiner): theirs
 * when one of them is a session language someone else present speaks, else any group, as the
 * engine's language rule ends for someone nobody can interpret for.
 */
export function seatingMembers(draft: SessionState, ids: Iterable<string>): GroupingMember[] {
  const members = assignable(draft, ids);
  const speakers = new Map<string, number>();
  for (const m of members) for (const l of m.languages) speakers.set(l, (speakers.get(l) ?? 0) + 1);
  const everyLanguage = [...new Set([...draft.languages, ...speakers.keys()])];
  return members.map((m) => ({
    id: m.id,
    languages: m.languages.some((l) => draft.languages.includes(l) && (speakers.get(l) ?? 0) > 1) ? m.languages : everyLanguage,
    role: m.role,
    attributes: m.attributes,
  }));
}

function presentAssignable(draft: SessionState, ctx: Context): string[] {
  return Object.values(draft.roster)
    .filter((m) => isAssignable(m) && ctx.present.has(m.id))
    .map((m) => m.id);
}

/** Runs the assignment engine over the people present. */
export function formGroups(draft: SessionState, stepIndex: number, step: BreakoutStep, ctx: Context, seed?: number): Assignment {
  const members = groupingMembers(draft, presentAssignable(draft, ctx));
  const chosenSeed = seed ?? seedFrom(`${draft.id}:${stepIndex}:${draft.version}`);
  if (members.length === 0) {
    return { groups: [], seed: chosenSeed, algorithm: ctx.assigner.algorithm, version: '', score: 0, upperBound: 0, sameValuePairs: 0, repeatedPairs: [], notices: [] };
  }
  const differentFrom = draft.preview?.stepIndex === stepIndex ? draft.preview.groups.map((g) => g.members) : undefined;
  return ctx.assigner.assign({
    members,
    groupSize: step.groupSize,
    ...(step.minGroupSize !== undefined ? { minGroupSize: step.minGroupSize } : {}),
    groupLanguages: draft.languages,
    seed: chosenSeed,
    previousRounds: draft.previousRounds,
    ...(differentFrom ? { differentFrom } : {}),
  });
}

export function previewOf(stepIndex: number, assignment: Assignment, minGroupSize?: number): GroupPreview {
  return {
    stepIndex,
    locked: false,
    groups: assignment.groups,
    seed: assignment.seed,
    algorithm: assignment.algorithm,
    version: assignment.version,
    score: assignment.score,
    upperBound: assignment.upperBound,
    sameValuePairs: assignment.sameValuePairs,
    repeatedPairs: assignment.repeatedPairs.length,
    notices: assignment.notices,
    ...(minGroupSize !== undefined ? { minGroupSize } : {}),
  };
}

/**
 * Forms the groups of a breakout step as it opens: the reviewed preview when there is one (with
 * newcomers seated and nobody moved), the previous breakout's groups with `groups: keep`, or a
 * fresh assignment of the people present.
 */
export function openBreakout(draft: SessionState, step: BreakoutStep, ctx: Context): Record<string, unknown> {
  const preview = draft.preview?.stepIndex === draft.stepIndex ? draft.preview : null;
  draft.preview = null;
  // The last round's report-back is over once new groups meet; group ids are reused.
  draft.reportBack = { queue: [], presenting: null, presented: [] };
  if (!preview && step.groups === 'keep' && draft.groups.length > 0) return { groups: 'kept', count: draft.groups.length };
  const assignment = preview
    ? { ...preview, repeatedPairs: [] as Array<[string, string]> }
    : formGroups(draft, draft.stepIndex, step, ctx);
  draft.groups = assignment.groups;
  draft.assignment = {
    stepIndex: draft.stepIndex,
    seed: assignment.seed,
    algorithm: assignment.algorithm,
    version: assignment.version,
    score: assignment.score,
    upperBound: assignment.upperBound,
  };
  const latecomers: string[] = [];
  if (preview) {
    for (const id of presentAssignable(draft, ctx)) {
      if (!draft.groups.some((g) => g.members.includes(id))) {
        seatLateJoiner(draft, draft.roster[id]!, step.groupSize);
        latecomers.push(id);
      }
    }
  }
  return {
    from: preview ? 'preview' : 'engine',
    groups: draft.groups.map((g) => ({ id: g.id, language: g.language, members: g.members })),
    seed: assignment.seed,
    algorithm: assignment.algorithm,
    algorithmVersion: assignment.version,
    score: assignment.score,
    upperBound: assignment.upperBound,
    ...(latecomers.length > 0 ? { latecomers } : {}),
  };
}

/** When a breakout closes its groups become a past round, and their rapporteurs queue up to present. */
export function closeBreakout(draft: SessionState): void {
  if (draft.groups.length === 0) return;
  const round = draft.groups.map((g) => [...g.members]);
  const last = draft.previousRounds.at(-1);
  if (!last || JSON.stringify(last) !== JSON.stringify(round)) draft.previousRounds.push(round);
  draft.reportBack = { queue: draft.groups.map((g) => g.id), presenting: null, presented: [] };
}

/**
 * Seats someone who arrives while groups are talking, moving nobody: the engine picks the group
 * sharing a language where they fit best; a new group only when no group speaks their language.
 */
export function seatLateJoiner(draft: SessionState, member: Member, groupSize: number): PlannedGroup {
  const members = new Map(seatingMembers(draft, [...draft.groups.flatMap((g) => g.members), member.id]).map((m) => [m.id, m]));
  const newcomer = members.get(member.id);
  const chosenId = newcomer ? placeLateJoiner(draft.groups, newcomer, members, groupSize, {}, member.languages) : null;
  const languages = member.languages.length > 0 ? member.languages : draft.languages;
  const chosen = draft.groups.find((g) => g.id === chosenId) ?? newGroup(draft.groups, languages[0] ?? draft.languages[0] ?? 'en');
  chosen.members.push(member.id);
  // Seated through another language the whole group shares: the group now talks in that one.
  const speaks = (id: string, language: string) => {
    const m = members.get(id);
    return !m || m.languages.length === 0 || m.languages.includes(language);
  };
  if (!chosen.members.every((id) => speaks(id, chosen.language))) {
    const shared = (newcomer?.languages ?? languages).find((l) => chosen.members.every((id) => speaks(id, l)));
    if (shared) chosen.language = shared;
  }
  return chosen;
}

export { newGroup } from '../grouping/prepared';

/** Scores groups again after a hand-made change; returns the new total. */
export function rescoreGroups(draft: SessionState, groups: PlannedGroup[], groupSize: number): { score: number; upperBound: number; sameValuePairs: number; repeatedPairs: number } {
  const members = groupingMembers(draft, groups.flatMap((g) => g.members));
  const scores = rescore(members, groups.map((g) => g.members), groupSize, draft.previousRounds);
  groups.forEach((g, i) => {
    g.score = scores.perGroup[i] ?? 0;
  });
  return { score: scores.score, upperBound: scores.upperBound, sameValuePairs: scores.sameValuePairs, repeatedPairs: scores.repeatedPairs.length };
}
