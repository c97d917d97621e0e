import { describe, expect, it } from 'vitest';
import { driveAgenda, letTimePass } from '../../../server/src/domain/agenda';
import { raiseHand } from '../../../server/src/domain/plenary';
import { updateProfile } from '../../../server/src/domain/profile';
import { rosterRecord } from '../../../server/src/domain/session';
import { applyDelta, sessionDelta } from '../../../server/src/domain/session-parts';
import { change } from '../../../server/src/domain/transition';
import { termsVersion } from '../../../shared/session';
import { ctx, minute, organizer, participant, session, t0 } from './fixtures';

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

describe('what a command changed', () => {
  const plenary = [{ kind: 'plenary' as const, title: 'Opening', minutes: 5 }];

  it('names the one member a profile update changed, and no other part but the version', () => {
    const s = session(plenary, 200);
    const t = updateProfile(s, participant('p7'), { displayName: 'Ana', language: 'en', consent: true, terms: termsVersion }, ctx(t0 + 1000));
    expect(Object.keys(t.changed!.members)).toEqual(['p7']);
    expect(Object.keys(t.changed!.parts).sort()).toEqual(['updatedAt', 'version']);
    expect(t.changed!.gone).toEqual([]);
    expect(applyDelta(s, t.changed!)).toEqual(t.state);
  });

  it('names the hands alone when a hand is raised, though the command read members', () => {
    const s = driveAgenda(session(plenary, 50), organizer, { type: 'start' }, ctx(t0)).state;
    const t = raiseHand(s, participant('p3'), { raised: true }, ctx(t0 + 1000));
    expect(t.changed).toEqual({ parts: { hands: ['p3'], version: s.version + 1, updatedAt: t0 + 1000 }, dropped: [], members: rosterRecord(), gone: [] });
  });

  it('finds every changed member when the command replaced the whole roster', () => {
    const s = session(plenary, 5);
    const t = change(s, { now: t0 + 1 }, organizer, 'roster.replace', (d) => {
      const roster = rosterRecord(d.roster);
      delete roster.p2;
      roster.p4 = { ...roster.p4!, name: 'Renamed' };
      d.roster = roster;
    });
    expect(Object.keys(t.changed!.members)).toEqual(['p4']);
    expect(t.changed!.gone).toEqual(['p2']);
    expect(sessionDelta(s, t.state)).toEqual({ ...t.changed!, parts: { version: t.state.version, updatedAt: t0 + 1 } });
  });

  it('adds up the changes of several steps the clock took at once', () => {
    const steps = [
      { kind: 'plenary' as const, title: 'Opening', minutes: 5, advance: 'auto' as const },
      { kind: 'plenary' as const, title: 'Closing', minutes: 5, advance: 'auto' as const },
    ];
    const s = driveAgenda(session(steps, 5), organizer, { type: 'start' }, ctx(t0)).state;
    const t = letTimePass(s, ctx(t0 + 12 * minute))!;
    expect(t.audit.length).toBeGreaterThan(1);
    expect(applyDelta(s, t.changed!)).toEqual(t.state);
    expect(t.changed!.parts).toMatchObject({ stepIndex: 1, status: 'ended' });
  });
});
