import { describe, expect, it } from 'vitest';
import { placeLateJoiner } from '../../../server/src/grouping/late-joiner';
import type { GroupingMember, PlannedGroup } from '../../../server/src/grouping/types';

const member = (id: string, country: string, extra: Partial<GroupingMember> = {}): GroupingMember => ({
  id,
  languages: ['en'],
  role: 'participant',
  attributes: { country },
  ...extra,
});

const people = [
  member('a', 'FR'),
  member('b', 'DE'),
  member('c', 'KE', { role: 'facilitator' }),
  member('d', 'FR'),
  member('e', 'BR'),
  member('f', 'SN', { languages: ['fr'] }),
  member('g', 'CI', { languages: ['fr'] }),
];
const byId = new Map(people.map((m) => [m.id, m]));
const groups: PlannedGroup[] = [
  { id: 'g1', members: ['a', 'b', 'c'], language: 'en', score: 3 },
  { id: 'g2', members: ['d', 'e'], language: 'en', score: 2 },
  { id: 'g3', members: ['f', 'g'], language: 'fr', score: 2 },
];

describe('placeLateJoiner', () => {
  it('chooses the group sharing a language where the newcomer adds most diversity', () => {
    const newcomer = member('n', 'DE');
    byId.set('n', newcomer);
    expect(placeLateJoiner(groups, newcomer, byId, 5)).toBe('g2');
  });

  it('sends a facilitator to a group that has none', () => {
    const newcomer = member('n2', 'JP', { role: 'facilitator' });
    byId.set('n2', newcomer);
    expect(placeLateJoiner(groups, newcomer, byId, 5)).toBe('g2');
  });

  it('respects the language, and returns null when no group shares one', () => {
    const french = member('n3', 'XX', { languages: ['fr'] });
    expect(placeLateJoiner(groups, french, byId, 5)).toBe('g3');
    expect(placeLateJoiner(groups, member('n4', 'XX', { languages: ['de'] }), byId, 5)).toBeNull();
  });

  it('still returns the best group when every group is full', () => {
    const full: PlannedGroup[] = [{ id: 'g1', members: ['a', 'b', 'c', 'd', 'e', 'x'], language: 'en', score: 4 }];
    expect(placeLateJoiner(full, member('n5', 'PE'), byId, 5)).toBe('g1');
  });

  it('seats someone who can join any group where someone speaks their own language', () => {
    const interpreter = member('h', 'ES', { languages: ['en', 'es'] });
    const withInterpreter = new Map([...byId, ['h', interpreter]]);
    const rooms = groups.map((g) => (g.id === 'g2' ? { ...g, members: [...g.members, 'h'] } : g));
    const stranger = member('z', 'MX', { languages: ['en', 'fr'] });
    withInterpreter.set('z', stranger);
    expect(placeLateJoiner(rooms, stranger, withInterpreter, 5, {}, ['es'])).toBe('g2');
  });
});
