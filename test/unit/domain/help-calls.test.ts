import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { callForHelp, cancelHelpCall, handleHelpCall, ownHelpCall } from '../../../server/src/domain/help-calls';
import { ctx, forum, minute, moderator, participant, session, t0 } from './fixtures';

const present = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
const inBreakout = () => {
  const s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0, present)).state;
  return driveAgenda(s, moderator, { type: 'next' }, ctx(t0, present)).state;
};

describe('calls for help, as the caller sees them', () => {
  it('tells the caller each step: sent, acknowledged by someone, resolved', () => {
    let t = callForHelp(inBreakout(), participant('p3'), { message: 'No sound' }, ctx(t0));
    const id = t.state.helpCalls[0]!.id;
    expect(t.events).toEqual([{ type: 'help.changed', id, fromId: 'p3' }]);
    expect(ownHelpCall(t.state, 'p3')).toEqual({ id, message: 'No sound', status: 'open', createdAt: t0, handledBy: null });
    t = handleHelpCall(t.state, moderator, { id, action: 'acknowledge' }, ctx(t0 + minute));
    expect(t.events).toEqual([{ type: 'help.changed', id, fromId: 'p3' }]);
    expect(ownHelpCall(t.state, 'p3')).toMatchObject({ status: 'acknowledged', handledBy: 'Moderator' });
    t = handleHelpCall(t.state, moderator, { id, action: 'resolve' }, ctx(t0 + 2 * minute));
    expect(ownHelpCall(t.state, 'p3')).toMatchObject({ status: 'resolved', handledBy: 'Moderator' });
    expect(ownHelpCall(t.state, 'p4')).toBeNull();
  });

  it('refuses a second call while one is open or on its way, with CONFLICT and a reason', () => {
    let s = callForHelp(inBreakout(), participant('p3'), { message: '' }, ctx(t0)).state;
    expect(() => callForHelp(s, participant('p3'), { message: 'again' }, ctx(t0))).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/already with the moderators/) }),
    );
    s = handleHelpCall(s, moderator, { id: s.helpCalls[0]!.id, action: 'acknowledge' }, ctx(t0)).state;
    expect(() => callForHelp(s, participant('p3'), { message: 'again' }, ctx(t0))).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/Moderator is on the way/) }),
    );
  });

  it('lets the caller cancel their own open call, and then call again', () => {
    let s = callForHelp(inBreakout(), participant('p3'), { message: '' }, ctx(t0)).state;
    const id = s.helpCalls[0]!.id;
    expect(() => cancelHelpCall(s, participant('p4'), { id }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => cancelHelpCall(s, moderator, { id }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    const t = cancelHelpCall(s, participant('p3'), { id }, ctx(t0));
    expect(t.audit[0]).toMatchObject({ action: 'help.cancel', actor: 'participant:p3', detail: { id } });
    expect(t.events).toEqual([{ type: 'help.changed', id, fromId: 'p3' }]);
    s = t.state;
    expect(ownHelpCall(s, 'p3')).toMatchObject({ status: 'cancelled' });
    expect(() => cancelHelpCall(s, participant('p3'), { id }, ctx(t0))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => handleHelpCall(s, moderator, { id, action: 'acknowledge' }, ctx(t0))).toThrow(/cancelled/);
    s = callForHelp(s, participant('p3'), { message: 'after all' }, ctx(t0)).state;
    expect(ownHelpCall(s, 'p3')).toMatchObject({ status: 'open', message: 'after all' });
  });
});
