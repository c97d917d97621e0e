import { afterEach, beforeEach, expect, it } from 'vitest';
import { LeasedAgendaTimers, deadlinesKey } from '../../server/src/cluster/agenda-leases';
import { nextDeadline } from '../../server/src/domain/agenda';
import type { SessionState } from '../../server/src/domain/session';
import { ManualClock } from '../support/manual-clock';
import { redisForThisFile } from '../support/redis-server';
import { t0 } from './domain/fixtures';

const leaseMs = 3000;
const redis = redisForThisFile();
let clock: ManualClock;
const timers: LeasedAgendaTimers[] = [];
const errors: unknown[] = [];

beforeEach(() => {
  clock = new ManualClock(t0);
});
afterEach(async () => {
  await Promise.all(timers.splice(0).map((t) => t.close()));
  await redis.client.flushDb();
  expect(errors.splice(0)).toEqual([]);
});

/** A running session whose step ends in a minute (no warnings: its next deadline is the end). */
const running = (version = 2): SessionState =>
  ({ id: 's1', version, status: 'running', stepIndex: 0, endsAt: t0 + 60_000, announced: [], agenda: [{ kind: 'plenary', title: 'Opening', minutes: 1, warnings: [], advance: 'hold', speakers: [] }] }) as unknown as SessionState;
const ended = (): SessionState => ({ ...running(3), status: 'ended', endsAt: null }) as unknown as SessionState;

/** The session as stored: its firing ends it. */
let stored: SessionState;
beforeEach(() => {
  stored = running();
});

/** A node: its timers, and the sessions its clock fired. */
function node(name: string) {
  const fired: string[] = [];
  const t = new LeasedAgendaTimers(
    { redis: redis.client, clock, nodeId: name, leaseMs, reload: async () => stored, onError: (error) => void errors.push(error) },
    async (id) => {
      fired.push(id);
      stored = ended();
      return stored;
    },
  );
  timers.push(t);
  return { t, fired };
}

it('of the nodes that hear a change, only the lease holder arms the deadline, and it fires once', async () => {
  expect(nextDeadline(running())).toBe(t0 + 60_000);
  const a = node('a');
  const b = node('b');
  a.t.arm(running());
  b.t.arm(running());
  await Promise.all([a.t.settled(), b.t.settled()]);
  expect([...a.t.held]).toEqual(['s1']);
  expect([...b.t.held]).toEqual([]);
  expect(await redis.client.zScore(deadlinesKey, 's1')).toBe(t0 + 60_000);

  clock.advance(60_000);
  await Promise.all([a.t.settled(), b.t.settled()]);
  expect(a.fired).toEqual(['s1']);
  expect(b.fired).toEqual([]);
  // The session ended: no deadline left, the lease and the index entry are given up.
  expect(a.t.held.size).toBe(0);
  expect(await redis.client.zScore(deadlinesKey, 's1')).toBeNull();
  expect(await redis.client.exists('rt:agenda-lease:s1')).toBe(0);
});

it('when the holder’s lease lapses, another node takes the session over from the deadline index; the old holder stands down', async () => {
  const a = node('a');
  const b = node('b');
  a.t.arm(running());
  b.t.arm(running());
  await Promise.all([a.t.settled(), b.t.settled()]);
  // Node a stalls past its lease: Redis lets the lease go.
  await redis.client.del('rt:agenda-lease:s1');

  clock.advance(leaseMs / 3);
  await Promise.all([a.t.settled(), b.t.settled()]);
  expect([...b.t.held]).toEqual(['s1']);
  expect(a.t.held.size).toBe(0);

  clock.advance(60_000);
  await Promise.all([a.t.settled(), b.t.settled()]);
  expect(b.fired).toEqual(['s1']);
  expect(a.fired).toEqual([]);
});

it('a node that closes hands its leases back at once', async () => {
  const a = node('a');
  a.t.arm(running());
  await a.t.settled();
  await a.t.close();
  expect(await redis.client.exists('rt:agenda-lease:s1')).toBe(0);
  // The deadline stays in the index, for the next node's sweep.
  expect(await redis.client.zScore(deadlinesKey, 's1')).toBe(t0 + 60_000);
});
