import { describe, expect, it } from 'vitest';
import { admit, admitFresh, claimsFor, linkExpiresAt, subjectOf } from '../../../server/src/domain/admission';
import { DomainError } from '../../../server/src/domain/errors';
import { moderatorLinkId, revokeInvite, revokeInvites } from '../../../server/src/domain/roster';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { ctx, forum, moderator, organizer, participant, session, t0 } from './fixtures';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
  }
  return 'admitted';
};

describe('who a link speaks for', () => {
  it('admits a member with the roster\'s current role and name, and the moderator link', () => {
    const s = session(forum);
    expect(admit(s, claimsFor(s, 'p3')!)).toEqual({ role: 'participant', memberId: 'p3', name: 'Person 3' });
    const renamed = { ...s, roster: { ...s.roster, p3: { ...s.roster.p3!, role: 'observer' as const, displayName: 'Awa' } } };
    expect(admit(renamed, claimsFor(s, 'p3')!)).toEqual({ role: 'observer', memberId: 'p3', name: 'Awa' });
    expect(admit(s, claimsFor(s, moderatorLinkId)!)).toMatchObject({ role: 'moderator', memberId: null });
  });

  it('refuses revoked links, links of another session and people no longer on the roster', () => {
    const s = session(forum);
    const old = claimsFor(s, 'p3')!;
    const revoked = revokeInvite(s, organizer, 'p3', { now: t0 }).state;
    expect(refusal(() => admit(revoked, old))).toBe('UNAUTHORIZED: This invitation has been revoked.');
    expect(admit(revoked, claimsFor(revoked, 'p3')!).memberId).toBe('p3');
    const oldModerator = claimsFor(s, moderatorLinkId)!;
    const modRevoked = revokeInvite(s, organizer, moderatorLinkId, { now: t0 }).state;
    expect(refusal(() => admit(modRevoked, oldModerator))).toBe('UNAUTHORIZED: This moderator link has been revoked.');
    expect(refusal(() => admit(s, { ...old, sid: 'elsewhere' }))).toBe('UNAUTHORIZED: This link is for another session.');
    expect(refusal(() => admit(s, { ...old, sub: 'p99' }))).toBe('UNAUTHORIZED: This invitation is no longer on the roster.');
  });

  it('knows which link someone acting holds', () => {
    expect(subjectOf(participant('p2'))).toBe('p2');
    expect(subjectOf(moderator)).toBe(moderatorLinkId);
    expect(subjectOf(organizer)).toBeNull();
    expect(claimsFor(session(forum), 'nobody')).toBeNull();
  });

  it('ends every link some time after the session ended, or at its own expiry if sooner', () => {
    const policy = { afterEndMs: 1000 };
    const s = session(forum);
    const claims = claimsFor(s, 'p3')!;
    expect(linkExpiresAt(s, claims, policy)).toBeNull();
    expect(linkExpiresAt(s, { ...claims, exp: t0 + 50 }, policy)).toBe(t0 + 50);
    const ended = driveAgenda(s, organizer, { type: 'end' }, ctx(t0 + 10)).state;
    expect(ended.endedAt).toBe(t0 + 10);
    expect(linkExpiresAt(ended, claims, policy)).toBe(t0 + 1010);
    expect(linkExpiresAt(ended, { ...claims, exp: t0 + 50 }, policy)).toBe(t0 + 50);
    expect(admitFresh(ended, claims, t0 + 1009, policy).memberId).toBe('p3');
    expect(refusal(() => admitFresh(ended, claims, t0 + 1010, policy))).toMatch(/^LINK_EXPIRED: /);
    expect(refusal(() => admitFresh(ended, claimsFor(s, moderatorLinkId)!, t0 + 1010, policy))).toMatch(/^LINK_EXPIRED: /);
  });

  it('revokes in bulk: everyone at a table, or everyone with the moderator link', () => {
    const s = session(forum);
    const tableIds = Object.values(s.roster).filter((m) => ['participant', 'facilitator', 'notetaker'].includes(m.role)).map((m) => m.id);
    const others = Object.values(s.roster).filter((m) => !tableIds.includes(m.id)).map((m) => m.id);
    const atTables = revokeInvites(s, organizer, 'participants', { now: t0 });
    for (const id of tableIds) expect(refusal(() => admit(atTables.state, claimsFor(s, id)!))).toBe('UNAUTHORIZED: This invitation has been revoked.');
    for (const id of others) expect(admit(atTables.state, claimsFor(s, id)!).memberId).toBe(id);
    expect(atTables.audit[0]!.detail).toEqual({ all: 'participants', count: tableIds.length });
    const all = revokeInvites(s, organizer, 'everyone', { now: t0 }).state;
    expect(refusal(() => admit(all, claimsFor(s, moderatorLinkId)!))).toBe('UNAUTHORIZED: This moderator link has been revoked.');
    expect(refusal(() => revokeInvites(s, moderator, 'everyone', { now: t0 }))).toMatch(/^NOT_ALLOWED/);
  });
});
