import { describe, expect, it } from 'vitest';
import type { AgendaStepInput } from '../../../shared/agenda';
import { closeGraceMs, driveAgenda, letTimePass, nextDeadline } from '../../../server/src/domain/agenda';
import { inBreakout, type SessionState } from '../../../server/src/domain/session';
import { renderView } from '../../../server/src/domain/views';
import { ctx, minute, moderator, session, t0 } from './fixtures';

const present = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
const second = 1000;

const agenda = (breakout: Partial<AgendaStepInput> = {}): AgendaStepInput[] => [
  { kind: 'plenary', title: 'Opening', minutes: 5 },
  { kind: 'breakout', title: 'Groups', minutes: 35, questions: ['Q1'], ...breakout } as AgendaStepInput,
  { kind: 'plenary', title: 'Report-back', minutes: 20 },
];

function openRooms(steps = agenda()): SessionState {
  const s = driveAgenda(session(steps), moderator, { type: 'start' }, ctx(t0, present)).state;
  return driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + minute, present)).state;
}

describe('closing the rooms', () => {
  it('moving on from a breakout tells every room it closes in 60 s; the agenda moves when that time comes', () => {
    const open = openRooms();
    const at = t0 + 10 * minute;
    const t = driveAgenda(open, moderator, { type: 'next' }, ctx(at));
    expect(t.state.closing).toEqual({ at: at + 60 * second, toStep: 2 });
    expect(t.audit[0]).toMatchObject({ action: 'rooms.closing', detail: { at: at + 60 * second, toStep: 2 } });
    // The rooms are still open, and every audience sees when they close.
    expect(inBreakout(t.state)).toBe(true);
    for (const audience of ['plenary', 'staff', `group:${open.groups[0]!.id}`] as const) {
      expect(renderView(t.state, audience, new Set(), at).closing).toEqual({ at: at + 60 * second, toStep: 2 });
    }
    expect(nextDeadline(t.state)).toBe(at + 60 * second);
    expect(letTimePass(t.state, ctx(at + 59 * second))).toBeNull();
    const closed = letTimePass(t.state, ctx(at + 60 * second))!;
    expect(closed.state).toMatchObject({ stepIndex: 2, closing: null, endsAt: at + 60 * second + 20 * minute });
    expect(closed.audit.map((e) => e.action)).toEqual(['rooms.close']);
    expect(renderView(closed.state, 'plenary', new Set(), at).closing).toBeNull();
  });

  it('the moderator can keep the rooms open, or close them at once by moving on again', () => {
    const at = t0 + 10 * minute;
    const closing = driveAgenda(openRooms(), moderator, { type: 'next' }, ctx(at)).state;
    const kept = driveAgenda(closing, moderator, { type: 'keep-open' }, ctx(at + 5 * second));
    expect(kept.state).toMatchObject({ closing: null, stepIndex: 1 });
    expect(kept.audit[0]!.action).toBe('rooms.keep-open');
    expect(letTimePass(kept.state, ctx(at + 2 * minute))).toBeNull();
    expect(() => driveAgenda(kept.state, moderator, { type: 'keep-open' }, ctx(at))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    const now = driveAgenda(closing, moderator, { type: 'next' }, ctx(at + 5 * second));
    expect(now.state).toMatchObject({ stepIndex: 2, closing: null, endsAt: at + 5 * second + 20 * minute });
    expect(now.audit[0]!.action).toBe('rooms.close-now');
    // More time for the rooms calls the closing off; pausing waits until it is called off.
    expect(driveAgenda(closing, moderator, { type: 'extend', minutes: 5 }, ctx(at)).state.closing).toBeNull();
    expect(() => driveAgenda(closing, moderator, { type: 'pause' }, ctx(at))).toThrow(/closing/);
  });

  it('takes its grace from the step, 0 closing at once; only a breakout has one', () => {
    const quick = openRooms(agenda({ closeSeconds: 15 }));
    expect(driveAgenda(quick, moderator, { type: 'next' }, ctx(t0 + 2 * minute)).state.closing).toEqual({ at: t0 + 2 * minute + 15 * second, toStep: 2 });
    const none = openRooms(agenda({ closeSeconds: 0 }));
    expect(closeGraceMs(none)).toBe(0);
    expect(driveAgenda(none, moderator, { type: 'next' }, ctx(t0 + 2 * minute)).state).toMatchObject({ stepIndex: 2, closing: null });
    const plenary = driveAgenda(session(agenda()), moderator, { type: 'start' }, ctx(t0)).state;
    expect(closeGraceMs(plenary)).toBe(0);
  });

  it('an auto breakout at its deadline warns the rooms first, and a restart after the grace still closes them on time', () => {
    const open = openRooms(agenda({ advance: 'auto' }));
    const deadline = open.endsAt!;
    const t = letTimePass(open, ctx(deadline))!;
    expect(t.state.closing).toEqual({ at: deadline + 60 * second, toStep: 2 });
    expect(t.state.stepIndex).toBe(1);
    // The step's time is up and it moves on by itself: keeping the rooms open means extending.
    expect(() => driveAgenda(t.state, moderator, { type: 'keep-open' }, ctx(deadline + second))).toThrow(/extend/);
    const extended = driveAgenda(t.state, moderator, { type: 'extend', minutes: 2 }, ctx(deadline + second)).state;
    expect(extended).toMatchObject({ closing: null, endsAt: deadline + second + 2 * minute });
    // Down through the deadline and the grace: caught up as if it had never stopped.
    const caughtUp = letTimePass(open, ctx(deadline + 10 * minute))!;
    expect(caughtUp.state).toMatchObject({ stepIndex: 2, endsAt: deadline + 60 * second + 20 * minute, closing: null });
    expect(caughtUp.audit.map((e) => e.action)).toEqual(['rooms.closing', 'rooms.close']);
  });

  it('the last step being a breakout, the session ends when its rooms close', () => {
    const steps = agenda().slice(0, 2);
    const s = driveAgenda(openRooms(steps), moderator, { type: 'next' }, ctx(t0 + 2 * minute)).state;
    expect(s.closing).toEqual({ at: t0 + 2 * minute + 60 * second, toStep: null });
    expect(letTimePass(s, ctx(t0 + 3 * minute))!.state).toMatchObject({ status: 'ended', closing: null });
  });
});
