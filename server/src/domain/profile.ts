import type { ProfileCommand } from '../../../shared/commands';
import { badInput, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** The join screen: the name to show, the language to use, and consent to the session's terms. */
export function updateProfile(state: SessionState, actor: Actor, command: ProfileCommand, ctx: Context): Transition {
  authorize(actor, 'profile.update');
  const member = actor.memberId ? memberOf(state, actor.memberId) : undefined;
  if (!member) throw notFound('Only people on the roster have a profile.');
  if (!state.languages.includes(command.language) && !member.languages.includes(command.language)) {
    throw badInput(`This session is held in ${state.languages.join(', ')}.`);
  }
  return change(state, ctx, actor, 'profile.update', (d) => {
    const m = memberOf(d, member.id)!;
    m.displayName = command.displayName;
    m.language = command.language;
    m.consentedAt ??= ctx.now;
    return { memberId: member.id, language: command.language };
  });
}
