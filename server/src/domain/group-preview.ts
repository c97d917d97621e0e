import type { GroupsLockCommand, GroupsMoveCommand, GroupsPreviewCommand } from '../../../shared/commands';
import { formGroups, isAssignable, newGroup, previewOf, rescoreGroups } from './breakout';
import { badInput, conflict, notFound } from './errors';
import { speaksNoneOf } from './language-warnings';
import { authorize, type Actor } from './roles';
import { inBreakout, memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/**
 * Forms the groups of an upcoming breakout for review. Asking again with another seed reshuffles;
 * a locked preview must be unlocked first, so a reviewed arrangement is not lost by a stray click.
 */
export function previewGroups(state: SessionState, actor: Actor, command: GroupsPreviewCommand, ctx: Context): Transition {
  authorize(actor, 'groups.arrange');
  if (state.status === 'ended') throw conflict('The session has ended.');
  const step = state.agenda[command.step];
  if (!step) throw badInput(`The agenda has steps 0 to ${state.agenda.length - 1}.`);
  if (step.kind !== 'breakout') throw badInput(`Step ${command.step} is not a breakout.`);
  if (command.step === state.stepIndex && inBreakout(state)) throw conflict('These groups are already meeting; move people between rooms instead.');
  if (state.preview?.locked) throw conflict('The groups are locked; unlock them to form new ones.');
  return change(state, ctx, actor, 'groups.preview', (d) => {
    const assignment = formGroups(d, command.step, step, ctx, command.seed);
    d.preview = previewOf(command.step, assignment, step.minGroupSize);
    return { step: command.step, seed: assignment.seed, algorithm: assignment.algorithm, score: assignment.score, upperBound: assignment.upperBound };
  });
}

/** Moves one person to another group of the preview, or between open breakout rooms. */
export function moveMember(state: SessionState, actor: Actor, command: GroupsMoveCommand, ctx: Context): Transition {
  authorize(actor, 'groups.arrange');
  const member = memberOf(state, command.memberId);
  if (!member || !isAssignable(member)) throw notFound(`${command.memberId} is not a participant of this session.`);
  const inPreview = state.preview?.groups.some((g) => g.members.includes(member.id)) ?? false;
  if (inPreview && state.preview!.locked) throw conflict('The groups are locked; unlock them to move people.');
  if (!inPreview && !(inBreakout(state) && state.groups.some((g) => g.members.includes(member.id)))) {
    throw conflict(`${member.name} is in no group to move from.`);
  }
  return change(state, ctx, actor, 'groups.move', (d, events) => {
    const groups = inPreview ? d.preview!.groups : d.groups;
    const from = groups.find((g) => g.members.includes(member.id))!;
    // Someone who speaks none of the session's languages may be moved to any group, as the
    // engine's language rule may have seated them.
    const languages = member.languages.length > 0 && !speaksNoneOf(member, d.languages) ? member.languages : d.languages;
    const to = command.groupId === null ? newGroup(groups, languages[0] ?? from.language) : groups.find((g) => g.id === command.groupId);
    if (!to) throw notFound(`There is no group ${command.groupId}.`);
    if (to === from) throw conflict(`${member.name} is already in ${from.id}.`);
    if (!languages.includes(to.language)) throw conflict(`${member.name} does not speak ${to.language}, the language of ${to.id}.`);
    from.members = from.members.filter((id) => id !== member.id);
    to.members.push(member.id);
    const remaining = groups.filter((g) => g.members.length > 0);
    groups.splice(0, groups.length, ...remaining);
    const stepIndex = inPreview ? d.preview!.stepIndex : d.stepIndex;
    const step = d.agenda[stepIndex];
    const scores = rescoreGroups(d, groups, step?.kind === 'breakout' ? step.groupSize : 5);
    if (inPreview) Object.assign(d.preview!, scores);
    else if (d.assignment) Object.assign(d.assignment, { score: scores.score, upperBound: scores.upperBound });
    if (!inPreview) events.push({ type: 'member.moved', memberId: member.id, from: from.id, to: to.id });
    return { memberId: member.id, from: from.id, to: to.id, where: inPreview ? 'preview' : 'rooms', score: scores.score };
  });
}

export function lockGroups(state: SessionState, actor: Actor, command: GroupsLockCommand, ctx: Context): Transition {
  authorize(actor, 'groups.arrange');
  if (!state.preview) throw conflict('There are no groups to lock; preview them first.');
  if (state.preview.locked === command.locked) throw conflict(`The groups are already ${command.locked ? 'locked' : 'unlocked'}.`);
  return change(state, ctx, actor, command.locked ? 'groups.lock' : 'groups.unlock', (d) => {
    d.preview!.locked = command.locked;
    return { step: d.preview!.stepIndex };
  });
}
