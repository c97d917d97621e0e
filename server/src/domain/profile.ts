import type { ProfileCommand } from '../../../shared/commands';
import { badInput, conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/**
 * The join screen: the name to show, the language to use, and consent to the session's terms.
 * Consent is what makes a person take part: only then do they count as present and get a seat.
 */
export function updateProfile(state: SessionState, actor: Actor, command: ProfileCommand, ctx: Context): Transition {
  authorize(actor, 'profile.update');
  const member = actor.memberId ? memberOf(state, actor.memberId) : undefined;
  if (!member) throw notFound('Only people on the roster have a profile.');
  if (!state.languages.includes(command.language) && !member.languages.includes(command.language)) {
    throw badInput(`This session is held in ${state.languages.join(', ')}.`);
  }
  const first = member.consentedAt === undefined;
  if (first && state.status === 'ended') throw conflict('The session has ended.');
  if (first && !command.terms) throw badInput('Say which version of the terms was agreed to.', [{ field: 'terms', problem: 'required when joining' }]);
  return change(state, ctx, actor, first ? 'join' : 'profile.update', (d) => {
    const m = memberOf(d, member.id)!;
    m.displayName = command.displayName;
    m.language = command.language;
    if (!first) return { memberId: member.id, language: command.language };
    m.consentedAt = ctx.now;
    m.consentedTerms = command.terms;
    // The record of consent: who, when, which words, read in which language.
    return { memberId: member.id, language: command.language, consent: { at: ctx.now, terms: command.terms, language: command.language } };
  });
}
