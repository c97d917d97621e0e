import type { HandCommand, HandLowerCommand } from '../../../shared/commands';
import { conflict } from './errors';
import { authorize, type Actor } from './roles';
import { inBreakout, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** Raising a hand asks the moderator for the floor in plenary; the queue keeps the order of asking. */
export function raiseHand(state: SessionState, actor: Actor, command: HandCommand, ctx: Context): Transition {
  authorize(actor, 'hand.raise');
  const id = actor.memberId!;
  if (state.status === 'ended') throw conflict('The session has ended.');
  if (command.raised && inBreakout(state)) throw conflict('Hands are raised in plenary; in your group, just speak up.');
  const raised = state.hands.includes(id);
  if (raised === command.raised) throw conflict(command.raised ? 'Your hand is already raised.' : 'Your hand is not raised.');
  return change(state, ctx, actor, command.raised ? 'hand.raise' : 'hand.lower', (d) => {
    d.hands = command.raised ? [...d.hands, id] : d.hands.filter((h) => h !== id);
    return { memberId: id };
  });
}

export function lowerHand(state: SessionState, actor: Actor, command: HandLowerCommand, ctx: Context): Transition {
  authorize(actor, 'hand.lower');
  if (!state.hands.includes(command.memberId)) throw conflict('That hand is not raised.');
  return change(state, ctx, actor, 'hand.lower', (d) => {
    d.hands = d.hands.filter((h) => h !== command.memberId);
    return { memberId: command.memberId };
  });
}
