import { isAssignable, seatLateJoiner } from './breakout';
import type { Actor } from './roles';
import { currentStep, groupOf, inBreakout, memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/**
 * Whether this person takes part: a roster member counts as present, and gets a seat, only once
 * they joined on the join screen (agreed to the terms). Opening an invitation alone takes nothing.
 */
export function hasJoined(state: SessionState, memberId: string): boolean {
  return state.roster[memberId]?.consentedAt !== undefined;
}

/**
 * Someone who has joined connects. A seat already held is kept (a dropped connection does not lose
 * the group); a person arriving during a breakout without a seat is placed in a group. Null when
 * nothing changes, and always for someone who has not joined yet.
 */
export function arrive(state: SessionState, actor: Actor, ctx: Context): Transition | null {
  const member = actor.memberId ? memberOf(state, actor.memberId) : undefined;
  if (!member || !hasJoined(state, member.id) || !isAssignable(member) || !inBreakout(state) || groupOf(state, member.id)) return null;
  const step = currentStep(state);
  if (step?.kind !== 'breakout') return null;
  return change(state, ctx, actor, 'seat.late-joiner', (d) => {
    const group = seatLateJoiner(d, d.roster[member.id]!, step.groupSize);
    return { memberId: member.id, groupId: group.id };
  });
}
