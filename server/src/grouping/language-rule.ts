import type { GroupingMember, GroupingNotice, GroupingRequest } from './types';

/** The request as the search sees it after the language rule, and what the rule did. */
export interface SeatedByLanguage {
  request: GroupingRequest;
  notices: GroupingNotice[];
}

const staffFirst: Record<GroupingMember['role'], number> = { facilitator: 0, notetaker: 1, participant: 2 };

/**
 * One rule for people who speak none of the languages groups are held in (the session's, less any
 * that too few present people speak to fill a group of `min`), applied in this order:
 * 1. Interpreter: they sit with a present person who speaks one of their languages and a group
 *    language (facilitators first, then note takers, then anyone; at most target − 2 people per
 *    interpreter), in a group held in a language that person speaks.
 * 2. Own language: with no interpreter left, if at least `min` such people share a language,
 *    they form groups in it.
 * 3. Otherwise they may sit in any group; those who share a language sit in the same one (up to
 *    target − 1), so they can at least talk to each other.
 * People who list no language at all may sit in any group, as before; they are not flagged.
 */
export function applyLanguageRule(request: GroupingRequest, min: number): SeatedByLanguage {
  const { members } = request;
  const floor = Math.min(min, members.length);
  const listed = [...new Set(members.flatMap((m) => m.languages))];
  const offered = request.groupLanguages ?? listed;
  const capable = (language: string) => members.filter((m) => m.languages.length === 0 || m.languages.includes(language)).length;
  const held = new Set(offered.filter((l) => capable(l) >= floor));
  // When no offered language can fill a group of the minimum, the most spoken one is held.
  if (held.size === 0 && offered.length > 0) held.add(offered.reduce((best, l) => (capable(l) > capable(best) ? l : best)));

  const strangers = members.filter((m) => m.languages.length > 0 && !m.languages.some((l) => held.has(l)));
  if (strangers.length === 0 && listed.every((l) => held.has(l))) return { request, notices: [] };

  const seatedLanguages = new Map<string, string[]>();
  for (const m of members) seatedLanguages.set(m.id, m.languages.filter((l) => held.has(l)));
  const notices: GroupingNotice[] = [];
  const together: Array<[string, string]> = [...(request.together ?? [])];
  const wardsOf = new Map<string, number>();
  const perInterpreter = Math.max(1, request.groupSize - 2);
  const interpreters = members
    .map((m, order) => ({ m, order }))
    .filter(({ m }) => m.languages.some((l) => held.has(l)))
    .sort((a, b) => staffFirst[a.m.role] - staffFirst[b.m.role] || a.order - b.order)
    .map(({ m }) => m);

  const unplaced: GroupingMember[] = [];
  for (const stranger of strangers) {
    const interpreter = interpreters.find((m) => (wardsOf.get(m.id) ?? 0) < perInterpreter && m.languages.some((l) => stranger.languages.includes(l)));
    if (!interpreter) {
      unplaced.push(stranger);
      continue;
    }
    wardsOf.set(interpreter.id, (wardsOf.get(interpreter.id) ?? 0) + 1);
    seatedLanguages.set(stranger.id, seatedLanguages.get(interpreter.id) as string[]);
    together.push([stranger.id, interpreter.id]);
    notices.push({ kind: 'interpreter', memberId: stranger.id, interpreterId: interpreter.id, language: interpreter.languages.find((l) => stranger.languages.includes(l)) as string });
  }

  const sharing = (language: string) => unplaced.filter((m) => m.languages.includes(language)).length;
  const companions = new Map<string, { first: string; count: number }>();
  for (const stranger of unplaced) {
    const own = stranger.languages.filter((l) => sharing(l) >= floor);
    if (own.length > 0) {
      seatedLanguages.set(stranger.id, own);
      notices.push({ kind: 'ownLanguage', memberId: stranger.id, language: own[0] as string });
    } else {
      // An empty list is "can join any group" to the search.
      seatedLanguages.set(stranger.id, []);
      notices.push({ kind: 'noSharedLanguage', memberId: stranger.id });
      const language = stranger.languages.find((l) => sharing(l) >= 2);
      if (language === undefined) continue;
      const circle = companions.get(language);
      if (!circle) companions.set(language, { first: stranger.id, count: 1 });
      else if (circle.count < request.groupSize - 1) {
        together.push([stranger.id, circle.first]);
        circle.count += 1;
      }
    }
  }

  return {
    request: {
      ...request,
      members: members.map((m) => ({ ...m, languages: seatedLanguages.get(m.id) as string[] })),
      ...(together.length > 0 ? { together } : {}),
    },
    notices,
  };
}
