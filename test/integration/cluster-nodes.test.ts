import { createClient } from 'redis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuditLog } from '../../shared/api';
import type { Ack } from '../../shared/protocol';
import { SessionView, type CreateSessionInput, type Seat } from '../../shared/session';
import { TestCluster, type ClusterNode } from '../support/cluster';
import { startRedis, type TestRedis } from '../support/redis-server';
import { createSession, igfAgenda, joinScreen, liveClient, rosterCsv, type LiveClient } from '../support/test-server';

// Nodes are processes of their own that take several seconds each to start on a busy machine:
// these tests get two minutes (each waits on events, never on time).
let redis: TestRedis;
let cluster: TestCluster;
const clients: LiveClient[] = [];

beforeEach(async () => {
  redis = await startRedis();
  cluster = new TestCluster(redis.url);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster.close();
  await redis.stop();
});

/** Someone in the session: every state they were sent, on whichever node they are connected to. */
interface Watcher {
  id: string;
  token: string;
  node: ClusterNode;
  client: LiveClient;
  /** Per connection, the states received on it. */
  connections: SessionView[][];
  until(match: (view: SessionView) => boolean): Promise<SessionView>;
  /** Does what the join screen does, on the latest connection (nothing once they have joined). */
  join(): Promise<void>;
  /** Connects again, to `node` (the old connection is left as it is). */
  moveTo(node: ClusterNode): void;
}

function watch(id: string, token: string, node: ClusterNode): Watcher {
  const waiters: Array<{ match: (v: SessionView) => boolean; resolve: (v: SessionView) => void }> = [];
  const w = { id, token, connections: [] } as unknown as Watcher;
  let seat: Promise<Seat>;
  const connectTo = (to: ClusterNode) => {
    const client = liveClient(to.server.url, token);
    seat = new Promise((resolve) => client.once('welcome', (welcome) => resolve(welcome.seat)));
    clients.push(client);
    const views: SessionView[] = [];
    w.connections.push(views);
    w.node = to;
    w.client = client;
    client.on('state', (raw) => {
      const view = SessionView.parse(raw);
      views.push(view);
      for (const waiter of [...waiters]) {
        if (!waiter.match(view)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(view);
      }
    });
  };
  connectTo(node);
  w.until = (match) =>
    new Promise((resolve) => {
      const found = w.connections.at(-1)!.find(match);
      if (found) resolve(found);
      else waiters.push({ match, resolve });
    });
  w.join = async () => joinScreen(w.client, await seat);
  w.moveTo = connectTo;
  return w;
}

/** The steps a connection saw, each run of states at one step counted once. */
const stepsSeen = (views: SessionView[]) =>
  views.filter((v) => v.status === 'running').map((v) => v.stepIndex).filter((s, i, all) => i === 0 || all[i - 1] !== s);

const agenda: CreateSessionInput = {
  ...igfAgenda,
  agenda: [
    { kind: 'plenary', title: 'Welcome (3 seconds)', minutes: 0.05, advance: 'auto' },
    // Long enough for a node to be killed and its lease to lapse and be taken over within it.
    { kind: 'plenary', title: 'Opening (6 seconds)', minutes: 0.1, advance: 'auto' },
    { kind: 'plenary', title: 'Report-back', minutes: 30, advance: 'hold' },
  ],
};

it('three nodes on one Redis: clients spread over them see each step once and in order, the clock fires once, and kill -9 of the node holding the clock loses nothing acknowledged', async () => {
  const nodes = await Promise.all(['a', 'b', 'c'].map((name) => cluster.start(name)));
  const session = await createSession(nodes[0]!.server, rosterCsv(9), agenda);
  const watchers = [...session.tokens].map(([id, token], i) => watch(id, token, nodes[i % 3]!));
  await Promise.all(watchers.map((w) => w.until((v) => v.status === 'lobby')));
  // Each joins on the node they are connected to; only then do they count as present.
  await Promise.all(watchers.map((w) => w.join()));
  // Everyone is counted as present on every node, wherever they are connected.
  await Promise.all(watchers.map((w) => w.until((v) => v.presence.connected === 9)));

  // Started on the second node; the clock runs on whichever node holds the session's lease.
  const started = await nodes[1]!.server.api(`/api/sessions/${session.id}/agenda/start`, { method: 'POST' });
  expect(started.status).toBe(200);
  await Promise.all(watchers.map((w) => w.until((v) => v.stepIndex === 1 && v.status === 'running')));

  const redisClient = createClient({ url: redis.url });
  await redisClient.connect();
  const holderName = await redisClient.get(`rt:agenda-lease:${session.id}`);
  await redisClient.close();
  const holder = nodes.find((n) => n.name === holderName)!;
  expect(holder, `lease held by ${holderName}`).toBeDefined();
  const survivors = nodes.filter((n) => n !== holder);
  const stranded = watchers.filter((w) => w.node === holder);

  // A change acknowledged by the node about to die.
  const raiser = stranded[0]!;
  const ack = (await raiser.client.timeout(5000).emitWithAck('hand:raise', { raised: true })) as Ack;
  expect(ack.ok).toBe(true);

  const gone = stranded.map((w) => new Promise<void>((resolve) => w.client.once('disconnect', () => resolve())));
  await holder.kill();
  await Promise.all(gone);
  // Its people reconnect to the other nodes and find the session as it was, the raised hand included.
  stranded.forEach((w, i) => w.moveTo(survivors[i % survivors.length]!));
  for (const w of stranded) {
    const resumed = await w.until(() => true);
    expect(resumed.stepIndex).toBeGreaterThanOrEqual(1);
    expect(resumed.hands.map((h) => h.id)).toContain(raiser.id);
  }

  // The clock is taken over and fires; everyone, on every node, reaches the last step.
  await Promise.all(watchers.map((w) => w.until((v) => v.stepIndex === 2)));
  const audit = AuditLog.parse(await (await survivors[0]!.server.api(`/api/sessions/${session.id}/audit`)).json()).entries;
  const advances = audit.filter((e) => e.action === 'auto-advance');
  expect(advances.map((e) => e.detail)).toHaveLength(2);
  expect(new Set(advances.map((e) => e.fromVersion)).size).toBe(2);

  for (const w of watchers) {
    // Versions never go back on a connection: no change is delivered after a later one.
    for (const views of w.connections) {
      const versions = views.map((v) => v.version);
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    }
    if (w.connections.length === 1) expect(stepsSeen(w.connections[0]!), w.id).toEqual([0, 1, 2]);
    else expect(stepsSeen(w.connections.flat()).filter((s, i, all) => i === 0 || all[i - 1] !== s), w.id).toEqual([0, 1, 2]);
  }
}, 120_000);
