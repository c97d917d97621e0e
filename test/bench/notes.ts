/**
 * Shared-notes benchmark: many groups typing into their notes at once against one Roundtable, and
 * the time to open a 200 KB document — each figure beside a baseline measured in the same run.
 *
 * - Typing: GROUPS × 5 people each type 5 keystrokes a second (and move their cursor every tenth
 *   keystroke: an awareness update) for SECONDS. Latency of a keystroke = from the moment it is typed to its arrival
 *   at each peer of the group, all clients in one other process (notes-clients.ts) on loopback.
 *   Measured in one run against three servers: a bare `ws` relay (no Yjs, no checks, no storage:
 *   the baseline), Roundtable in this process (SQLite), and Roundtable as `WORKERS=2` runs it (two
 *   node:cluster workers on one port, this process their primary, sharing a redis-server of their
 *   own). Server CPU counts every process of the server (workers, Redis, primary); event-loop delay
 *   is the worst process's p99.
 * - Load: a 200 KB document opened by y-websocket's own provider until synced, warm (in memory)
 *   and cold (first open after a restart, from SQLite). Baseline: a bare server that answers the
 *   provider with the same bytes.
 * A run past its time budget (NOTES_BENCH_BUDGET_S) skips what it cannot finish and prints what it measured.
 *
 * Run: npm run bench -- notes   (NOTES_BENCH_SECONDS=60, NOTES_BENCH_GROUPS=400, NOTES_BENCH_CURSOR_EVERY=10,
 *      NOTES_BENCH_WORKERS=2 (1: no cluster run), NOTES_BENCH_BUDGET_S=3×SECONDS+300; to study one server:
 *      NOTES_BENCH_SKIP_ONE=1 skips the one-process run, NOTES_BENCH_WORKER_ARGS="--cpu-prof" profiles the workers)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createServer, type Roundtable } from '../../server/src/app';
import { freePort, startRedis } from '../support/redis-server';
import type { ClientSpec, FromClients, ToClients } from './notes-clients';
import { adminToken, GROUP_SIZE, prepareBreakout, type FromWorker, type PreparedBreakout, type ToWorker } from './notes-node';

const here = dirname(fileURLToPath(import.meta.url));
const positive = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const SECONDS = positive('NOTES_BENCH_SECONDS', 60);
const GROUPS = Math.round(positive('NOTES_BENCH_GROUPS', 400));
const KEYS_PER_SECOND = 5;
/** A cursor move (awareness update) every this many keystrokes; 0 for none. */
const CURSOR_EVERY = Math.round(Number(process.env.NOTES_BENCH_CURSOR_EVERY ?? 10));
const LOAD_BYTES = 200 * 1024;
const LOAD_RUNS = 20;
const GOAL_P99_MS = 50;
const WORKERS = Math.round(positive('NOTES_BENCH_WORKERS', 2));
const BUDGET_S = positive('NOTES_BENCH_BUDGET_S', 3 * SECONDS + 300);

// ---------------------------------------------------------------------------------------------
// The client process.

class ClientProcess {
  readonly #child: ChildProcess;
  readonly #waiters = new Set<(m: FromClients) => void>();

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: FromClients) => {
      for (const w of [...this.#waiters]) w(m);
    });
  }

  static async spawn(): Promise<ClientProcess> {
    const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', join(here, 'notes-clients.ts')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const clients = new ClientProcess(child);
    await clients.#next('ready', 30_000);
    return clients;
  }

  #next<T extends FromClients['type']>(type: T, ms: number): Promise<Extract<FromClients, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`notes bench: no "${type}" from the client process within ${ms / 1000} s`));
      }, ms);
      const waiter = (m: FromClients) => {
        if (m.type !== type && m.type !== 'failed') return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        if (m.type === 'failed') reject(new Error(`client process: ${m.message}`));
        else resolve(m as Extract<FromClients, { type: T }>);
      };
      this.#waiters.add(waiter);
    });
  }

  request<T extends FromClients['type']>(message: ToClients, reply: T, ms: number): Promise<Extract<FromClients, { type: T }>> {
    const answer = this.#next(reply, ms);
    this.#child.send(message);
    return answer;
  }

  kill(): void {
    this.#child.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// The servers under test: a bare relay, Roundtable in one process, Roundtable in WORKERS processes on Redis.

/** What a server spent over the typing, however many processes it is. */
interface ServerMeasure {
  cpuMs: number;
  loopDelayP99Ms: number;
  rssMb: number;
  /** Each process's share, when there are several. */
  parts?: string;
}

interface Target {
  name: string;
  specs: ClientSpec[];
  handshake: boolean;
  startMeasure(): void;
  endMeasure(): Promise<ServerMeasure>;
  close(): Promise<void>;
}

function listen(http: HttpServer): Promise<string> {
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(http.address() as AddressInfo).port}`)));
}

/** This process's CPU, event-loop delay and RSS over the typing (it runs only the server then). */
function inThisProcess(): Pick<Target, 'startMeasure' | 'endMeasure'> {
  let cpu = process.cpuUsage();
  let delay: IntervalHistogram | null = null;
  let rssMax = 0;
  let sampler: NodeJS.Timeout | undefined;
  return {
    startMeasure() {
      delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      rssMax = process.memoryUsage().rss;
      sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
      cpu = process.cpuUsage();
    },
    async endMeasure() {
      const used = process.cpuUsage(cpu);
      delay?.disable();
      clearInterval(sampler);
      return { cpuMs: (used.user + used.system) / 1000, loopDelayP99Ms: (delay?.percentile(99) ?? 0) / 1e6, rssMb: Math.max(rssMax, process.memoryUsage().rss) / 2 ** 20 };
    },
  };
}

/** A ws server that relays every message to the other connections on the same path, and nothing else. */
async function bareRelay(groups: number): Promise<Target> {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const rooms = new Map<string, Set<NodeWebSocket>>();
  wss.on('connection', (ws, req) => {
    const room = rooms.get(req.url ?? '') ?? new Set();
    rooms.set(req.url ?? '', room);
    room.add(ws);
    ws.on('message', (data: Buffer) => {
      for (const peer of room) if (peer !== ws && peer.readyState === NodeWebSocket.OPEN) peer.send(data);
    });
    ws.on('close', () => room.delete(ws));
  });
  const host = await listen(http);
  const specs = Array.from({ length: groups * GROUP_SIZE }, (_, i) => ({ url: `ws://${host}/room-${Math.floor(i / GROUP_SIZE)}`, group: Math.floor(i / GROUP_SIZE) }));
  return {
    name: 'bare ws relay',
    specs,
    handshake: false,
    ...inThisProcess(),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

function startRoundtable(dataDir: string): { roundtable: Roundtable; listening: Promise<string> } {
  const roundtable = createServer(
    { port: 0, host: '127.0.0.1', dataDir, adminToken, publicUrl: undefined, logLevel: 'silent', store: 'sqlite' },
    { logger: pino({ level: 'silent' }) },
  );
  return { roundtable, listening: roundtable.listen() };
}

/** Roundtable in this process with SQLite in a temp directory, one session in its breakout. */
async function roundtableTarget(groups: number, dataDir: string): Promise<Target & { roundtable: Roundtable } & PreparedBreakout> {
  const { roundtable, listening } = startRoundtable(dataDir);
  const breakout = await prepareBreakout(roundtable, await listening, groups);
  return {
    name: 'Roundtable, 1 process',
    handshake: true,
    roundtable,
    ...breakout,
    ...inThisProcess(),
    close: () => roundtable.close(),
  };
}

/** Clock ticks of CPU a process has used (user + system), from /proc. */
function ticksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
const msPerTick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

function redisPidOn(port: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('redis-server') && cmd.includes(`:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/**
 * Roundtable as `WORKERS=n` runs it: n node:cluster workers sharing one port (this process is
 * their primary and hands out the connections), sharing everything through a redis-server of
 * their own. Its CPU is the workers', Redis's and the primary's together.
 */
async function workersTarget(workers: number, groups: number, dataDir: string): Promise<Target> {
  const redis = await startRedis();
  const redisPid = redisPidOn(redis.port);
  const port = await freePort();
  cluster.setupPrimary({ exec: join(here, 'notes-node.ts'), execArgv: ['--max-old-space-size=4096', '--import', 'tsx', ...(process.env.NOTES_BENCH_WORKER_ARGS ?? '').split(' ').filter(Boolean)], silent: false });
  const nodes: Worker[] = [];
  const next = <T extends FromWorker['type']>(w: Worker, type: T, ms: number) =>
    new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`notes bench: no "${type}" from a worker within ${ms / 1000} s`)), ms);
      const onMessage = (m: FromWorker) => {
        if (m.type !== type && m.type !== 'failed') return;
        clearTimeout(timer);
        w.off('message', onMessage);
        if (m.type === 'failed') reject(new Error(`notes bench worker: ${m.message}`));
        else resolve(m as Extract<FromWorker, { type: T }>);
      };
      w.on('message', onMessage);
    });
  const stopAll = async () => {
    await Promise.all(
      nodes.map(async (w) => {
        if (w.isDead()) return;
        const exited = new Promise((resolve) => w.once('exit', resolve));
        w.send({ type: 'close' } satisfies ToWorker);
        const killer = setTimeout(() => w.process.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }),
    );
    await redis.stop();
  };
  try {
    for (let i = 1; i <= workers; i++) {
      const w = cluster.fork({ DATA_DIR: dataDir, REDIS_URL: redis.url, NODE_ID: `notes-bench-${i}`, PORT: String(port) });
      nodes.push(w);
    }
    await Promise.all(nodes.map((w) => next(w, 'listening', 120_000)));
    const prepared = next(nodes[0]!, 'prepared', 180_000);
    nodes[0]!.send({ type: 'prepare', groups } satisfies ToWorker);
    const { breakout } = await prepared;
    let primaryCpu = process.cpuUsage();
    let redisTicks = 0;
    return {
      name: `Roundtable, WORKERS=${workers}`,
      specs: breakout.specs,
      handshake: true,
      startMeasure() {
        for (const w of nodes) w.send({ type: 'measure' } satisfies ToWorker);
        primaryCpu = process.cpuUsage();
        redisTicks = redisPid ? ticksOf(redisPid) : 0;
      },
      async endMeasure() {
        const answers = nodes.map((w) => next(w, 'measured', 30_000));
        for (const w of nodes) w.send({ type: 'measured' } satisfies ToWorker);
        const measures = (await Promise.all(answers)).map((a) => a.measure);
        const primary = process.cpuUsage(primaryCpu);
        const primaryMs = (primary.user + primary.system) / 1000;
        const redisMs = redisPid ? (ticksOf(redisPid) - redisTicks) * msPerTick : 0;
        const workersMs = measures.reduce((sum, m) => sum + m.cpuMs, 0);
        return {
          cpuMs: workersMs + redisMs + primaryMs,
          loopDelayP99Ms: Math.max(...measures.map((m) => m.loopDelayP99Ms)),
          rssMb: measures.reduce((sum, m) => sum + m.rssMb, 0),
          parts: `workers ${measures.map((m) => `${(m.cpuMs / 1000).toFixed(1)}`).join(' + ')} s, redis ${(redisMs / 1000).toFixed(1)} s, primary ${(primaryMs / 1000).toFixed(1)} s; loop delay p99 ${measures.map((m) => ms(m.loopDelayP99Ms)).join(' / ')}`,
        };
      },
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface TypingResult {
  name: string;
  connected: Extract<FromClients, { type: 'connected' }>;
  typed: Extract<FromClients, { type: 'typed' }>;
  server: ServerMeasure;
  cpuPercent: number;
  /** Server CPU ms per 1000 keystrokes typed: what each keystroke costs, however busy the machine. */
  cpuPerThousand: number;
  loadBefore: number;
}

async function typing(clients: ClientProcess, target: Target): Promise<TypingResult> {
  const connected = await clients.request({ type: 'connect', clients: target.specs, batch: 100, handshake: target.handshake }, 'connected', 180_000);
  if (connected.open < target.specs.length) console.log(`  ${target.name}: ${connected.failed} connections failed (first: ${connected.firstError})`);
  const loadBefore = loadavg()[0]!;
  target.startMeasure();
  const started = performance.now();
  const typed = await clients.request({ type: 'type', seconds: SECONDS, perSecond: KEYS_PER_SECOND, cursorEvery: CURSOR_EVERY }, 'typed', (SECONDS + 60) * 1000);
  const elapsed = performance.now() - started;
  const server = await target.endMeasure();
  await clients.request({ type: 'close' }, 'closed', 60_000);
  return {
    name: target.name,
    connected,
    typed,
    server,
    cpuPercent: (server.cpuMs / elapsed) * 100,
    cpuPerThousand: server.cpuMs / (typed.sent / 1000),
    loadBefore,
  };
}

/** The typing figures of every server measured, each beside the relay's (the first). */
function printTyping(results: TypingResult[], people: number): void {
  if (results.length === 0) return;
  const [relay] = results;
  const width = 24;
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '');
  const line = (label: string, cells: Array<[string, string]>) =>
    console.log(`  ${label.padEnd(34)} ${cells.map(([v, r], i) => (i === 0 ? v.padEnd(width) : `${v} ${r ? `(${r})` : ''}`.padEnd(width + 2))).join(' ')}`);
  const cells = (value: (r: TypingResult) => number, show: (x: number) => string, compare = true): Array<[string, string]> =>
    results.map((r, i) => [show(value(r)), compare && i > 0 ? ratio(value(r), value(relay!)) : '']);
  console.log('');
  line('', results.map((r) => [r.name, '']));
  const scheduled = people * KEYS_PER_SECOND * SECONDS;
  line('connections open (time to open)', results.map((r) => [`${r.connected.open}/${people} (${(r.connected.ms / 1000).toFixed(1)} s)`, '']));
  line('keystrokes typed / scheduled', results.map((r) => [`${r.typed.sent}/${scheduled}`, '']));
  line('arrivals at peers / expected', results.map((r) => [`${r.typed.received}/${r.typed.expected}`, '']));
  line('keystroke → peer p50', cells((r) => r.typed.latency.p50, ms));
  line('keystroke → peer p90', cells((r) => r.typed.latency.p90, ms));
  line('keystroke → peer p99', cells((r) => r.typed.latency.p99, ms));
  line('keystroke → peer max', cells((r) => r.typed.latency.max, ms));
  line('server CPU (100% = one core)', cells((r) => r.cpuPercent, (x) => `${x.toFixed(0)}%`));
  line('server CPU per 1000 keystrokes', cells((r) => r.cpuPerThousand, (x) => `${x.toFixed(0)} ms`));
  line('server RSS at end', cells((r) => r.server.rssMb, (x) => `${x.toFixed(0)} MB`, false));
  line('server event-loop delay p99', cells((r) => r.server.loopDelayP99Ms, ms));
  line('client process CPU', cells((r) => (r.typed.clientCpuMs / (SECONDS * 1000)) * 100, (x) => `${x.toFixed(0)}%`, false));
  line('connections closed by the server', results.map((r) => [JSON.stringify(r.typed.closes), '']));
  line('machine load average at start', results.map((r) => [r.loadBefore.toFixed(1), '']));
  for (const r of results) if (r.server.parts) console.log(`  ${r.name}: ${r.server.parts}`);
  for (const r of results.slice(1)) {
    const p99 = r.typed.latency.p99;
    const goals = [
      `p99 ≤ ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS ? 'met' : 'NOT met'}`,
      `p99 ≤ 1.3× relay: ${p99 <= 1.3 * relay!.typed.latency.p99 ? 'met' : 'NOT met'}`,
      `CPU/1000 ≤ 1.3× relay: ${r.cpuPerThousand <= 1.3 * relay!.cpuPerThousand ? 'met' : 'NOT met'}`,
    ];
    console.log(`  goals, ${r.name}: ${goals.join('; ')}`);
  }
}

/** A document of about `bytes` of text written the way notes are: paragraphs typed here and there, some words struck. */
function bigDocument(bytes: number): Uint8Array {
  const doc = new Y.Doc();
  const text = doc.getText('notes');
  const words = ['trust', 'network', 'community', 'access', 'local', 'rights', 'privacy', 'youth', 'schools', 'libraries', 'cost', 'speed', 'language'];
  let n = 0;
  while (text.length < bytes) {
    const sentence = Array.from({ length: 12 }, (_, i) => words[(n * 7 + i * 3) % words.length]).join(' ');
    const at = n % 3 === 0 ? text.length : Math.floor((text.length * ((n * 37) % 100)) / 100);
    text.insert(at, `${n % 10 === 0 ? '\n# Point ' + n + '\n' : ''}- ${sentence}.\n`);
    if (n % 5 === 4 && text.length > 40) text.delete(Math.floor(text.length / 2), 6);
    n++;
  }
  return Y.encodeStateAsUpdate(doc);
}

/** Opens the notes with y-websocket's provider and resolves with the ms until synced. */
async function timeToSync(serverUrl: string, room: string, token: string | null): Promise<{ ms: number; length: number }> {
  const doc = new Y.Doc();
  const started = performance.now();
  const provider = new WebsocketProvider(serverUrl, room, doc, {
    WebSocketPolyfill: NodeWebSocket as unknown as typeof WebSocket,
    disableBc: true,
    params: token ? { token } : {},
  });
  await new Promise<void>((resolve) => provider.on('sync', (s: boolean) => s && resolve()));
  const ms = performance.now() - started;
  const length = doc.getText('notes').length;
  provider.destroy();
  doc.destroy();
  return { ms, length };
}

/** A bare server that answers a provider's sync step 1 with the same bytes Roundtable would send. */
async function bareLoadServer(state: Uint8Array): Promise<{ url: string; close(): Promise<void> }> {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  // y-websocket's sync message, step 2, with the document's state.
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, state);
  const message = encoding.toUint8Array(encoder);
  wss.on('connection', (ws) => ws.once('message', () => ws.send(message)));
  const host = await listen(http);
  return {
    url: `ws://${host}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : 'n/a');
const row = (label: string, a: string, b: string) => console.log(`  ${label.padEnd(34)} ${a.padEnd(22)} ${b}`);

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const people = GROUPS * GROUP_SIZE;
  const deadline = Date.now() + BUDGET_S * 1000;
  console.log(
    `notes: ${cpus().length} cores; ${GROUPS} groups × ${GROUP_SIZE} people, ${KEYS_PER_SECOND} keystrokes/s each${CURSOR_EVERY > 0 ? ` (a cursor move every ${CURSOR_EVERY})` : ''}, ${SECONDS} s; clients in another process, loopback; time budget ${BUDGET_S} s`,
  );
  const clients = await ClientProcess.spawn();
  const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-notes-bench-'));
  const workersDir = mkdtempSync(join(tmpdir(), 'roundtable-notes-bench-workers-'));
  const results: TypingResult[] = [];
  const phases: Array<{ name: string; run: () => Promise<void> }> = [];
  let target: Awaited<ReturnType<typeof roundtableTarget>> | null = null;
  phases.push({
    name: 'bare ws relay',
    run: async () => {
      const bare = await bareRelay(GROUPS);
      try {
        results.push(await typing(clients, bare));
      } finally {
        await bare.close();
      }
    },
  });
  if (!process.env.NOTES_BENCH_SKIP_ONE) phases.push({
    name: 'Roundtable, 1 process',
    run: async () => {
      target = await roundtableTarget(GROUPS, dataDir);
      results.push(await typing(clients, target));
      const stats = target.roundtable.notes.stats;
      console.log(
        `  Roundtable, 1 process, stored ${stats.flushes} appends (${(stats.flushedBytes / 2 ** 20).toFixed(1)} MB), ${stats.compactions} snapshots; refused: ${stats.refusedRateLimited} rate, ${stats.refusedTooLarge} size, ${stats.refusedMalformed} malformed`,
      );
    },
  });
  if (WORKERS > 1) {
    phases.push({
      name: `Roundtable, WORKERS=${WORKERS}`,
      run: async () => {
        const workers = await workersTarget(WORKERS, GROUPS, workersDir);
        try {
          results.push(await typing(clients, workers));
        } finally {
          await workers.close();
        }
      },
    });
  }
  try {
    for (const phase of phases) {
      // Typing takes SECONDS and connecting a little more: a phase that cannot finish in the budget is not started.
      if (Date.now() + (SECONDS + 30) * 1000 > deadline) {
        console.log(`  ${phase.name}: not measured (past the time budget of ${BUDGET_S} s)`);
        continue;
      }
      try {
        await phase.run();
      } catch (error) {
        console.log(`  ${phase.name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    printTyping(results, people);
    if (target && Date.now() < deadline) await loading(target as Awaited<ReturnType<typeof roundtableTarget>>, dataDir);
    else if (target) await (target as Awaited<ReturnType<typeof roundtableTarget>>).close();
  } finally {
    clients.kill();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workersDir, { recursive: true, force: true });
  }
}

/** Opening a 200 KB document, warm and cold, beside a bare server sending the same bytes. */
async function loading(target: Awaited<ReturnType<typeof roundtableTarget>>, dataDir: string): Promise<void> {
  const state = bigDocument(LOAD_BYTES);
  const cut = target.loadGroup.url.lastIndexOf('/');
  const [serverUrl, room] = [target.loadGroup.url.slice(0, cut), target.loadGroup.url.slice(cut + 1)];
  {
    // Written by one member, as one offline client coming back would.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const writer = new WebsocketProvider(serverUrl, room, doc, { WebSocketPolyfill: NodeWebSocket as unknown as typeof WebSocket, disableBc: true, params: { token: target.loadGroup.token } });
    const key = { sessionId: target.sessionId, stepIndex: 1, groupId: `g${GROUPS + 1}` };
    const wanted = doc.getText('notes').length;
    while (((await target.roundtable.notes.textOf(key))?.length ?? 0) < wanted) await new Promise((r) => setTimeout(r, 20));
    writer.destroy();
  }
  const warm: number[] = [];
  let loadedLength = 0;
  for (let i = 0; i < LOAD_RUNS; i++) {
    const r = await timeToSync(serverUrl, room, target.loadGroup.token);
    warm.push(r.ms);
    loadedLength = r.length;
  }
  await target.close();
  // Cold: the first open after a restart reads the document from SQLite.
  const restarted = startRoundtable(dataDir);
  const restartedUrl = await restarted.listening;
  const coldUrl = serverUrl.replace(/^ws:\/\/[^/]+/, restartedUrl.replace(/^http/, 'ws'));
  const cold = await timeToSync(coldUrl, room, target.loadGroup.token);
  await restarted.roundtable.close();

  const bareLoad = await bareLoadServer(state);
  const bareTimes: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) bareTimes.push((await timeToSync(bareLoad.url, 'doc', null)).ms);
  await bareLoad.close();

  console.log('');
  console.log(`  opening a ${(LOAD_BYTES / 1024).toFixed(0)} KB document (${(state.length / 1024).toFixed(0)} KB of Yjs state, ${loadedLength} characters), y-websocket provider until synced:`);
  row('', 'Roundtable', 'baseline: bare server, same bytes');
  row(`warm, median / p95 of ${LOAD_RUNS}`, `${ms(median(warm))} / ${ms(p95(warm))}`, `${ms(median(bareTimes))} / ${ms(p95(bareTimes))}`);
  row('cold (first open after a restart)', ms(cold.ms), '');
}

// Run directly: tsx test/bench/notes.ts
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
