import type { HelpCallCommand, HelpUpdateCommand } from '../../../shared/commands';
import { conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { groupOf, inBreakout, type SessionState } from './session';
import { change, nextId, type Context, type Transition } from './transition';

/** Closed calls kept for the record; older ones remain in the audit log. */
const keptCalls = 200;

export function callForHelp(state: SessionState, actor: Actor, command: HelpCallCommand, ctx: Context): Transition {
  authorize(actor, 'help.call');
  if (state.status === 'ended') throw conflict('The session has ended.');
  const open = state.helpCalls.find((c) => c.fromId === actor.memberId && c.status !== 'resolved');
  if (open) throw conflict('Your call for help is already with the moderators.');
  return change(state, ctx, actor, 'help.call', (d) => {
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
    const resolved = d.helpCalls.filter((c) => c.status === 'resolved');
    if (resolved.length > keptCalls) {
      const drop = new Set(resolved.slice(0, resolved.length - keptCalls));
      d.helpCalls = d.helpCalls.filter((c) => !drop.has(c));
    }
    return { id, groupId, message: command.message };
  });
}

export function handleHelpCall(state: SessionState, actor: Actor, command: HelpUpdateCommand, ctx: Context): Transition {
  authorize(actor, 'help.handle');
  const call = state.helpCalls.find((c) => c.id === command.id);
  if (!call) throw notFound(`There is no help call ${command.id}.`);
  if (call.status === 'resolved') throw conflict('This help call is already resolved.');
  if (command.action === 'acknowledge' && call.status !== 'open') throw conflict('This help call is already acknowledged.');
  return change(state, ctx, actor, `help.${command.action}`, (d) => {
    const target = d.helpCalls.find((c) => c.id === command.id)!;
    target.status = command.action === 'acknowledge' ? 'acknowledged' : 'resolved';
    target.handledBy = actor.name;
    return { id: command.id };
  });
}
