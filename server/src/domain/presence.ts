import { isAssignable, seatLateJoiner } from './breakout';
import type { Actor } from './roles';
import { currentStep, groupOf, inBreakout, memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/**
 * Someone connects. A seat already held is kept (a dropped connection does not lose the group);
 * a person arriving during a breakout without a seat is placed in a group. Null when nothing changes.
 */
export function arrive(state: SessionState, actor: Actor, ctx: Context): Transition | null {
  const member = actor.memberId ? memberOf(state, actor.memberId) : undefined;
  if (!member || !isAssignable(member) || !inBreakout(state) || groupOf(state, member.id)) return null;
  const step = currentStep(state);
  if (step?.kind !== 'breakout') return null;
  return change(state, ctx, actor, 'seat.late-joiner', (d) => {
    const group = seatLateJoiner(d, d.roster[member.id]!, step.groupSize);
    return { memberId: member.id, groupId: group.id };
  });
}
