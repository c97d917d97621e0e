import type { ReportPresentCommand, ReportQueueCommand } from '../../../shared/commands';
import type { PlannedGroup } from '../grouping/types';
import { badInput, conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { inBreakout, type Member, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** The group's note taker presents its notes; without one, the facilitator does. */
export function rapporteurOf(state: SessionState, group: PlannedGroup): Member | undefined {
  const members = group.members.map((id) => state.roster[id]).filter((m): m is Member => !!m);
  return members.find((m) => m.role === 'notetaker') ?? members.find((m) => m.role === 'facilitator') ?? members[0];
}

/** The groups that have presented in this report-back, in the order they did. */
export function presentedGroups(state: SessionState): string[] {
  return state.reportBack.presented ?? [];
}

function assertReportBack(state: SessionState): void {
  if (state.status === 'ended') throw conflict('The session has ended.');
  if (inBreakout(state)) throw conflict('Groups are still meeting; the report-back comes after the breakout.');
  if (state.reportBack.queue.length === 0) throw conflict('There is no report-back yet: no breakout has ended.');
}

export function orderReportQueue(state: SessionState, actor: Actor, command: ReportQueueCommand, ctx: Context): Transition {
  authorize(actor, 'report.drive');
  assertReportBack(state);
  const known = new Set(state.groups.map((g) => g.id));
  const unknown = command.groups.filter((g) => !known.has(g));
  if (unknown.length > 0) throw notFound(`There is no group ${unknown.join(', ')}.`);
  if (new Set(command.groups).size !== command.groups.length) throw badInput('A group appears twice in the queue.');
  return change(state, ctx, actor, 'report.queue', (d) => {
    d.reportBack.queue = command.groups;
    return { queue: command.groups };
  });
}

export function presentGroup(state: SessionState, actor: Actor, command: ReportPresentCommand, ctx: Context): Transition {
  authorize(actor, 'report.drive');
  assertReportBack(state);
  if (command.groupId !== null && !state.groups.some((g) => g.id === command.groupId)) throw notFound(`There is no group ${command.groupId}.`);
  if (state.reportBack.presenting === command.groupId) throw conflict(command.groupId ? `${command.groupId} is already presenting.` : 'Nobody is presenting.');
  return change(state, ctx, actor, 'report.present', (d) => {
    const done = state.reportBack.presenting;
    // A group that stood up has presented, whoever comes next; presenting again does not undo it.
    if (done !== null) d.reportBack.presented = [...new Set([...presentedGroups(state), done])];
    d.reportBack.presenting = command.groupId;
    return { groupId: command.groupId, ...(done !== null ? { presented: done } : {}) };
  });
}
