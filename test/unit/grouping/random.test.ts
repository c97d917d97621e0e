import { describe, expect, it } from 'vitest';
import { seededRandomAssigner } from '../../../server/src/grouping/random';
import type { GroupingMember } from '../../../server/src/grouping/types';

const people = (n: number): GroupingMember[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    languages: i % 3 === 0 ? ['en', 'fr'] : ['en'],
    role: i % 5 === 0 ? 'facilitator' : i % 5 === 1 ? 'notetaker' : 'participant',
    attributes: { country: `c${i % 7}` },
  }));

describe('seededRandomAssigner', () => {
  it('places everyone once in groups of 4 to 6 that share a language', () => {
    const result = seededRandomAssigner.assign({ members: people(53), groupSize: 5, seed: 3 });
    const ids = result.groups.flatMap((g) => g.members).sort();
    expect(ids).toEqual(people(53).map((m) => m.id).sort());
    for (const g of result.groups) {
      expect(g.members.length).toBeGreaterThanOrEqual(4);
      expect(g.members.length).toBeLessThanOrEqual(6);
    }
    expect(result.algorithm).toBe('seeded-random');
  });

  it('gives the same groups for the same seed', () => {
    const a = seededRandomAssigner.assign({ members: people(40), groupSize: 5, seed: 9 });
    const b = seededRandomAssigner.assign({ members: people(40), groupSize: 5, seed: 9 });
    expect(a).toEqual(b);
  });
});
