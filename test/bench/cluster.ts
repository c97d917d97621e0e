/**
 * Several nodes on one Redis: "open the rooms" with N participants connected, spread over the
 * nodes, from the moderator's command until every client knows its group and holds its notes
 * token; on 1 node and on 2 nodes in the same run, both on Redis (the nodes and the clients are
 * processes of their own; everything on loopback). Then Redis operations per change: commands
 * Redis ran (INFO commandstats) for a series of changes, less what the nodes do when idle.
 *
 * Run: npm run bench -- cluster   (BENCH_CLUSTER_CLIENTS=2000 by default: what opens in a bounded
 * run on 2 cores beside two nodes and Redis, where the goal is 10,000; BENCH_CLUSTER_NODES=1,2)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack } from '../../shared/protocol';
import { TestCluster } from '../support/cluster';
import { startRedis } from '../support/redis-server';
import { createSession, igfAgenda, rosterCsv } from '../support/test-server';
import type { FromClusterClients, ToClusterClients } from './cluster-clients';

const CLIENTS = Number.parseInt(process.env.BENCH_CLUSTER_CLIENTS ?? '2000', 10) || 2000;
const NODE_COUNTS = (process.env.BENCH_CLUSTER_NODES ?? '1,2').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const BUDGET_MS = 480_000;
const CASE_MS = 60_000;
/** Joining is what takes longest on a loaded machine: it gets a bound of its own. */
const JOIN_MS = 150_000;
const CHANGES = 30;
const clientsScript = fileURLToPath(new URL('./cluster-clients.ts', import.meta.url));

interface Row {
  nodes: number;
  connectMs: number | null;
  grouped: number;
  tokens: number;
  groupedP50: number | null;
  groupedLast: number | null;
  tokenLast: number | null;
  note: string;
}

const quantile = (xs: number[], q: number) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: out of time after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

function nextMessage<T extends FromClusterClients['type']>(child: ChildProcess, type: T): Promise<Extract<FromClusterClients, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromClusterClients) => {
      if (m.type === 'failed') {
        child.off('message', onMessage);
        reject(new Error(m.message));
      } else if (m.type === type) {
        child.off('message', onMessage);
        resolve(m as Extract<FromClusterClients, { type: T }>);
      }
    };
    child.on('message', onMessage);
  });
}

/** Commands Redis has run so far, by command. */
async function commandStats(redis: ReturnType<typeof createClient>): Promise<Map<string, number>> {
  const text = String(await redis.sendCommand(['INFO', 'commandstats']));
  const stats = new Map<string, number>();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>();
  for (const [cmd, n] of after) if (n - (before.get(cmd) ?? 0) > 0 && cmd !== 'info') d.set(cmd, n - (before.get(cmd) ?? 0));
  return d;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function openTheRooms(nodes: number, deadline: number, opsRow: (line: string) => void): Promise<Row> {
  // A Redis of each case's own: nothing of one case (streams, leases, presence) weighs on the next.
  const redis = await startRedis();
  const admin: ReturnType<typeof createClient> = createClient({ url: redis.url });
  await admin.connect();
  const row: Row = { nodes, connectMs: null, grouped: 0, tokens: 0, groupedP50: null, groupedLast: null, tokenLast: null, note: '' };
  const cluster = new TestCluster(redis.url, 10_000, 500);
  const clients = fork(clientsScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const moderator: { close(): void }[] = [];
  try {
    const started = await Promise.all(Array.from({ length: nodes }, (_, i) => cluster.start(`bench${i + 1}`)));
    const agenda = { ...igfAgenda, agenda: [{ kind: 'plenary' as const, title: 'Opening', minutes: 30 }, igfAgenda.agenda[1]!] };
    const session = await createSession(started[0]!.server, rosterCsv(CLIENTS), agenda);
    const mod = connect(started[0]!.server.url, { auth: { token: session.moderatorToken, protocol: PROTOCOL_VERSION }, transports: ['websocket'], reconnection: false, forceNew: true });
    moderator.push(mod);
    await new Promise((resolve) => mod.once('state', resolve));
    const command = async (type: string, extra: Record<string, unknown> = {}) => {
      const ack = (await mod.timeout(30_000).emitWithAck('agenda:command', { type, ...extra })) as Ack;
      if (!ack.ok) throw new Error(`${type}: ${ack.error.message}`);
    };
    await command('start');
    const connected = nextMessage(clients, 'connected');
    const auths = [...session.tokens.values()].map((token) => ({ token, protocol: PROTOCOL_VERSION }));
    clients.send({ type: 'connect', urls: started.map((n) => n.server.url), auths, batch: 100 } satisfies ToClusterClients);
    const joinStart = Date.now();
    row.connectMs = (
      await withTimeout(connected, Math.max(1000, Math.min(JOIN_MS, deadline - Date.now())), 'joining').catch(async (error: Error) => {
        // Out of time: say how far joining got.
        const samples = nextMessage(clients, 'samples');
        clients.send({ type: 'collect' } satisfies ToClusterClients);
        throw new Error(`${error.message} (${(await samples).joined} of ${CLIENTS} joined in ${Date.now() - joinStart} ms)`);
      })
    ).ms;

    // Everyone counted as present where the moderator is (presence crosses nodes a moment later).
    let seen = 0;
    await withTimeout(
      new Promise<void>((resolve) => {
        const onState = (view: { presence?: { connected?: number } }) => {
          seen = view.presence?.connected ?? seen;
          if (view.presence?.connected !== CLIENTS) return;
          mod.off('state', onState);
          resolve();
        };
        mod.on('state', onState);
      }),
      Math.max(1000, Math.min(CASE_MS, deadline - Date.now())),
      'everyone present',
    ).catch((error: Error) => {
      throw new Error(`${error.message} (${seen} of ${CLIENTS} present)`);
    });
    clients.send({ type: 'arm' } satisfies ToClusterClients);
    const done = nextMessage(clients, 'progress');
    const t0 = Date.now();
    await command('next');
    try {
      await withTimeout(done, Math.max(1000, Math.min(CASE_MS, deadline - Date.now())), 'opening the rooms');
    } catch (error) {
      row.note = (error as Error).message;
    }
    const samples = nextMessage(clients, 'samples');
    clients.send({ type: 'collect' } satisfies ToClusterClients);
    const { groupedAt, tokenAt, refused } = await samples;
    const since = (xs: number[]) => xs.map((x) => x - t0);
    row.grouped = groupedAt.length;
    row.tokens = tokenAt.length;
    row.groupedP50 = quantile(since(groupedAt), 0.5);
    row.groupedLast = groupedAt.length ? Math.max(...since(groupedAt)) : null;
    row.tokenLast = tokenAt.length ? Math.max(...since(tokenAt)) : null;
    if (refused) row.note += ` ${refused} tokens refused`;

    // Redis operations per change, with everyone connected: idle first, then the same time with changes.
    if (Date.now() < deadline - 20_000) {
      const idleFrom = await commandStats(admin);
      const idleStart = Date.now();
      // Leases and heartbeats tick every few seconds: a window that holds several.
      await new Promise((resolve) => setTimeout(resolve, 8000));
      const idleMs = Date.now() - idleStart;
      const idle = delta(idleFrom, await commandStats(admin));
      const from = await commandStats(admin);
      const changeStart = Date.now();
      for (let i = 0; i < CHANGES; i++) await command('extend', { minutes: 1 });
      const changeMs = Date.now() - changeStart;
      const busy = delta(from, await commandStats(admin));
      const background = (total(idle) / Math.max(1, idleMs)) * changeMs;
      const perChange = (total(busy) - background) / CHANGES;
      const top = [...busy].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([c, n]) => `${c} ${(n / CHANGES).toFixed(1)}`).join(', ');
      opsRow(`  ${nodes} node${nodes > 1 ? 's' : ''}: ${perChange.toFixed(1)} Redis ops per change (${CHANGES} agenda changes, ${CLIENTS} clients connected; idle background ${(total(idle) / Math.max(1, idleMs) * 1000).toFixed(0)} ops/s subtracted); per change: ${top}`);
    }
  } catch (error) {
    row.note = `${row.note} ${(error as Error).message}`.trim();
  } finally {
    for (const m of moderator) m.close();
    clients.send({ type: 'exit' } satisfies ToClusterClients);
    if (clients.exitCode === null) await Promise.race([once(clients, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
    if (clients.exitCode === null) clients.kill('SIGKILL');
    await cluster.close();
    await admin.close();
    await redis.stop();
  }
  return row;
}

export async function run(): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const rows: Row[] = [];
  const ops: string[] = [];
  const fmt = (x: number | null) => (x === null ? '—' : `${x} ms`);
  const print = () => {
    console.log(`Open the rooms with ${CLIENTS} participants connected (nodes on one Redis, clients spread over them; 2 cores shared by nodes, clients and Redis):`);
    console.log('  nodes  connect   grouped  p50 grouped  last grouped  last holds token  note');
    for (const r of rows) {
      console.log(
        `  ${String(r.nodes).padEnd(5)}  ${fmt(r.connectMs).padStart(8)}  ${`${r.grouped}/${CLIENTS}`.padStart(9)}  ${fmt(r.groupedP50).padStart(11)}  ${fmt(r.groupedLast).padStart(12)}  ${fmt(r.tokenLast).padStart(16)}  ${r.note}`,
      );
    }
    console.log('  goal (10,000 over 2 nodes): every client grouped and holding its token within 2000 ms');
    if (ops.length > 0) console.log('Redis operations per change:');
    for (const line of ops) console.log(line);
  };
  try {
    for (const nodes of NODE_COUNTS) {
      if (Date.now() > deadline - 30_000) {
        rows.push({ nodes, connectMs: null, grouped: 0, tokens: 0, groupedP50: null, groupedLast: null, tokenLast: null, note: 'not run: out of time' });
        continue;
      }
      rows.push(await openTheRooms(nodes, deadline, (line) => ops.push(line)));
    }
  } finally {
    print();
  }
}
