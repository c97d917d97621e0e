import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandomAssigner } from '../../../server/src/grouping/random';
import type { GroupingMember } from '../../../server/src/grouping/types';
import { roster } from './arbitraries';
import { expectValidAssignment, roleCounts } from './check';

const people = (n: number): GroupingMember[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    languages: i % 3 === 0 ? ['en', 'fr'] : ['en'],
    role: i % 5 === 0 ? 'facilitator' : i % 5 === 1 ? 'notetaker' : 'participant',
    attributes: { country: `c${i % 7}` },
  }));

describe('seededRandomAssigner', () => {
  it('keeps the hard rules on random rosters', () => {
    fc.assert(
      fc.property(roster({ maxSize: 120 }), fc.integer({ min: 3, max: 12 }), fc.integer(), (members, groupSize, seed) => {
        const request = { members, groupSize, seed };
        expectValidAssignment(request, seededRandomAssigner.assign(request));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps together pairs together and apart pairs apart', () => {
    fc.assert(
      fc.property(roster({ minSize: 12, maxSize: 60, monolingual: true }), fc.integer(), (members, seed) => {
        const id = (k: number) => (members[k % members.length] as GroupingMember).id;
        const request = { members, groupSize: 5, seed, together: [[id(0), id(1)]] as Array<[string, string]>, apart: [[id(0), id(4)], [id(5), id(6)], [id(1), id(7)]] as Array<[string, string]> };
        expectValidAssignment(request, seededRandomAssigner.assign(request));
      }),
      { numRuns: 40 },
    );
  });

  it('places everyone once in groups of 4 to 6 with a facilitator and a note taker each', () => {
    const members = people(53);
    const result = seededRandomAssigner.assign({ members, groupSize: 5, seed: 3 });
    expect(result.groups.flatMap((g) => g.members).sort()).toEqual(members.map((m) => m.id).sort());
    for (const g of result.groups) expect([4, 5, 6]).toContain(g.members.length);
    expect(Math.min(...roleCounts(result, members, 'facilitator'))).toBe(1);
    expect(Math.min(...roleCounts(result, members, 'notetaker'))).toBe(1);
    expect(result.algorithm).toBe('seeded-random');
  });

  it('gives the same groups for the same seed and others for another seed', () => {
    const a = seededRandomAssigner.assign({ members: people(40), groupSize: 5, seed: 9 });
    const b = seededRandomAssigner.assign({ members: people(40), groupSize: 5, seed: 9 });
    const c = seededRandomAssigner.assign({ members: people(40), groupSize: 5, seed: 10 });
    expect(a).toEqual(b);
    expect(c.groups).not.toEqual(a.groups);
  });

  it('honours apart pairs and avoids pairs from an earlier round', () => {
    const members = people(40);
    const first = seededRandomAssigner.assign({ members, groupSize: 5, seed: 1 });
    const apart: Array<[string, string]> = [['p0', 'p1'], ['p2', 'p3']];
    const second = seededRandomAssigner.assign({ members, groupSize: 5, seed: 2, apart, previousRounds: [first.groups.map((g) => g.members)] });
    expectValidAssignment({ members, groupSize: 5, seed: 2, apart }, second);
    expect(second.repeatedPairs).toEqual([]);
  });
});
