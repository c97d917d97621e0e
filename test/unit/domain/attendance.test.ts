import { describe, expect, it } from 'vitest';
import { inviteLinkSubject, missingPeople } from '../../../server/src/domain/attendance';
import { updateProfile } from '../../../server/src/domain/profile';
import { renderView } from '../../../server/src/domain/views';
import { termsVersion } from '../../../shared/session';
import { ctx, forum, moderator, participant, session, t0 } from './fixtures';

describe('attendance', () => {
  it('lists who on the roster is not here: never joined, or joined and gone; staff only', () => {
    let s = session(forum, 4);
    for (const id of ['p1', 'p2']) s = updateProfile(s, participant(id), { displayName: `N${id}`, language: 'en', consent: true, terms: termsVersion }, ctx(t0)).state;
    const present = new Set(['p1']);
    expect(missingPeople(s, present)).toEqual([
      { id: 'p2', name: 'Np2', role: 'notetaker', status: 'away' },
      { id: 'p3', name: 'Person 3', role: 'participant', status: 'not-joined' },
      { id: 'p4', name: 'Person 4', role: 'participant', status: 'not-joined' },
    ]);
    expect(renderView(s, 'staff', present, t0).missing?.map((m) => m.id)).toEqual(['p2', 'p3', 'p4']);
    for (const audience of ['observers', 'plenary'] as const) expect(renderView(s, audience, present, t0)).not.toHaveProperty('missing');
  });

  it('hands a moderator the invitation of anyone on the roster, and nobody else any', () => {
    const s = session(forum, 4);
    expect(inviteLinkSubject(s, moderator, { memberId: 'p3' })).toBe('p3');
    expect(() => inviteLinkSubject(s, participant('p1'), { memberId: 'p3' })).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    expect(() => inviteLinkSubject(s, moderator, { memberId: 'p9' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
