import type { BroadcastCommand } from '../../../shared/commands';
import { conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { inBreakout, type SessionState } from './session';
import { change, nextId, type Context, type Transition } from './transition';

/** A moderator's message to every room, or to one group during a breakout. */
export function sendBroadcast(state: SessionState, actor: Actor, command: BroadcastCommand, ctx: Context): Transition {
  authorize(actor, 'broadcast.send');
  if (state.status === 'ended') throw conflict('The session has ended.');
  const groupId = command.groupId ?? null;
  if (groupId !== null) {
    if (!inBreakout(state)) throw conflict('Groups are not meeting now; broadcast to everyone instead.');
    if (!state.groups.some((g) => g.id === groupId)) throw notFound(`There is no group ${groupId}.`);
  }
  return change(state, ctx, actor, 'broadcast', (d, events) => {
    const id = nextId(d, 'b');
    // A roster moderator's shown name; the moderator link's "Moderator" is no name, and no word of any
    // one language: the client says "from the moderators" in the reader's.
    events.push({ type: 'broadcast', id, text: command.text, from: actor.memberId ? actor.name : null, groupId });
    return { id, groupId, text: command.text };
  });
}
