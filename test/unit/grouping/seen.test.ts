import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRosterCsv } from '../../../server/src/domain/roster';
import { diverseAssigner } from '../../../server/src/grouping/diverse';
import type { Assignment, GroupingMember, GroupingRequest } from '../../../server/src/grouping/types';
import { expectValidAssignment, roleCounts } from './check';

/** What running real events showed, each reproduced on the roster it happened with. */

const person = (id: string, languages: string[], role: GroupingMember['role'] = 'participant'): GroupingMember => ({
  id,
  languages,
  role,
  attributes: { gender: Number(id.at(-1)) % 2 === 1 ? 'f' : 'm' },
});

/** 14 present in an en/fr session: two Spanish-only people, three en|fr, five fr, four en. */
const fourteen = (englishFacilitator: string[] = ['en']): GroupingMember[] => [
  person('es1', ['es']),
  person('es2', ['es']),
  person('bi1', ['en', 'fr']),
  person('bi2', ['en', 'fr'], 'facilitator'),
  person('bi3', ['en', 'fr'], 'notetaker'),
  person('fr1', ['fr']),
  person('fr2', ['fr']),
  person('fr3', ['fr']),
  person('fr4', ['fr'], 'notetaker'),
  person('fr5', ['fr']),
  person('en1', englishFacilitator, 'facilitator'),
  person('en2', ['en'], 'facilitator'),
  person('en3', ['en'], 'notetaker'),
  person('en4', ['en']),
];

const assign = (members: GroupingMember[], extra: Partial<GroupingRequest> = {}): Assignment => {
  const request: GroupingRequest = { members, groupSize: 5, seed: 1, groupLanguages: ['en', 'fr'], ...extra };
  const result = diverseAssigner.assign(request);
  expectValidAssignment(request, result);
  return result;
};

const sizes = (a: Assignment) => a.groups.map((g) => g.members.length).sort();
const groupOf = (a: Assignment, id: string) => a.groups.find((g) => g.members.includes(id));

/** Groups lacking a facilitator or a note taker beyond the groups that outnumber them (the bench scorer's measure). */
function roleShortfall(a: Assignment, members: GroupingMember[]): number {
  const G = a.groups.length;
  let short = 0;
  for (const role of ['facilitator', 'notetaker'] as const) {
    const without = roleCounts(a, members, role).filter((k) => k === 0).length;
    short += Math.max(0, without - Math.max(0, G - members.filter((m) => m.role === role).length));
  }
  return short;
}

describe('what a real event showed', () => {
  it('14 present in an en/fr session: no group of two, every group with a facilitator and a note taker', () => {
    const members = fourteen();
    const result = assign(members);
    expect(sizes(result)).not.toEqual([2, 4, 4, 4]);
    expect(Math.min(...sizes(result))).toBeGreaterThanOrEqual(3);
    expect(roleCounts(result, members, 'facilitator')).toEqual(result.groups.map(() => 1));
    expect(roleCounts(result, members, 'notetaker')).toEqual(result.groups.map(() => 1));
  });

  it('the two Spanish-only people get no group of their own, and the assignment says where they sit and why', () => {
    const result = assign(fourteen());
    expect(result.groups.some((g) => g.language === 'es')).toBe(false);
    expect(result.notices).toEqual([
      { kind: 'noSharedLanguage', memberId: 'es1' },
      { kind: 'noSharedLanguage', memberId: 'es2' },
    ]);
    // They can at least talk to each other.
    expect(groupOf(result, 'es1')).toBe(groupOf(result, 'es2'));
  });

  it('an English-and-Spanish facilitator goes where Spanish is needed', () => {
    const result = assign(fourteen(['en', 'es']));
    const group = groupOf(result, 'en1');
    expect(group?.members).toEqual(expect.arrayContaining(['es1', 'es2']));
    expect(result.notices).toContainEqual({ kind: 'interpreter', memberId: 'es1', interpreterId: 'en1', language: 'es' });
    expect(roleCounts(result, fourteen(), 'facilitator')).toEqual(result.groups.map(() => 1));
  });

  it('three reshuffles with new seeds give three other assignments of the same quality', () => {
    const members = fourteen(['en', 'es']);
    let previous = assign(members, { seed: 1 });
    for (const seed of [2, 3, 4]) {
      const next = assign(members, { seed, differentFrom: previous.groups.map((g) => g.members) });
      const key = (a: Assignment) => a.groups.map((g) => [...g.members].sort().join(',')).sort().join(' | ');
      expect(key(next)).not.toBe(key(previous));
      expect([next.score, next.sameValuePairs, roleShortfall(next, members), sizes(next)]).toEqual([previous.score, previous.sameValuePairs, roleShortfall(previous, members), sizes(previous)]);
      previous = next;
    }
  });

  it('a small room reshuffled three times: each reshuffle shows other groups of the same diversity and roles', () => {
    // A roster on which every seed used to find the same groups.
    const rows = [['p0', 'facilitator', 'c1', 'g0'], ['p1', 'facilitator', 'c0', 'g1'], ['p2', 'notetaker', 'c2', 'g0'], ['p3', 'notetaker', 'c1', 'g0'], ['p4', 'participant', 'c0', 'g1'], ['p5', 'participant', 'c1', 'g1'], ['p6', 'participant', 'c2', 'g0']] as const;
    const members: GroupingMember[] = rows.map(([id, role, country, gender]) => ({ id, role, languages: ['en'], attributes: { country, gender } }));
    let previous = assign(members, { groupSize: 4, seed: 1 });
    for (const seed of [2, 3, 4]) {
      const next = assign(members, { groupSize: 4, seed, differentFrom: previous.groups.map((g) => g.members) });
      const key = (a: Assignment) => a.groups.map((g) => [...g.members].sort().join(',')).sort().join(' | ');
      expect(key(next)).not.toBe(key(previous));
      expect([next.score, roleShortfall(next, members), sizes(next)]).toEqual([previous.score, roleShortfall(previous, members), sizes(previous)]);
      previous = next;
    }
  });

  it('11 present: a lone Spanish-only person is not put in the French group silently', () => {
    const members = fourteen().filter((m) => !['es2', 'fr5', 'en4'].includes(m.id));
    const result = assign(members);
    expect(result.notices).toEqual([{ kind: 'noSharedLanguage', memberId: 'es1' }]);
    // With someone present who speaks Spanish and English, that is where they sit.
    const withInterpreter = members.map((m) => (m.id === 'bi1' ? { ...m, languages: ['en', 'fr', 'es'] } : m));
    const seated = assign(withInterpreter);
    expect(groupOf(seated, 'es1')).toBe(groupOf(seated, 'bi1'));
    expect(seated.notices).toEqual([{ kind: 'interpreter', memberId: 'es1', interpreterId: 'bi1', language: 'es' }]);
  });

  it('1,234 people with rare values: no group lacks a facilitator or note taker another assignment could give it', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/roster-1234-rare.csv');
    const parsed = parseRosterCsv(readFileSync(file, 'utf8'));
    if (!parsed.ok) throw new Error('fixture roster is invalid');
    const members: GroupingMember[] = parsed.entries.flatMap((e) =>
      e.role === 'participant' || e.role === 'facilitator' || e.role === 'notetaker' ? [{ id: e.id, languages: e.languages, role: e.role, attributes: e.attributes }] : [],
    );
    const result = diverseAssigner.assign({ members, groupSize: 5, seed: 11 });
    expect(roleShortfall(result, members)).toBe(0);
  });
});
