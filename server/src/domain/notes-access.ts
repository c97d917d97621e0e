import type { NotesScrollCommand, NotesTokenRequest } from '../../../shared/notes';
import type { PlannedGroup } from '../grouping/types';
import { badInput, conflict, notAllowed, notFound } from './errors';
import { rapporteurOf } from './report-back';
import { authorize, can, type Actor } from './roles';
import { groupOf, inBreakout, type SessionState } from './session';

/** What one person may do with one group's notes of one breakout step. */
export type NotesAccess = 'write' | 'read' | 'none';

/**
 * The breakout step that `state.groups` belong to: the current breakout, or else the last breakout
 * step before the current step. Null before any breakout.
 */
export function breakoutOfGroups(state: SessionState): number | null {
  if (state.groups.length === 0) return null;
  for (let i = Math.min(state.stepIndex, state.agenda.length - 1); i >= 0; i--) {
    if (state.agenda[i]?.kind === 'breakout') return i;
  }
  return null;
}

/** The report-back of a breakout lasts until the session moves past the step that follows it, or ends. */
export function inReportBack(state: SessionState, stepIndex: number): boolean {
  return state.status !== 'ended' && state.status !== 'lobby' && state.stepIndex === stepIndex + 1;
}

/**
 * The one rule of who may write and who may read a group's notes, and when:
 * - while its breakout runs (or is paused), the group's members write; moderators, organizers and
 *   observers read; nobody else opens it;
 * - once the breakout is over, the group's rapporteur still writes until the report-back ends;
 *   the other members and the staff read;
 * - while the group presents in plenary, every member of the session reads it.
 * Notes of an earlier breakout (whose groups are no longer in the state) are for the staff only.
 */
export function notesAccess(state: SessionState, actor: Actor, stepIndex: number, groupId: string): NotesAccess {
  if (state.agenda[stepIndex]?.kind !== 'breakout' || state.status === 'lobby' || stepIndex > state.stepIndex) return 'none';
  const staff = can(actor.role, 'notes.readAll');
  const group = groupAt(state, stepIndex, groupId);
  if (!group) return staff ? 'read' : 'none';
  const isMember = actor.memberId !== null && group.members.includes(actor.memberId);
  const writer = isMember && can(actor.role, 'notes.write');
  if (inBreakout(state) && state.stepIndex === stepIndex) {
    if (writer) return 'write';
    return staff ? 'read' : 'none';
  }
  if (writer && inReportBack(state, stepIndex) && rapporteurOf(state, group)?.id === actor.memberId) return 'write';
  if (staff || isMember) return 'read';
  if (state.reportBack.presenting === group.id && can(actor.role, 'notes.read')) return 'read';
  return 'none';
}

/**
 * Which notes a `notes:token` request means: by default the caller's own group of the current or
 * last breakout, or else the group presenting now. Refuses what the caller may not open.
 */
export function notesTarget(
  state: SessionState,
  actor: Actor,
  request: NotesTokenRequest,
): { stepIndex: number; groupId: string; access: 'write' | 'read' } {
  const groupsStep = breakoutOfGroups(state);
  const stepIndex = request.stepIndex ?? groupsStep;
  if (stepIndex === null) throw conflict('There are no notes yet: no breakout has started.');
  if (state.agenda[stepIndex]?.kind !== 'breakout') throw notFound(`Step ${stepIndex} is not a breakout; it has no notes.`);
  let groupId = request.groupId;
  if (groupId === undefined && stepIndex === groupsStep) {
    groupId = (actor.memberId ? groupOf(state, actor.memberId)?.id : undefined) ?? state.reportBack.presenting ?? undefined;
  }
  if (groupId === undefined) throw badInput('Name the group whose notes to open.');
  if (stepIndex === groupsStep && !groupAt(state, stepIndex, groupId)) throw notFound(`There is no group ${groupId}.`);
  const access = notesAccess(state, actor, stepIndex, groupId);
  if (access === 'none') throw notAllowed(`You may not open the notes of ${groupId} now.`);
  return { stepIndex, groupId, access };
}

/** The presenting group's rapporteur brings everyone to a heading of the notes on screen. */
export function scrollNotes(
  state: SessionState,
  actor: Actor,
  command: NotesScrollCommand,
): { stepIndex: number; groupId: string; heading: string } {
  authorize(actor, 'notes.present');
  const groupId = state.reportBack.presenting;
  const stepIndex = breakoutOfGroups(state);
  if (state.status === 'ended' || inBreakout(state) || groupId === null || stepIndex === null) {
    throw conflict('No group is presenting its notes now.');
  }
  const group = groupAt(state, stepIndex, groupId);
  if (!group || rapporteurOf(state, group)?.id !== actor.memberId) {
    throw notAllowed(`Only the rapporteur of ${groupId} may move everyone through its notes.`);
  }
  return { stepIndex, groupId, heading: command.heading };
}

function groupAt(state: SessionState, stepIndex: number, groupId: string): PlannedGroup | undefined {
  return breakoutOfGroups(state) === stepIndex ? state.groups.find((g) => g.id === groupId) : undefined;
}
