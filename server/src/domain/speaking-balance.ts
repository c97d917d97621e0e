import type { SpeakingReport } from '../../../shared/speaking';
import { conflict, notAllowed } from './errors';
import { authorize, can, type Actor } from './roles';
import { groupOf, inBreakout, type SessionState } from './session';

/** One member's speaking time in one group of one breakout step, as it will be kept for the report. */
export interface SpeakingEntry {
  stepIndex: number;
  groupId: string;
  memberId: string;
  seconds: number;
}

/**
 * A member reports their own speaking time, for the group they sit in now and the breakout running
 * now: nobody can write another person's or another table's figures.
 */
export function acceptSpeakingReport(state: SessionState, actor: Actor, report: SpeakingReport): SpeakingEntry {
  authorize(actor, 'speaking.report');
  if (!inBreakout(state) || report.stepIndex !== state.stepIndex) throw conflict('Speaking time is measured in the breakout that is running now.');
  const group = actor.memberId ? groupOf(state, actor.memberId) : undefined;
  if (!group || group.id !== report.groupId) throw notAllowed('Speaking time is reported only for your own group.');
  return { stepIndex: report.stepIndex, groupId: group.id, memberId: actor.memberId!, seconds: report.seconds };
}

/** Who sees a table's speaking balance: the staff and observers see every table, a facilitator their own. */
export function watchesSpeaking(state: SessionState, actor: Actor, groupId: string): boolean {
  if (can(actor.role, 'session.readAll')) return true;
  if (!can(actor.role, 'speaking.watch') || !actor.memberId || !inBreakout(state)) return false;
  return groupOf(state, actor.memberId)?.id === groupId;
}
