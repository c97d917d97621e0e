import { expect } from 'vitest';
import type { Assignment, GroupingMember, GroupingRequest } from '../../../server/src/grouping/types';

/** Asserts the hard rules every assignment must keep, whatever the method. */
export function expectValidAssignment(request: GroupingRequest, result: Assignment): void {
  const byId = new Map(request.members.map((m) => [m.id, m]));
  const placed = result.groups.flatMap((g) => g.members);
  expect([...placed].sort()).toEqual(request.members.map((m) => m.id).sort());

  // Everyone speaks their group's language, or a notice says by which rule they sit there.
  const where = new Map(result.groups.flatMap((g) => g.members.map((id) => [id, g.id] as const)));
  for (const group of result.groups) {
    const people = group.members.map((id) => byId.get(id) as GroupingMember);
    for (const m of people) {
      if (m.languages.length === 0 || m.languages.includes(group.language)) continue;
      const notice = result.notices.find((x) => 'memberId' in x && x.memberId === m.id);
      expect(notice?.kind, `${m.id} speaks ${m.languages.join('|')}, sits in a ${group.language} group`).toMatch(/^(interpreter|noSharedLanguage)$/);
      if (notice?.kind === 'interpreter') {
        expect(where.get(notice.interpreterId)).toBe(group.id);
        expect(byId.get(notice.interpreterId)?.languages).toContain(notice.language);
      }
    }
  }

  for (const [a, b] of request.together ?? []) expect(where.get(a)).toBe(where.get(b));
  for (const [a, b] of request.apart ?? []) expect(where.get(a)).not.toBe(where.get(b));

  // Sizes within one language differ by at most one; a notice for any group under the minimum
  // (that none is avoidable is checked against an exhaustive search in roles.test.ts).
  const min = request.minGroupSize ?? Math.min(3, request.groupSize);
  const byLanguage = new Map<string, number[]>();
  for (const g of result.groups) byLanguage.set(g.language, [...(byLanguage.get(g.language) ?? []), g.members.length]);
  for (const sizes of byLanguage.values()) {
    if ((request.together ?? []).length === 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  }
  for (const g of result.groups) {
    if (g.members.length >= min) continue;
    expect(result.notices).toContainEqual({ kind: 'smallGroup', groupId: g.id, size: g.members.length, minimum: min });
  }
  expect(result.score).toBeLessThanOrEqual(result.upperBound + 1e-9);
}

export function roleCounts(result: Assignment, members: GroupingMember[], role: GroupingMember['role']): number[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  return result.groups.map((g) => g.members.filter((id) => byId.get(id)?.role === role).length);
}
