import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { sendBroadcast } from '../../../server/src/domain/broadcasts';
import { callForHelp, handleHelpCall } from '../../../server/src/domain/help-calls';
import { arrive, hasJoined } from '../../../server/src/domain/presence';
import { updateProfile } from '../../../server/src/domain/profile';
import { termsVersion } from '../../../shared/session';
import { groupOf, type SessionState } from '../../../server/src/domain/session';
import { audienceOf, renderView } from '../../../server/src/domain/views';
import { ctx, forum, minute, moderator, participant, session, t0 } from './fixtures';

const firstTen = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);

function inBreakout() {
  const s = driveAgenda(joined(session(forum), 'p11'), moderator, { type: 'start' }, ctx(t0)).state;
  return driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + minute, firstTen)).state;
}

/** As the join screen records it: the person agreed to the terms. */
function joined(s: SessionState, id: string): SessionState {
  return updateProfile(s, participant(id), { displayName: id, language: 'en', consent: true, terms: termsVersion }, ctx(t0)).state;
}

describe('breakout seats', () => {
  it('seats nobody who only opened the invitation, and the same person once they joined', () => {
    const s = inBreakout();
    expect(arrive(s, participant('p12'), ctx(t0 + 2 * minute))).toBeNull();
    expect(hasJoined(s, 'p12')).toBe(false);
    const t = arrive(joined(s, 'p12'), participant('p12'), ctx(t0 + 2 * minute));
    expect(groupOf(t!.state, 'p12')).toBeDefined();
  });

  it('keeps the seat of someone who drops and comes back', () => {
    const s = inBreakout();
    expect(arrive(s, participant('p3'), ctx(t0 + 2 * minute, firstTen))).toBeNull();
  });

  it('seats a late joiner in the smallest group that shares a language, moving nobody', () => {
    const s = inBreakout();
    const before = structuredClone(s.groups);
    const t = arrive(s, { role: 'participant', memberId: 'p11', name: 'Late' }, ctx(t0 + 2 * minute));
    expect(t).not.toBeNull();
    const seated = groupOf(t!.state, 'p11');
    expect(seated).toBeDefined();
    expect(Math.min(...before.map((g) => g.members.length))).toBe(seated!.members.length - 1);
    for (const g of before) expect(t!.state.groups.find((x) => x.id === g.id)!.members.slice(0, g.members.length)).toEqual(g.members);
    expect(t!.audit[0]).toMatchObject({ action: 'seat.late-joiner', detail: { memberId: 'p11', groupId: seated!.id } });
  });

  it('does not seat observers, moderators, or anyone outside a breakout', () => {
    const s = inBreakout();
    expect(arrive(s, moderator, ctx(t0))).toBeNull();
    expect(arrive(session(forum), participant('p11'), ctx(t0))).toBeNull();
  });

  it('keeps the groups of the previous breakout when the step says keep', () => {
    const steps = [...forum.slice(0, 2), { kind: 'breakout' as const, title: 'Again', minutes: 10, groups: 'keep' as const }];
    const s = driveAgenda(inBreakout(), moderator, { type: 'goto', step: 0 }, ctx(t0 + 3 * minute));
    const again = driveAgenda({ ...s.state, agenda: session(steps).agenda }, moderator, { type: 'goto', step: 2 }, ctx(t0 + 4 * minute, firstTen));
    expect(again.state.groups).toEqual(inBreakout().groups);
  });
});

describe('help calls', () => {
  it('a participant calls, a moderator acknowledges then resolves', () => {
    const s = inBreakout();
    const called = callForHelp(s, participant('p2'), { message: 'Audio trouble' }, ctx(t0 + 2 * minute)).state;
    const call = called.helpCalls[0]!;
    expect(call).toMatchObject({ fromId: 'p2', status: 'open', groupId: groupOf(s, 'p2')!.id, message: 'Audio trouble' });
    expect(() => callForHelp(called, participant('p2'), { message: 'again' }, ctx(t0))).toThrow(/already/);
    expect(() => handleHelpCall(called, participant('p3'), { id: call.id, action: 'resolve' }, ctx(t0))).toThrow(/may not/);
    const acked = handleHelpCall(called, moderator, { id: call.id, action: 'acknowledge' }, ctx(t0)).state;
    expect(acked.helpCalls[0]).toMatchObject({ status: 'acknowledged', handledBy: 'Moderator' });
    expect(() => handleHelpCall(acked, moderator, { id: call.id, action: 'acknowledge' }, ctx(t0))).toThrow(/already/);
    const resolved = handleHelpCall(acked, moderator, { id: call.id, action: 'resolve' }, ctx(t0)).state;
    expect(resolved.helpCalls[0]!.status).toBe('resolved');
    expect(() => handleHelpCall(resolved, moderator, { id: 'h99', action: 'resolve' }, ctx(t0))).toThrow(/no help call/);
    expect(callForHelp(resolved, participant('p2'), { message: 'new problem' }, ctx(t0)).state.helpCalls).toHaveLength(2);
  });
});

describe('broadcasts', () => {
  it('to everyone, or to one existing group during a breakout', () => {
    const s = inBreakout();
    const all = sendBroadcast(s, moderator, { text: '5 minutes left' }, ctx(t0));
    expect(all.events).toEqual([{ type: 'broadcast', id: expect.any(String), text: '5 minutes left', from: null, groupId: null }]);
    // A moderator from the roster signs with the name everyone sees.
    const named = sendBroadcast(s, { role: 'moderator', memberId: 'm1', name: 'Mireille' }, { text: 'Thank you' }, ctx(t0));
    expect(named.events[0]).toMatchObject({ type: 'broadcast', from: 'Mireille' });
    const one = sendBroadcast(s, moderator, { text: 'Please wrap up', groupId: 'g1' }, ctx(t0));
    expect(one.events[0]).toMatchObject({ groupId: 'g1' });
    expect(() => sendBroadcast(s, moderator, { text: 'x', groupId: 'g99' }, ctx(t0))).toThrow(/no group/);
    expect(() => sendBroadcast(s, participant('p1'), { text: 'hi all' }, ctx(t0))).toThrow(/may not/);
    expect(() => sendBroadcast(session(forum), moderator, { text: 'x', groupId: 'g1' }, ctx(t0))).toThrow(/not meeting/);
  });
});

describe('what each audience sees', () => {
  it('a participant sees their own group only, without anyone\'s private attributes', () => {
    const s = inBreakout();
    const audience = audienceOf(s, participant('p1'));
    const view = renderView(s, audience, new Set(['p1']), t0);
    expect(view.group!.members.map((m) => m.id)).toContain('p1');
    expect(view.groups).toBeUndefined();
    expect(view.helpCalls).toBeUndefined();
    expect(JSON.stringify(view)).not.toMatch(/country|gender/);
  });

  it('moderators see every group with attributes; observers without', () => {
    const s = inBreakout();
    const staff = renderView(s, audienceOf(s, moderator), new Set(firstTen), t0);
    expect(staff.groups!.flatMap((g) => g.members)).toHaveLength(10);
    expect(staff.groups![0]!.members[0]!.attributes).toHaveProperty('country');
    const observer = renderView(s, audienceOf(s, { role: 'observer', memberId: 'o1', name: 'Obs' }), new Set(), t0);
    expect(observer.groups![0]!.members[0]!.attributes).toBeUndefined();
  });

  it('in plenary everyone but staff shares one audience', () => {
    const s = session(forum);
    expect(audienceOf(s, participant('p1'))).toBe('plenary');
    expect(audienceOf(s, participant('p2'))).toBe('plenary');
  });
});
