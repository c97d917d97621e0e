import { describe, expect, it } from 'vitest';
import { driveAgenda, letTimePass, nextDeadline } from '../../../server/src/domain/agenda';
import { DomainError } from '../../../server/src/domain/errors';
import type { SessionState } from '../../../server/src/domain/session';
import { ctx, forum, minute, moderator, participant, session, t0 } from './fixtures';

const everyone = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);

function expectRefused(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ${code} refusal`);
}

describe('agenda state machine', () => {
  it('starts at step 0 with an absolute deadline, one version later, audited', () => {
    const s = session(forum);
    const t = driveAgenda(s, moderator, { type: 'start' }, ctx(t0));
    expect(t.state).toMatchObject({ status: 'running', stepIndex: 0, endsAt: t0 + 5 * minute, version: s.version + 1 });
    expect(t.audit).toEqual([expect.objectContaining({ action: 'start', actor: 'moderator', fromVersion: s.version, toVersion: s.version + 1, at: t0 })]);
    expect(s.status).toBe('lobby');
  });

  it('walks next → breakout with groups of the present people → next → ended', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + minute, everyone)).state;
    expect(s.stepIndex).toBe(1);
    expect(s.endsAt).toBe(t0 + 36 * minute);
    expect(s.groups.flatMap((g) => g.members).sort()).toEqual([...everyone].sort());
    expect(s.assignment).toMatchObject({ stepIndex: 1, algorithm: 'seeded-random' });
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + 2 * minute)).state;
    expect(s.stepIndex).toBe(2);
    expect(s.previousRounds).toHaveLength(1);
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + 3 * minute)).state;
    expect(s).toMatchObject({ status: 'ended', endsAt: null });
  });

  it('goto jumps to any step and refuses one past the end', () => {
    const s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    expect(driveAgenda(s, moderator, { type: 'goto', step: 2 }, ctx(t0)).state.stepIndex).toBe(2);
    expectRefused(() => driveAgenda(s, moderator, { type: 'goto', step: 3 }, ctx(t0)), 'BAD_INPUT');
  });

  it('pause keeps what is left; resume restarts the countdown from now', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    s = driveAgenda(s, moderator, { type: 'pause' }, ctx(t0 + 2 * minute)).state;
    expect(s).toMatchObject({ status: 'paused', endsAt: null, remainingMs: 3 * minute });
    expect(nextDeadline(s)).toBeNull();
    expect(letTimePass(s, ctx(t0 + 60 * minute))).toBeNull();
    s = driveAgenda(s, moderator, { type: 'resume' }, ctx(t0 + 10 * minute)).state;
    expect(s).toMatchObject({ status: 'running', endsAt: t0 + 13 * minute, remainingMs: null });
  });

  it('extend adds time, a negative extend shortens but never below zero, also while paused', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    s = driveAgenda(s, moderator, { type: 'extend', minutes: 3 }, ctx(t0 + minute)).state;
    expect(s.endsAt).toBe(t0 + 8 * minute);
    s = driveAgenda(s, moderator, { type: 'extend', minutes: -2 }, ctx(t0 + minute)).state;
    expect(s.endsAt).toBe(t0 + 6 * minute);
    s = driveAgenda(s, moderator, { type: 'extend', minutes: -60 }, ctx(t0 + minute)).state;
    expect(s.endsAt).toBe(t0 + minute);
    s = driveAgenda(s, moderator, { type: 'extend', minutes: 2 }, ctx(t0 + minute)).state;
    s = driveAgenda(s, moderator, { type: 'pause' }, ctx(t0 + minute)).state;
    s = driveAgenda(s, moderator, { type: 'extend', minutes: 1 }, ctx(t0 + 5 * minute)).state;
    expect(s.remainingMs).toBe(3 * minute);
  });

  it('says a warning mark that shortening jumps over at once, once, and the later marks on time', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0, everyone)).state; // 35 minutes
    const at = s.endsAt! - (7 * minute + 44_000); // 7:44 left
    const t = driveAgenda(s, moderator, { type: 'extend', minutes: -3.0667 }, ctx(at));
    const left = t.state.endsAt! - at;
    expect(left).toBeLessThan(5 * minute);
    expect(left).toBeGreaterThan(4 * minute);
    expect(t.events).toEqual([{ type: 'warning', stepIndex: 1, minutesLeft: 5 }]);
    expect(t.audit[0]!.detail).toMatchObject({ warned: 5 });
    s = t.state;
    // Not again when time passes, nor by a second shortening; the 1-minute mark comes on time.
    expect(letTimePass(s, ctx(at + 1000))).toBeNull();
    const again = driveAgenda(s, moderator, { type: 'extend', minutes: -1 }, ctx(at + 1000));
    expect(again.events).toEqual([]);
    expect(nextDeadline(s)).toBe(s.endsAt! - minute);
    const one = letTimePass(s, ctx(s.endsAt! - minute))!;
    expect(one.events).toEqual([{ type: 'warning', stepIndex: 1, minutesLeft: 1 }]);
    // Jumping over both marks says only the latest of them.
    const both = driveAgenda(s, moderator, { type: 'extend', minutes: -4.5 }, ctx(at));
    expect(both.events).toEqual([{ type: 'warning', stepIndex: 1, minutesLeft: 1 }]);
    // Lengthened past a mark again, it is said again when it comes.
    const longer = driveAgenda(s, moderator, { type: 'extend', minutes: 10 }, ctx(at));
    expect(longer.events).toEqual([]);
    expect(nextDeadline(longer.state)).toBe(longer.state.endsAt! - 5 * minute);
  });

  it('refuses commands that do not fit the state, changing nothing', () => {
    const lobby = session(forum);
    expectRefused(() => driveAgenda(lobby, moderator, { type: 'next' }, ctx(t0)), 'CONFLICT');
    expectRefused(() => driveAgenda(lobby, moderator, { type: 'pause' }, ctx(t0)), 'CONFLICT');
    expectRefused(() => driveAgenda(lobby, moderator, { type: 'resume' }, ctx(t0)), 'CONFLICT');
    const running = driveAgenda(lobby, moderator, { type: 'start' }, ctx(t0)).state;
    expectRefused(() => driveAgenda(running, moderator, { type: 'start' }, ctx(t0)), 'CONFLICT');
    expectRefused(() => driveAgenda(running, moderator, { type: 'resume' }, ctx(t0)), 'CONFLICT');
    const ended = driveAgenda(running, moderator, { type: 'end' }, ctx(t0)).state;
    expectRefused(() => driveAgenda(ended, moderator, { type: 'goto', step: 0 }, ctx(t0)), 'CONFLICT');
    expectRefused(() => driveAgenda(running, participant('p1'), { type: 'next' }, ctx(t0)), 'NOT_ALLOWED');
    expect(running.stepIndex).toBe(0);
  });
});

describe('time passing', () => {
  const pass = (s: SessionState, now: number) => letTimePass(s, ctx(now)) ?? { state: s, events: [], audit: [] };

  it('warns at 5 and 1 minutes left, once each, then says time is up on a hold step', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'goto', step: 2 }, ctx(t0)).state;
    expect(nextDeadline(s)).toBe(t0 + 15 * minute);
    expect(letTimePass(s, ctx(t0 + 15 * minute - 1))).toBeNull();
    let t = pass(s, t0 + 15 * minute);
    expect(t.events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 5 }]);
    s = t.state;
    expect(letTimePass(s, ctx(t0 + 16 * minute))).toBeNull();
    t = pass(s, t0 + 19 * minute);
    expect(t.events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 1 }]);
    t = pass(t.state, t0 + 20 * minute);
    expect(t.events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 0 }]);
    expect(t.state).toMatchObject({ status: 'running', stepIndex: 2, endsAt: t0 + 20 * minute });
    expect(nextDeadline(t.state)).toBeNull();
    expect(letTimePass(t.state, ctx(t0 + 90 * minute))).toBeNull();
  });

  it('auto-advance starts the next step at the deadline, not when the clock was read', () => {
    const steps = forum.map((s) => ({ ...s, advance: 'auto' as const }));
    const s = driveAgenda(session(steps), moderator, { type: 'start' }, ctx(t0)).state;
    expect(nextDeadline(s)).toBe(t0 + 4 * minute);
    const t = pass(s, t0 + 5 * minute + 700);
    expect(t.state).toMatchObject({ stepIndex: 1, endsAt: t0 + 40 * minute, status: 'running' });
    expect(t.audit.map((a) => a.action)).toEqual(['auto-advance']);
    expect(t.audit[0]!.actor).toBe('clock');
  });

  it('after a long outage catches up every auto step, as if it had never stopped, and ends', () => {
    const steps = forum.map((s) => ({ ...s, advance: 'auto' as const }));
    const s = driveAgenda(session(steps), moderator, { type: 'start' }, ctx(t0)).state;
    const mid = pass(s, t0 + 50 * minute);
    expect(mid.state).toMatchObject({ stepIndex: 2, endsAt: t0 + 60 * minute });
    expect(mid.events).toEqual([]);
    expect(pass(s, t0 + 55.5 * minute).events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 5 }]);
    const end = pass(s, t0 + 3 * 60 * minute);
    expect(end.state.status).toBe('ended');
    expect(end.audit.map((a) => a.action)).toEqual(['auto-advance', 'auto-advance', 'end']);
    expect(end.events).toEqual([]);
  });

  it('announces only the latest missed warning after an outage', () => {
    const s = driveAgenda(session(forum), moderator, { type: 'goto', step: 2 }, ctx(t0)).state;
    const t = pass(s, t0 + 19.5 * minute);
    expect(t.events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 1 }]);
    expect(t.state.announced.sort()).toEqual([1, 5]);
  });

  it('does not say a missed mark that is no longer true, but still says time is up', () => {
    const s = driveAgenda(session(forum), moderator, { type: 'goto', step: 2 }, ctx(t0)).state;
    const late = pass(s, t0 + 17 * minute);
    expect(late.events).toEqual([]);
    expect(late.state.announced).toEqual([5]);
    expect(late.audit[0]!.detail).toEqual({ minutesLeft: 5, said: false });
    expect(pass(late.state, t0 + 30 * minute).events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 0 }]);
  });

  it('a short step extended beyond a mark gains that warning', () => {
    let s = driveAgenda(session([{ kind: 'plenary', title: 'Short', minutes: 3 }]), moderator, { type: 'start' }, ctx(t0)).state;
    expect(nextDeadline(s)).toBe(t0 + 2 * minute);
    s = driveAgenda(s, moderator, { type: 'extend', minutes: 9 }, ctx(t0)).state;
    expect(nextDeadline(s)).toBe(t0 + 7 * minute);
    expect(pass(s, t0 + 7 * minute).events).toEqual([{ type: 'warning', stepIndex: 0, minutesLeft: 5 }]);
  });

  it('a step extended past a mark announces it again', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'goto', step: 2 }, ctx(t0)).state;
    s = pass(s, t0 + 15 * minute).state;
    s = driveAgenda(s, moderator, { type: 'extend', minutes: 10 }, ctx(t0 + 15 * minute)).state;
    expect(s.announced).toEqual([]);
    expect(pass(s, t0 + 25 * minute).events).toEqual([{ type: 'warning', stepIndex: 2, minutesLeft: 5 }]);
  });

  it('does not warn "5 minutes left" at the start of a 5-minute step', () => {
    const s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
    expect(letTimePass(s, ctx(t0))).toBeNull();
    expect(nextDeadline(s)).toBe(t0 + 4 * minute);
  });

  it('custom warning marks are honoured', () => {
    const s = driveAgenda(session([{ kind: 'plenary', title: 'Talk', minutes: 10, warnings: [3] }]), moderator, { type: 'start' }, ctx(t0)).state;
    expect(nextDeadline(s)).toBe(t0 + 7 * minute);
  });
});
