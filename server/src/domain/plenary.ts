import type { FloorGiveCommand, HandCommand, HandLowerCommand, HandsClearCommand } from '../../../shared/commands';
import { conflict, notFound } from './errors';
import { authorize, can, type Actor } from './roles';
import { inBreakout, shownName, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** Raising a hand asks the moderator for the floor in plenary; the queue keeps the order of asking. */
export function raiseHand(state: SessionState, actor: Actor, command: HandCommand, ctx: Context): Transition {
  authorize(actor, 'hand.raise');
  const id = actor.memberId!;
  if (state.status === 'ended') throw conflict('The session has ended.');
  if (command.raised && inBreakout(state)) throw conflict('Hands are raised in plenary; in your group, just speak up.');
  if (command.raised && floorHolder(state) === id) throw conflict('You have the floor already.');
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

/** The moderator starts the queue afresh: every raised hand comes down. */
export function lowerAllHands(state: SessionState, actor: Actor, _command: HandsClearCommand, ctx: Context): Transition {
  authorize(actor, 'hand.lower');
  if (state.hands.length === 0) throw conflict('No hand is raised.');
  return change(state, ctx, actor, 'hands.clear', (d) => {
    d.hands = [];
    return { lowered: state.hands };
  });
}

/**
 * Who holds the plenary floor now: the one person, besides the step's named speakers, who may
 * speak to everyone. Null in a breakout, after the session and whenever nobody was given it.
 * Media grants are derived from this, so it is the only reading of the floor.
 */
export function floorHolder(state: SessionState): string | null {
  if (state.status === 'ended' || inBreakout(state)) return null;
  const holder = state.floor ?? null;
  // Someone taken off the roster since has no floor to speak from.
  return holder !== null && state.roster[holder] ? holder : null;
}

/**
 * The moderator gives the floor to someone (their hand, if raised, leaves the queue) or takes it
 * back (null). The person holding it may also hand it back themselves.
 */
export function giveFloor(state: SessionState, actor: Actor, command: FloorGiveCommand, ctx: Context): Transition {
  const holder = floorHolder(state);
  const yielding = command.memberId === null && actor.memberId !== null && actor.memberId === holder;
  if (!yielding) authorize(actor, 'floor.give');
  if (state.status === 'ended') throw conflict('The session has ended.');
  if (inBreakout(state)) throw conflict('Groups are meeting; the floor is given in plenary.');
  if (command.memberId === null) {
    if (holder === null) throw conflict('Nobody has the floor.');
    return change(state, ctx, actor, 'floor.take', (d) => {
      d.floor = null;
      return { from: holder };
    });
  }
  const member = state.roster[command.memberId];
  if (!member || !can(member.role, 'hand.raise')) throw notFound(`${command.memberId} is not a participant of this session.`);
  if (holder === member.id) throw conflict(`${shownName(member)} has the floor already.`);
  return change(state, ctx, actor, 'floor.give', (d) => {
    d.floor = member.id;
    d.hands = d.hands.filter((h) => h !== member.id);
    return { memberId: member.id, from: holder, handRaised: state.hands.includes(member.id) };
  });
}
