import fc from 'fast-check';
import type { GroupingMember } from '../../../server/src/grouping/types';

/** Random rosters: a few languages (some people speak two), roles, and attribute columns of any name. */
export function roster(options: { minSize?: number; maxSize: number; monolingual?: boolean }): fc.Arbitrary<GroupingMember[]> {
  const columns = fc.uniqueArray(fc.constantFrom('country', 'gender', 'age', 'sector', 'x-1', 'Région'), { maxLength: 4 });
  return columns.chain((names) =>
    fc
      .array(
        fc.record({
          languages: options.monolingual
            ? fc.constant(['en'])
            : fc.oneof(
                { weight: 6, arbitrary: fc.constant(['en']) },
                { weight: 2, arbitrary: fc.constant(['fr']) },
                { weight: 2, arbitrary: fc.constantFrom(['en', 'fr'], ['fr', 'ar'], ['en', 'es']) },
                { weight: 1, arbitrary: fc.constant([]) },
              ),
          role: fc.constantFrom('participant', 'participant', 'participant', 'facilitator', 'notetaker'),
          values: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: names.length, maxLength: names.length }),
        }),
        { minLength: options.minSize ?? 1, maxLength: options.maxSize },
      )
      .map((rows) =>
        rows.map(
          (row, i): GroupingMember => ({
            id: `p${i}`,
            languages: [...row.languages],
            role: row.role as GroupingMember['role'],
            attributes: Object.fromEntries(names.map((name, a) => [name, `v${row.values[a]}`])),
          }),
        ),
      )
      // Someone alone with a language cannot be grouped; the engine rejects that (tested elsewhere).
      .filter((members) => everyoneHasACompanion(members)),
  );
}

function everyoneHasACompanion(members: GroupingMember[]): boolean {
  if (members.length <= 1 || members.some((m) => m.languages.length === 0)) return true;
  return members.every((m) => m.languages.some((l) => members.filter((o) => o.languages.includes(l)).length >= 2));
}
