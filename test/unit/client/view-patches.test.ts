import { describe, expect, it } from 'vitest';
import { applyStatePatch, type HeldView } from '../../../client/src/live/view-patches';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { giveFloor, raiseHand } from '../../../server/src/domain/plenary';
import type { SessionState } from '../../../server/src/domain/session';
import { renderView, type Audience } from '../../../server/src/domain/views';
import { ViewRevisions } from '../../../server/src/transport/view-revisions';
import type { StatePatch } from '../../../shared/protocol';
import { ctx, forum, moderator, participant, session, t0 } from '../domain/fixtures';

const everyone = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
const view = (s: SessionState, audience: Audience, at = t0) => renderView(s, audience, new Set(everyone), at, audience === 'staff' ? null : 'en');
/** The JSON a client receives: what it holds must be exactly that, never a value only the server had. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A room that follows the session change by change, and a client that follows the room's patches. */
function follow(audience: Audience, first: SessionState) {
  const revisions = new ViewRevisions();
  const room = `s:s1:${audience}@en`;
  const start = revisions.current(room, () => view(first, audience));
  let held: HeldView = wire(start);
  const patches: StatePatch[] = [];
  return {
    get held() {
      return held;
    },
    patches,
    change(next: SessionState, at: number) {
      const patch = revisions.advance(room, view(next, audience, at));
      if (!patch) return null;
      patches.push(wire(patch));
      const outcome = applyStatePatch(held, wire(patch));
      if (outcome.kind !== 'applied') throw new Error(`patch did not apply: ${JSON.stringify(outcome)}`);
      held = outcome.held;
      return patch;
    },
  };
}

describe('state patches', () => {
  it('bring the client to exactly the view the server rendered, change after change, without touching the view it held', () => {
    let s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0, everyone)).state;
    const plenary = follow('plenary', s);
    const staff = follow('staff', s);
    const steps: Array<(s: SessionState) => SessionState> = [
      (s) => raiseHand(s, participant('p3'), { raised: true }, ctx(t0)).state,
      (s) => raiseHand(s, participant('p4'), { raised: true }, ctx(t0)).state,
      (s) => giveFloor(s, moderator, { memberId: 'p3' }, ctx(t0)).state,
      (s) => raiseHand(s, participant('p4'), { raised: false }, ctx(t0)).state,
      (s) => driveAgenda(s, moderator, { type: 'next' }, ctx(t0, everyone)).state,
      (s) => driveAgenda(s, moderator, { type: 'next' }, ctx(t0, everyone)).state,
    ];
    for (const [i, step] of steps.entries()) {
      s = step(s);
      const at = t0 + (i + 1) * 1000;
      for (const [follower, audience] of [[plenary, 'plenary'], [staff, 'staff']] as const) {
        const before = follower.held;
        const frozen = JSON.stringify(before);
        follower.change(s, at);
        expect(follower.held.view).toEqual(wire(view(s, audience, at)));
        expect(JSON.stringify(before)).toBe(frozen);
        expect(follower.held.view).not.toBe(before.view);
      }
    }
    // The clock reading travels beside the operations, not as one of them.
    expect(plenary.patches.every((p) => p.ops.every((op) => op.path !== '/serverNow'))).toBe(true);
    expect(plenary.held.view.serverNow).toBe(t0 + steps.length * 1000);
  });

  it('a raised hand in a plenary of 500 is a patch of a few hundred bytes, where the whole view is several times that', () => {
    const crowd = Array.from({ length: 500 }, (_, i) => `p${i + 1}`);
    const s = driveAgenda(session(forum, 500), moderator, { type: 'start' }, ctx(t0, crowd)).state;
    const revisions = new ViewRevisions();
    const room = 's:s1:plenary@en';
    const render = (state: SessionState) => renderView(state, 'plenary', new Set(crowd), t0, 'en');
    revisions.current(room, () => render(s));
    const raised = raiseHand(s, participant('p7'), { raised: true }, ctx(t0)).state;
    const patch = revisions.advance(room, render(raised))!;
    expect(JSON.stringify(patch).length).toBeLessThan(400);
    expect(JSON.stringify(render(raised)).length).toBeGreaterThan(3 * JSON.stringify(patch).length);
    // Nothing a member sees changed: nothing to send.
    expect(revisions.advance(room, render(raised))).toBeNull();
  });

  it('asks for the whole view on a missed revision, a patch that does not apply, or one that yields no session view; ignores one it has', () => {
    const s = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0, everyone)).state;
    const plenary = follow('plenary', s);
    const held = plenary.held;
    const patch = (over: Partial<StatePatch>): StatePatch => ({ rev: held.rev + 2, baseRev: held.rev, serverNow: t0, ops: [], ...over });

    expect(applyStatePatch(held, patch({ baseRev: held.rev + 1 }))).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(held, patch({ ops: [{ op: 'remove', path: '/hands/7' }] }))).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(held, patch({ ops: [{ op: 'test', path: '/stepIndex', value: 5 }] }))).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(held, patch({ ops: [{ op: 'replace', path: '/stepIndex', value: 'first' }] }))).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(held, { rev: 'x' })).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(null, patch({}))).toMatchObject({ kind: 'resync' });
    expect(applyStatePatch(held, patch({ rev: held.rev, baseRev: held.rev - 1 }))).toEqual({ kind: 'stale' });
    // None of it touched the view held.
    expect(plenary.held).toBe(held);
    const applied = applyStatePatch(held, patch({ ops: [{ op: 'replace', path: '/title', value: 'Renamed' }] }));
    expect(applied).toMatchObject({ kind: 'applied', held: { rev: held.rev + 2, view: { title: 'Renamed' } } });
    expect(held.view.title).toBe('Forum');
  });
});
