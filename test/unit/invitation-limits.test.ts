import { describe, expect, it } from 'vitest';
import { InvitationLimits, defaultLiveLimits } from '../../server/src/access/invitation-limits';
import { ManualClock } from '../support/manual-clock';

describe('invitation limits', () => {
  it("hold everyone in a session to the session's budget, refilled on the clock", () => {
    const clock = new ManualClock();
    const limits = new InvitationLimits<string>(clock, { ...defaultLiveLimits, session: { perSecond: 10, burst: 10 } });
    const people = Array.from({ length: 5 }, (_, i) => `p${i}`);
    for (const p of people) expect(limits.connected('s1', p, `${p}-tab`)).toBe(true);
    const budgets = new Map(people.map((p) => [p, limits.connectionBudget()]));
    const allowed = (p: string) => limits.allow('s1', p, budgets.get(p)!);
    // Each person has 20 of their own, but together they have the session's 10.
    const results = Array.from({ length: 20 }, (_, i) => allowed(people[i % 5]!));
    expect(results.filter(Boolean)).toHaveLength(10);
    // Another session is not held back.
    expect(limits.connected('s2', 'p0', 'other')).toBe(true);
    expect(limits.allow('s2', 'p0', limits.connectionBudget())).toBe(true);
    clock.advance(500);
    expect(people.map(allowed).filter(Boolean)).toHaveLength(5);
  });

  it('count connections per invitation, and give the moderator link a larger share', () => {
    const limits = new InvitationLimits<number>(new ManualClock());
    for (let tab = 0; tab < 3; tab++) expect(limits.connected('s1', 'p1', tab)).toBe(true);
    expect(limits.mayConnect('s1', 'p1')).toBe(false);
    expect(limits.connected('s1', 'p1', 3)).toBe(false);
    expect(limits.mayConnect('s1', 'p2')).toBe(true);
    for (let tab = 0; tab < 10; tab++) expect(limits.connected('s1', '@moderator', 100 + tab)).toBe(true);
    expect(limits.mayConnect('s1', '@moderator')).toBe(false);
    limits.disconnected('s1', 'p1', 0);
    expect(limits.connected('s1', 'p1', 4)).toBe(true);
    // A connection that is gone sends nothing more.
    limits.disconnected('s1', 'p1', 4);
    expect(limits.allow('s1', 'p9', limits.connectionBudget())).toBe(false);
  });
});
