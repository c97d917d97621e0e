import { describe, expect, it } from 'vitest';
import { updateProfile } from '../../../server/src/domain/profile';
import { change } from '../../../server/src/domain/transition';
import { termsVersion } from '../../../shared/session';
import { ctx, organizer, participant, session, t0 } from './fixtures';

describe('a command on the session', () => {
  it('copies only the members it reads: the state it was given is left as it was', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 3);
    const before = structuredClone(s);
    const t = updateProfile(s, participant('p1'), { displayName: 'Ana', language: 'en', consent: true, terms: termsVersion }, ctx(t0 + 1000));
    expect(t.state.roster.p1).toMatchObject({ displayName: 'Ana', consentedAt: t0 + 1000, consentedTerms: termsVersion });
    expect(s).toEqual(before);
    // The members it did not touch are the same objects in both versions; the one it changed is not.
    expect(t.state.roster.p2).toBe(s.roster.p2);
    expect(t.state.roster.p1).not.toBe(s.roster.p1);
    expect(Object.getPrototypeOf(t.state.roster)).toBeNull();
  });

  it('hands back the very state it was given when nothing changed and nothing is announced', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 3);
    const read = change(s, { now: t0 + 1 }, organizer, 'look', (d) => ({ name: d.roster.p1!.name }));
    expect(read).toEqual({ state: s, events: [], audit: [], result: { name: 'Person 1' } });
    const announced = change(s, { now: t0 + 1 }, organizer, 'broadcast', (_d, events) => void events.push({ type: 'broadcast', id: 'b1', text: 'hi', from: 'm', groupId: null }));
    expect(announced.state.version).toBe(s.version + 1);
    expect(announced.audit).toHaveLength(1);
  });
});
