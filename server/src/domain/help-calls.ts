import type { HelpCallCommand, HelpCancelCommand, HelpUpdateCommand } from '../../../shared/commands';
import type { OwnHelpCall } from '../../../shared/session';
import { conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { groupOf, inBreakout, type HelpCall, type SessionState } from './session';
import { change, nextId, type Context, type Transition } from './transition';

/** Closed calls kept for the record; older ones remain in the audit log. */
const keptCalls = 200;

/** A call nobody needs to act on any more. */
export function isClosed(call: Pick<HelpCall, 'status'>): boolean {
  return call.status === 'resolved' || call.status === 'cancelled';
}

/** The caller's own latest call, as they see it; null when they never called. */
export function ownHelpCall(state: SessionState, memberId: string): OwnHelpCall | null {
  const call = state.helpCalls.findLast((c) => c.fromId === memberId);
  return call ? { id: call.id, message: call.message, status: call.status, createdAt: call.createdAt, handledBy: call.handledBy } : null;
}

export function callForHelp(state: SessionState, actor: Actor, command: HelpCallCommand, ctx: Context): Transition {
  authorize(actor, 'help.call');
  if (state.status === 'ended') throw conflict('The session has ended.');
  const open = state.helpCalls.find((c) => c.fromId === actor.memberId && !isClosed(c));
  if (open) {
    throw conflict(
      open.status === 'acknowledged'
        ? `Your call for help is already answered: ${open.handledBy ?? 'a moderator'} is on the way.`
        : 'Your call for help is already with the moderators; cancel it to send another.',
    );
  }
  return change(state, ctx, actor, 'help.call', (d, events) => {
    const id = nextId(d, 'h');
    const groupId = actor.memberId && inBreakout(d) ? (groupOf(d, actor.memberId)?.id ?? null) : null;
    d.helpCalls.push({
      id,
      fromId: actor.memberId,
      fromName: actor.name,
      fromRole: actor.role,
      groupId,
      message: command.message,
      status: 'open',
      createdAt: ctx.now,
      handledBy: null,
    });
    const closed = d.helpCalls.filter(isClosed);
    if (closed.length > keptCalls) {
      const drop = new Set(closed.slice(0, closed.length - keptCalls));
      d.helpCalls = d.helpCalls.filter((c) => !drop.has(c));
    }
    events.push({ type: 'help.changed', id, fromId: actor.memberId });
    return { id, groupId, message: command.message };
  });
}

export function handleHelpCall(state: SessionState, actor: Actor, command: HelpUpdateCommand, ctx: Context): Transition {
  authorize(actor, 'help.handle');
  const call = state.helpCalls.find((c) => c.id === command.id);
  if (!call) throw notFound(`There is no help call ${command.id}.`);
  if (call.status === 'cancelled') throw conflict('The caller has cancelled this help call.');
  if (call.status === 'resolved') throw conflict('This help call is already resolved.');
  if (command.action === 'acknowledge' && call.status !== 'open') throw conflict('This help call is already acknowledged.');
  return change(state, ctx, actor, `help.${command.action}`, (d, events) => {
    const target = d.helpCalls.find((c) => c.id === command.id)!;
    target.status = command.action === 'acknowledge' ? 'acknowledged' : 'resolved';
    target.handledBy = actor.name;
    events.push({ type: 'help.changed', id: command.id, fromId: target.fromId });
    return { id: command.id };
  });
}

/** The caller takes their call back; only their own, and only while it is still open or on its way. */
export function cancelHelpCall(state: SessionState, actor: Actor, command: HelpCancelCommand, ctx: Context): Transition {
  authorize(actor, 'help.call');
  const call = state.helpCalls.find((c) => c.id === command.id && c.fromId === actor.memberId);
  if (!call) throw notFound(`You have no help call ${command.id}.`);
  if (isClosed(call)) throw conflict(`This help call is already ${call.status}.`);
  return change(state, ctx, actor, 'help.cancel', (d, events) => {
    d.helpCalls.find((c) => c.id === command.id)!.status = 'cancelled';
    events.push({ type: 'help.changed', id: command.id, fromId: actor.memberId });
    return { id: command.id };
  });
}
