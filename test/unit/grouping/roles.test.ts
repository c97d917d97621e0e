import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diverseAssigner } from '../../../server/src/grouping/diverse';
import { seededRandomAssigner } from '../../../server/src/grouping/random';
import { groupSizes } from '../../../server/src/grouping/sizes';
import type { Assignment, GroupAssigner, GroupingMember } from '../../../server/src/grouping/types';
import { expectValidAssignment } from './check';

const min = 3;

/** Small rosters in two languages where every language can fill a group of the minimum. */
const smallRoster = fc
  .array(
    fc.record({
      languages: fc.constantFrom(['en'], ['fr'], ['en', 'fr'], ['en', 'fr'], []),
      role: fc.constantFrom('participant', 'participant', 'facilitator', 'notetaker'),
      value: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 3, maxLength: 11 },
  )
  .map((rows) => rows.map((r, i): GroupingMember => ({ id: `p${i}`, languages: [...r.languages], role: r.role as GroupingMember['role'], attributes: { country: `c${r.value}` } })))
  .filter((members) => ['en', 'fr'].every((l) => !members.some((m) => m.languages.includes(l)) || members.filter((m) => m.languages.length === 0 || m.languages.includes(l)).length >= min));

interface Quality {
  /** Groups under the minimum, then groups beyond target ± 1: what makes an assignment valid. */
  validity: [number, number];
  /** Groups lacking a facilitator or note taker beyond the groups that outnumber them. */
  shortfall: number;
}

function qualityOf(sizesByPool: number[][], staffByPool: Array<[number, number]>, target: number, totals: [number, number]): Quality {
  const all = sizesByPool.flat();
  const G = all.length;
  const short = sizesByPool.reduce((s, sizes, l) => s + Math.max(0, sizes.length - staffByPool[l]![0]) + Math.max(0, sizes.length - staffByPool[l]![1]), 0);
  return {
    validity: [all.filter((s) => s < min).length, all.filter((s) => Math.abs(s - target) > 1).length],
    shortfall: short - Math.max(0, G - totals[0]) - Math.max(0, G - totals[1]),
  };
}

/** Every choice of language pool for every person who has one: the best validity, and the fewest role gaps with it. */
function bruteForce(members: GroupingMember[], target: number): Quality {
  const languages = ['en', 'fr'];
  const totals: [number, number] = [members.filter((m) => m.role === 'facilitator').length, members.filter((m) => m.role === 'notetaker').length];
  const options = members.map((m) => languages.map((_, l) => l).filter((l) => m.languages.length === 0 || m.languages.includes(languages[l] as string)));
  let best: Quality | null = null;
  const pool = new Array<number>(members.length).fill(0);
  const visit = (k: number) => {
    if (k === members.length) {
      const counts = languages.map((_, l) => pool.filter((x) => x === l).length);
      const staff = languages.map((_, l): [number, number] => [
        members.filter((m, i) => pool[i] === l && m.role === 'facilitator').length,
        members.filter((m, i) => pool[i] === l && m.role === 'notetaker').length,
      ]);
      const q = qualityOf(counts.map((c) => groupSizes(c, target, min)), staff, target, totals);
      if (!best || lexLess([...q.validity, q.shortfall], [...best.validity, best.shortfall])) best = q;
      return;
    }
    for (const l of options[k] as number[]) {
      pool[k] = l;
      visit(k + 1);
    }
  };
  visit(0);
  return best as unknown as Quality;
}

function measured(result: Assignment, members: GroupingMember[], target: number): Quality {
  const byId = new Map(members.map((m) => [m.id, m]));
  const all = result.groups;
  const G = all.length;
  const totals = [members.filter((m) => m.role === 'facilitator').length, members.filter((m) => m.role === 'notetaker').length];
  const lacking = (role: GroupingMember['role']) => all.filter((g) => !g.members.some((id) => byId.get(id)?.role === role)).length;
  return {
    validity: [all.filter((g) => g.members.length < min).length, all.filter((g) => Math.abs(g.members.length - target) > 1).length],
    shortfall: Math.max(0, lacking('facilitator') - Math.max(0, G - (totals[0] as number))) + Math.max(0, lacking('notetaker') - Math.max(0, G - (totals[1] as number))),
  };
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

describe.each<[string, GroupAssigner]>([
  ['diverseAssigner', diverseAssigner],
  ['seededRandomAssigner', seededRandomAssigner],
])('%s staffs every group it can', (_, assigner) => {
  it('is never short of a facilitator or note taker where a valid assignment without the gap exists (exhaustive check)', () => {
    fc.assert(
      fc.property(smallRoster, fc.integer({ min: 3, max: 5 }), fc.integer(), (members, target, seed) => {
        const request = { members, groupSize: target, seed, groupLanguages: ['en', 'fr'] };
        const result = assigner.assign(request);
        expectValidAssignment(request, result);
        expect(measured(result, members, target)).toEqual(bruteForce(members, target));
      }),
      { numRuns: 100 },
    );
  });
});
