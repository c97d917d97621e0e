import type { Seat } from '../../../shared/session';

/**
 * The discussion languages a person is offered: the session's languages that their roster entry
 * lists (a session language nobody at their seat reads is no choice for them), or every session
 * language when the roster lists none of them.
 */
export function discussionLanguages(sessionLanguages: readonly string[], seat: Pick<Seat, 'languages'>): string[] {
  const theirs = sessionLanguages.filter((l) => seat.languages.includes(l));
  return theirs.length > 0 ? theirs : [...sessionLanguages];
}

/**
 * The language chosen at first: the one the person chose before; else the interface's (this
 * device's) when their roster entry lists it too; else the roster's first one.
 */
export function preselectedLanguage(offered: readonly string[], seat: Pick<Seat, 'languages' | 'language'>, interfaceLanguage: string): string {
  if (seat.language && offered.includes(seat.language)) return seat.language;
  if (offered.includes(interfaceLanguage) && seat.languages.includes(interfaceLanguage)) return interfaceLanguage;
  return seat.languages.find((l) => offered.includes(l)) ?? (offered.includes(interfaceLanguage) ? interfaceLanguage : (offered[0] ?? interfaceLanguage));
}
