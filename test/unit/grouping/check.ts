import { expect } from 'vitest';
import type { Assignment, GroupingMember, GroupingRequest } from '../../../server/src/grouping/types';

/** Asserts the hard rules every assignment must keep, whatever the method. */
export function expectValidAssignment(request: GroupingRequest, result: Assignment): void {
  const byId = new Map(request.members.map((m) => [m.id, m]));
  const placed = result.groups.flatMap((g) => g.members);
  expect([...placed].sort()).toEqual(request.members.map((m) => m.id).sort());

  for (const group of result.groups) {
    const people = group.members.map((id) => byId.get(id) as GroupingMember);
    for (const m of people) expect(m.languages.length === 0 || m.languages.includes(group.language)).toBe(true);
  }

  const where = new Map(result.groups.flatMap((g) => g.members.map((id) => [id, g.id] as const)));
  for (const [a, b] of request.together ?? []) expect(where.get(a)).toBe(where.get(b));
  for (const [a, b] of request.apart ?? []) expect(where.get(a)).not.toBe(where.get(b));

  // Sizes within one language differ by at most one, and reach 1–2 only when the pool is that small.
  const byLanguage = new Map<string, number[]>();
  for (const g of result.groups) byLanguage.set(g.language, [...(byLanguage.get(g.language) ?? []), g.members.length]);
  for (const sizes of byLanguage.values()) {
    if ((request.together ?? []).length === 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const pool = sizes.reduce((s, x) => s + x, 0);
    if (pool >= 3) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
  }
  expect(result.score).toBeLessThanOrEqual(result.upperBound + 1e-9);
}

export function roleCounts(result: Assignment, members: GroupingMember[], role: GroupingMember['role']): number[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  return result.groups.map((g) => g.members.filter((id) => byId.get(id)?.role === role).length);
}
