import type { RosterEntry, RosterProblem } from '../../../shared/roster';

/** True when someone listed languages and none of them is one the session is held in. */
export function speaksNoneOf(entry: Pick<RosterEntry, 'languages'>, sessionLanguages: readonly string[]): boolean {
  return entry.languages.length > 0 && !entry.languages.some((l) => sessionLanguages.includes(l));
}

/**
 * Warnings for an imported roster, one per person who speaks none of the session's languages: the
 * import goes ahead (they may still take part with an interpreter), but the organizer sees the
 * line and what the grouping will do with them.
 */
export function languageWarnings(entries: RosterEntry[], sessionLanguages: readonly string[], lineOf: (id: string) => number | undefined): RosterProblem[] {
  return entries.flatMap((entry, index) =>
    speaksNoneOf(entry, sessionLanguages)
      ? [
          {
            line: lineOf(entry.id) ?? index + 2,
            field: 'language',
            problem:
              `${entry.id} speaks ${entry.languages.join(', ')}, none of the session's languages (${sessionLanguages.join(', ')}): ` +
              'breakouts seat them with someone present who speaks their language too, or else in any group, and the group preview says which',
          },
        ]
      : [],
  );
}
