import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionView } from '../../shared/session';
import type { Ack } from '../../shared/protocol';
import { TestCluster } from '../support/cluster';
import { startRedis, type TestRedis } from '../support/redis-server';
import { createSession, liveClient, nextEvent, rosterCsv, type LiveClient } from '../support/test-server';

// Nodes are processes of their own that take several seconds each to start on a busy machine:
// these tests get two minutes (each waits on events, never on time).
let redis: TestRedis;
let cluster: TestCluster;
const clients: LiveClient[] = [];

beforeEach(async () => {
  // AOF fsynced on every write, in a directory of its own: what Redis acknowledged survives kill -9.
  redis = await startRedis({ aof: true });
  cluster = new TestCluster(redis.url);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster.close();
  await redis.stop();
});

const raise = async (client: LiveClient) => (await client.timeout(8000).emitWithAck('hand:raise', { raised: true })) as Ack;

it('Redis killed and restarted mid-session: not ready while it is away, ready again without a restart, nothing acknowledged lost', async () => {
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
  const session = await createSession(a.server, rosterCsv(4));
  const [p1, p2, p3] = [...session.tokens.values()];
  const onA = liveClient(a.server.url, p1!);
  const onB = liveClient(b.server.url, p2!);
  const later = liveClient(b.server.url, p3!);
  clients.push(onA, onB, later);
  await Promise.all([onA, onB, later].map((c) => nextEvent(c, 'state')));
  expect((await a.server.api(`/api/sessions/${session.id}/agenda/start`, { method: 'POST' })).status).toBe(200);
  expect((await raise(onA)).ok).toBe(true);
  expect((await raise(onB)).ok).toBe(true);

  const away = Promise.all([a.redisHealth(false), b.redisHealth(false)]);
  await redis.kill();
  await away;
  for (const node of [a, b]) {
    const ready = await node.server.api('/readyz', { token: null });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'redis-unavailable' });
    // Alive all the same: a load balancer keeps it, it just sends it no new work.
    expect((await node.server.api('/healthz', { token: null })).status).toBe(200);
  }

  const back = Promise.all([a.redisHealth(true), b.redisHealth(true)]);
  await redis.restart();
  await back;
  for (const node of [a, b]) expect((await node.server.api('/readyz', { token: null })).status).toBe(200);

  // Both acknowledged hands are there, on either node…
  const stored = SessionView.parse(await (await b.server.api(`/api/sessions/${session.id}`)).json());
  expect(stored.hands).toHaveLength(2);
  expect(stored.status).toBe('running');
  // …and the session goes on: a change made on one node reaches the clients of the other.
  const seenOnA = nextEvent(onA, 'state', (v) => v.hands.length === 3);
  expect((await raise(later)).ok).toBe(true);
  expect((await seenOnA).hands).toHaveLength(3);
}, 120_000);
