import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { floorHolder, giveFloor, lowerAllHands, raiseHand } from '../../../server/src/domain/plenary';
import { renderView } from '../../../server/src/domain/views';
import { ctx, forum, moderator, participant, session, t0 } from './fixtures';

const present = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
const started = () => driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0, present)).state;

describe('plenary floor', () => {
  it('the moderator gives the floor to a raised hand: named to everyone, out of the queue, audited, announced', () => {
    let s = started();
    expect(floorHolder(s)).toBeNull();
    s = raiseHand(s, participant('p3'), { raised: true }, ctx(t0)).state;
    s = raiseHand(s, participant('p4'), { raised: true }, ctx(t0)).state;
    const t = giveFloor(s, moderator, { memberId: 'p3' }, ctx(t0));
    expect(floorHolder(t.state)).toBe('p3');
    expect(t.state.hands).toEqual(['p4']);
    expect(t.events).toEqual([{ type: 'floor.changed', stepIndex: 0, floor: 'p3' }]);
    expect(t.audit[0]).toMatchObject({ action: 'floor.give', actor: 'moderator', detail: { memberId: 'p3', from: null, handRaised: true } });
    expect(renderView(t.state, 'plenary', new Set(), t0).floor).toEqual({ id: 'p3', name: 'Person 3' });
    // Passing it on takes it from the one who had it.
    const next = giveFloor(t.state, moderator, { memberId: 'p4' }, ctx(t0));
    expect(next.state).toMatchObject({ floor: 'p4', hands: [] });
    expect(next.audit[0]!.detail).toMatchObject({ from: 'p3' });
  });

  it('is taken back by the moderator or handed back by its holder, never by someone else', () => {
    let s = giveFloor(started(), moderator, { memberId: 'p2' }, ctx(t0)).state;
    expect(() => giveFloor(s, participant('p5'), { memberId: null }, ctx(t0))).toThrow(/may not/);
    expect(() => giveFloor(s, participant('p5'), { memberId: 'p5' }, ctx(t0))).toThrow(/may not/);
    const yielded = giveFloor(s, participant('p2'), { memberId: null }, ctx(t0));
    expect(floorHolder(yielded.state)).toBeNull();
    expect(yielded.events).toEqual([{ type: 'floor.changed', stepIndex: 0, floor: null }]);
    s = giveFloor(s, moderator, { memberId: null }, ctx(t0)).state;
    expect(floorHolder(s)).toBeNull();
    expect(() => giveFloor(s, moderator, { memberId: null }, ctx(t0))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('refuses someone off the roster, the holder twice, and a breakout; the holder cannot also queue', () => {
    const s = giveFloor(started(), moderator, { memberId: 'p2' }, ctx(t0)).state;
    expect(() => giveFloor(s, moderator, { memberId: 'nobody' }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => giveFloor(s, moderator, { memberId: 'p2' }, ctx(t0))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => raiseHand(s, participant('p2'), { raised: true }, ctx(t0))).toThrow(/floor already/);
  });

  it('goes back to nobody when the step changes or the session ends, and says so', () => {
    const s = giveFloor(started(), moderator, { memberId: 'p2' }, ctx(t0)).state;
    const breakout = driveAgenda(s, moderator, { type: 'next' }, ctx(t0, present));
    expect(floorHolder(breakout.state)).toBeNull();
    expect(breakout.events).toContainEqual({ type: 'floor.changed', stepIndex: 1, floor: null });
    expect(() => giveFloor(breakout.state, moderator, { memberId: 'p2' }, ctx(t0))).toThrow(/plenary/);
    const ended = driveAgenda(s, moderator, { type: 'end' }, ctx(t0));
    expect(floorHolder(ended.state)).toBeNull();
    expect(ended.events).toContainEqual({ type: 'floor.changed', stepIndex: 0, floor: null });
  });

  it("is nobody's once its holder is no longer on the roster", () => {
    const s = giveFloor(started(), moderator, { memberId: 'p2' }, ctx(t0)).state;
    const { p2: _gone, ...rest } = s.roster;
    expect(floorHolder({ ...s, roster: rest })).toBeNull();
    expect(renderView({ ...s, roster: rest }, 'plenary', new Set(), t0).floor).toBeNull();
  });

  it('a moderator lowers every hand at once', () => {
    let s = started();
    for (const id of ['p1', 'p2', 'p3']) s = raiseHand(s, participant(id), { raised: true }, ctx(t0)).state;
    expect(() => lowerAllHands(s, participant('p1'), {}, ctx(t0))).toThrow(/may not/);
    const t = lowerAllHands(s, moderator, {}, ctx(t0));
    expect(t.state.hands).toEqual([]);
    expect(t.audit[0]).toMatchObject({ action: 'hands.clear', detail: { lowered: ['p1', 'p2', 'p3'] } });
    expect(() => lowerAllHands(t.state, moderator, {}, ctx(t0))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
