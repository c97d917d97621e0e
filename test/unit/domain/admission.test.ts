import { describe, expect, it } from 'vitest';
import { admit, claimsFor, subjectOf } from '../../../server/src/domain/admission';
import { DomainError } from '../../../server/src/domain/errors';
import { moderatorLinkId, revokeInvite } from '../../../server/src/domain/roster';
import { forum, moderator, organizer, participant, session, t0 } from './fixtures';

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
});
