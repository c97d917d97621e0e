import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgendaStep } from '../../shared/agenda';
import { driveAgenda } from '../../server/src/domain/agenda';
import { previewGroups } from '../../server/src/domain/group-preview';
import { importRoster } from '../../server/src/domain/roster';
import { diverseAssigner } from '../../server/src/grouping/diverse';
import { AssignmentPool, type OffLoopAssigner } from '../../server/src/grouping/pool';
import type { Assignment, GroupingRequest } from '../../server/src/grouping/types';
import type { PresenceTracker } from '../../server/src/sessions/presence';
import { SessionHost } from '../../server/src/sessions/session-host';
import { MemorySessionStore } from '../../server/src/store/memory-store';
import { moderator, organizer, people } from '../unit/domain/fixtures';
import { ManualClock } from '../support/manual-clock';

/** The real worker pool, telling the test when a request reached it and when its groups came back. */
class WatchedPool implements OffLoopAssigner {
  readonly algorithm: string;
  readonly started: Array<{ request: GroupingRequest; at: number }> = [];
  readonly #waiters: Array<() => void> = [];
  finishedAt: number | null = null;
  #order = 0;

  constructor(readonly pool: AssignmentPool) {
    this.algorithm = pool.algorithm;
  }

  /** A strictly increasing stamp: which of two things happened first, without reading a clock. */
  stamp(): number {
    return ++this.#order;
  }

  nextStart(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  readonly #finishWaiters: Array<{ size: number; resolve: (assignment: Assignment) => void }> = [];
  /** The next assignment of `size` people to come back. */
  nextFinish(size: number): Promise<Assignment> {
    return new Promise((resolve) => this.#finishWaiters.push({ size, resolve }));
  }

  async assign(request: GroupingRequest): Promise<Assignment> {
    this.started.push({ request, at: this.stamp() });
    for (const w of this.#waiters.splice(0)) w();
    const assignment = await this.pool.assign(request);
    this.finishedAt = this.stamp();
    for (const w of [...this.#finishWaiters]) {
      if (w.size !== request.members.length) continue;
      this.#finishWaiters.splice(this.#finishWaiters.indexOf(w), 1);
      w.resolve(assignment);
    }
    return assignment;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Everyone on the roster is here, unless the test says otherwise. */
class Everyone implements PresenceTracker {
  readonly away = new Set<string>();
  constructor(readonly ids: string[]) {}
  connect(): boolean {
    return true;
  }
  disconnect(): boolean {
    return true;
  }
  present(): ReadonlySet<string> {
    return new Set(this.ids.filter((id) => !this.away.has(id)));
  }
}

const agenda = [
  { kind: 'plenary', title: 'Opening', minutes: 5 },
  { kind: 'breakout', title: 'Groups', minutes: 30, questions: ['Q1'] },
].map((s) => AgendaStep.parse(s));

describe('the group assignment, off the event loop', () => {
  const clock = new ManualClock();
  const roster = people(10_000);
  const presence = new Everyone(roster.map((p) => p.id));
  const pool = new WatchedPool(new AssignmentPool({ algorithm: diverseAssigner.algorithm, eager: true }));
  const host = new SessionHost({ store: new MemorySessionStore(), clock, assigner: diverseAssigner, offLoop: pool, presence });

  async function sessionOf(n: number): Promise<string> {
    const created = await host.create({ title: `Forum of ${n}`, languages: ['en'], agenda }, organizer);
    await host.execute(created.id, (s, ctx) => importRoster(s, organizer, roster.slice(0, n), ctx));
    return created.id;
  }

  beforeAll(async () => {
    // The thread loads the engine first, so what follows measures the grouping, not the loading.
    await pool.pool.assign({ members: [], groupSize: 5, seed: 1 });
  });
  afterAll(async () => {
    await host.close();
    await pool.close();
  });

  it("lets another session's command complete while 10,000 people are being grouped, then groups them all", async () => {
    const large = await sessionOf(10_000);
    const small = await sessionOf(12);
    const reached = pool.nextStart();
    const preview = host.execute(large, (s, ctx) => previewGroups(s, moderator, { step: 1 }, ctx));
    await reached;
    const meanwhile = await host.execute(small, (s, ctx) => driveAgenda(s, moderator, { type: 'start' }, ctx));
    const smallDone = pool.stamp();
    expect(meanwhile.state.status).toBe('running');
    // The small session's command was decided and stored while the worker still held the large roster.
    expect(pool.finishedAt).toBeNull();

    const { state } = await preview;
    expect(pool.finishedAt).toBeGreaterThan(smallDone);
    const seated = state.preview!.groups.flatMap((g) => g.members);
    expect(seated).toHaveLength(10_000);
    expect(new Set(seated).size).toBe(10_000);
    expect(state.preview!.algorithm).toBe(diverseAssigner.algorithm);
  });

  it('keeps the groups formed when a few people leave while they are formed, and forms them again when many do', async () => {
    const id = await sessionOf(500);
    let reached = pool.nextStart();
    const first = host.execute(id, (s, ctx) => previewGroups(s, moderator, { step: 1 }, ctx));
    await reached;
    presence.away.add('p7');
    const { state } = await first;
    const grouped = pool.started.at(-1)!.request.members.map((m) => m.id);
    expect(grouped).toContain('p7');
    const seated = state.preview!.groups.flatMap((g) => g.members);
    expect(seated).not.toContain('p7');
    expect(seated).toHaveLength(499);
    // One round of the engine: the person who left is taken out of the groups computed, nobody moves.
    expect(pool.started.filter((s) => s.request.members.length === 499 || s.request.members.length === 500)).toHaveLength(1);

    const rounds = pool.started.length;
    reached = pool.nextStart();
    const second = host.execute(id, (s, ctx) => previewGroups(s, moderator, { step: 1, seed: 7 }, ctx));
    await reached;
    for (let i = 100; i < 200; i++) presence.away.add(`p${i}`);
    const again = await second;
    // A hundred people left: a second round of the engine, on the people still here.
    expect(pool.started.length).toBe(rounds + 2);
    expect(pool.started.at(-1)!.request.members).toHaveLength(399);
    expect(again.state.preview!.groups.flatMap((g) => g.members).sort()).toEqual(pool.started.at(-1)!.request.members.map((m) => m.id).sort());
    presence.away.clear();
  });

  it('forms the groups of the next breakout ahead once the session is quiet, and opens the rooms with them', async () => {
    const id = await sessionOf(300);
    await host.execute(id, (s, ctx) => driveAgenda(s, moderator, { type: 'start' }, ctx));
    const formed = pool.nextFinish(300);
    clock.advance(1000);
    const ahead = await formed;
    const rounds = pool.started.length;
    presence.away.add('p3');
    const { state } = await host.execute(id, (s, ctx) => driveAgenda(s, moderator, { type: 'next' }, ctx));
    // No new round of the engine: the groups formed ahead, less the one person who left meanwhile.
    expect(pool.started.length).toBe(rounds);
    expect(state.stepIndex).toBe(1);
    expect(state.groups.map((g) => g.members)).toEqual(ahead.groups.map((g) => g.members.filter((m) => m !== 'p3')).filter((g) => g.length > 0));
    presence.away.clear();
  });
});
