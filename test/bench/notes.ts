/**
 * Shared-notes benchmark: many groups typing into their notes at once against one Roundtable, and
 * the time to open a 200 KB document — each figure beside a baseline measured in the same run.
 *
 * - Typing: GROUPS × 5 people each type 5 keystrokes a second (and move their cursor every tenth
 *   keystroke: an awareness update) for SECONDS. Latency of a keystroke = from the moment it is typed to its arrival
 *   at each peer of the group, all clients in one other process (notes-clients.ts) on loopback.
 *   Baseline: the same clients and traffic through a bare `ws` relay (no Yjs, no checks, no
 *   storage). Server CPU (share of one core), RSS and event-loop delay are this process's: it runs
 *   only the server.
 * - Load: a 200 KB document opened by y-websocket's own provider until synced, warm (in memory)
 *   and cold (first open after a restart, from SQLite). Baseline: a bare server that answers the
 *   provider with the same bytes.
 *
 * Run: npm run bench -- notes   (NOTES_BENCH_SECONDS=60, NOTES_BENCH_GROUPS=400, NOTES_BENCH_CURSOR_EVERY=10)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createServer, type Roundtable } from '../../server/src/app';
import type { Actor } from '../../server/src/domain/roles';
import { change } from '../../server/src/domain/transition';
import type { CreateSessionInput } from '../../shared/session';
import type { ClientSpec, FromClients, ToClients } from './notes-clients';

const here = dirname(fileURLToPath(import.meta.url));
const positive = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const SECONDS = positive('NOTES_BENCH_SECONDS', 60);
const GROUPS = Math.round(positive('NOTES_BENCH_GROUPS', 400));
const GROUP_SIZE = 5;
const KEYS_PER_SECOND = 5;
/** A cursor move (awareness update) every this many keystrokes; 0 for none. */
const CURSOR_EVERY = Math.round(Number(process.env.NOTES_BENCH_CURSOR_EVERY ?? 10));
const LOAD_BYTES = 200 * 1024;
const LOAD_RUNS = 20;
const GOAL_P99_MS = 50;
const adminToken = 'notes-bench-admin-token-0123456789';
const organizer: Actor = { role: 'organizer', memberId: null, name: 'bench' };

const agenda: CreateSessionInput = {
  title: 'Notes benchmark',
  languages: ['en'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    { kind: 'breakout', title: 'Groups', minutes: 60, questions: ['How do these results inspire me?', 'What do they mean for us as a community?'] },
    { kind: 'plenary', title: 'Report-back', minutes: 20 },
  ],
};

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
// The two servers under test: Roundtable, and a bare relay.

interface Target {
  name: string;
  specs: ClientSpec[];
  handshake: boolean;
  close(): Promise<void>;
}

function listen(http: HttpServer): Promise<string> {
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(http.address() as AddressInfo).port}`)));
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
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

function roster(n: number): string {
  const lines = ['id,name,language,role'];
  for (let i = 1; i <= n; i++) lines.push(`p${i},Person ${i},en,${i % 5 === 1 ? 'facilitator' : i % 5 === 2 ? 'notetaker' : 'participant'}`);
  return `${lines.join('\n')}\n`;
}

async function api(url: string, path: string, body: unknown, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`notes bench: ${path} answered ${res.status} ${await res.text()}`);
  return res.json();
}

function startRoundtable(dataDir: string): { roundtable: Roundtable; listening: Promise<string> } {
  const roundtable = createServer(
    { port: 0, host: '127.0.0.1', dataDir, adminToken, publicUrl: undefined, logLevel: 'silent', store: 'sqlite' },
    { logger: pino({ level: 'silent' }) },
  );
  return { roundtable, listening: roundtable.listen() };
}

/**
 * Roundtable with SQLite in a temp directory and one session in its breakout: `groups` groups of
 * five (set directly: nobody needs to be connected to the session for their notes), plus one more
 * group whose notes the load test uses. Every person's notes URL with a fresh token.
 */
async function roundtableTarget(groups: number, dataDir: string): Promise<Target & { roundtable: Roundtable; sessionId: string; loadGroup: { url: string; token: string } }> {
  const { roundtable, listening } = startRoundtable(dataDir);
  const url = await listening;
  const { id } = (await api(url, '/api/sessions', agenda)) as { id: string };
  await api(url, `/api/sessions/${id}/roster`, roster((groups + 1) * GROUP_SIZE), 'text/csv');
  await api(url, `/api/sessions/${id}/agenda/start`, {});
  await api(url, `/api/sessions/${id}/agenda/next`, {});
  await roundtable.host.execute(id, (s, ctx) =>
    change(s, ctx, organizer, 'bench.groups', (d) => {
      d.groups = Array.from({ length: groups + 1 }, (_, g) => ({
        id: `g${g + 1}`,
        language: 'en',
        score: 0,
        members: Array.from({ length: GROUP_SIZE }, (_, k) => `p${g * GROUP_SIZE + k + 1}`),
      }));
    }),
  );
  const state = await roundtable.host.get(id);
  const grantFor = async (memberId: string) => {
    const m = state.roster[memberId]!;
    return roundtable.notes.grant(id, { role: m.role, memberId, name: m.name }, {});
  };
  const specs: ClientSpec[] = [];
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < GROUP_SIZE; k++) {
      const grant = await grantFor(`p${g * GROUP_SIZE + k + 1}`);
      specs.push({ url: `${grant.url}?token=${grant.token}`, group: g });
    }
  }
  const load = await grantFor(`p${groups * GROUP_SIZE + 1}`);
  return {
    name: 'Roundtable',
    specs,
    handshake: true,
    roundtable,
    sessionId: id,
    loadGroup: { url: load.url, token: load.token },
    close: () => roundtable.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface TypingResult {
  connected: Extract<FromClients, { type: 'connected' }>;
  typed: Extract<FromClients, { type: 'typed' }>;
  cpuPercent: number;
  /** Server CPU ms per 1000 keystrokes typed: what each keystroke costs, however busy the machine. */
  cpuPerThousand: number;
  loadBefore: number;
  rssMaxMb: number;
  rssEndMb: number;
  loopDelayP99Ms: number;
}

async function typing(clients: ClientProcess, target: Target): Promise<TypingResult> {
  const connected = await clients.request({ type: 'connect', clients: target.specs, batch: 100, handshake: target.handshake }, 'connected', 180_000);
  if (connected.open < target.specs.length) console.log(`  ${target.name}: ${connected.failed} connections failed (first: ${connected.firstError})`);
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const loadBefore = loadavg()[0]!;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const typed = await clients.request({ type: 'type', seconds: SECONDS, perSecond: KEYS_PER_SECOND, cursorEvery: CURSOR_EVERY }, 'typed', (SECONDS + 60) * 1000);
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  delay.disable();
  clearInterval(sampler);
  const rssEnd = process.memoryUsage().rss;
  await clients.request({ type: 'close' }, 'closed', 60_000);
  return {
    connected,
    typed,
    cpuPercent: ((used.user + used.system) / 1000 / elapsed) * 100,
    cpuPerThousand: (used.user + used.system) / 1000 / (typed.sent / 1000),
    loadBefore,
    rssMaxMb: Math.max(rssMax, rssEnd) / 2 ** 20,
    rssEndMb: rssEnd / 2 ** 20,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
  };
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
  console.log(
    `notes: ${cpus().length} cores; ${GROUPS} groups × ${GROUP_SIZE} people, ${KEYS_PER_SECOND} keystrokes/s each${CURSOR_EVERY > 0 ? ` (a cursor move every ${CURSOR_EVERY})` : ''}, ${SECONDS} s; clients in another process, loopback`,
  );
  const clients = await ClientProcess.spawn();
  const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-notes-bench-'));
  try {
    const bare = await bareRelay(GROUPS);
    const baseline = await typing(clients, bare);
    await bare.close();

    const target = await roundtableTarget(GROUPS, dataDir);
    const measured = await typing(clients, target);
    const stats = { ...target.roundtable.notes.stats };

    console.log('');
    row('', 'Roundtable', 'baseline: bare ws relay');
    row('connections open (time to open)', `${measured.connected.open}/${people} (${(measured.connected.ms / 1000).toFixed(1)} s)`, `${baseline.connected.open}/${people} (${(baseline.connected.ms / 1000).toFixed(1)} s)`);
    const scheduled = people * KEYS_PER_SECOND * SECONDS;
    row('keystrokes typed / scheduled', `${measured.typed.sent}/${scheduled}`, `${baseline.typed.sent}/${scheduled}`);
    row('arrivals at peers / expected', `${measured.typed.received}/${measured.typed.expected}`, `${baseline.typed.received}/${baseline.typed.expected}`);
    row('keystroke → peer p50', ms(measured.typed.latency.p50), ms(baseline.typed.latency.p50));
    row('keystroke → peer p90', ms(measured.typed.latency.p90), ms(baseline.typed.latency.p90));
    row('keystroke → peer p99', ms(measured.typed.latency.p99), ms(baseline.typed.latency.p99));
    row('keystroke → peer max', ms(measured.typed.latency.max), ms(baseline.typed.latency.max));
    row('server CPU (100% = one core)', `${measured.cpuPercent.toFixed(0)}%`, `${baseline.cpuPercent.toFixed(0)}%`);
    row('server CPU per 1000 keystrokes', `${measured.cpuPerThousand.toFixed(0)} ms`, `${baseline.cpuPerThousand.toFixed(0)} ms`);
    row('server RSS max / at end', `${measured.rssMaxMb.toFixed(0)} / ${measured.rssEndMb.toFixed(0)} MB`, `${baseline.rssMaxMb.toFixed(0)} / ${baseline.rssEndMb.toFixed(0)} MB`);
    row('server event-loop delay p99', ms(measured.loopDelayP99Ms), ms(baseline.loopDelayP99Ms));
    row('client process CPU', `${((measured.typed.clientCpuMs / (SECONDS * 1000)) * 100).toFixed(0)}%`, `${((baseline.typed.clientCpuMs / (SECONDS * 1000)) * 100).toFixed(0)}%`);
    row('connections closed by the server', JSON.stringify(measured.typed.closes), JSON.stringify(baseline.typed.closes));
    row('machine load average at start', measured.loadBefore.toFixed(1), baseline.loadBefore.toFixed(1));
    console.log(
      `  Roundtable stored ${stats.flushes} appends (${(stats.flushedBytes / 2 ** 20).toFixed(1)} MB), ${stats.compactions} snapshots; refused: ${stats.refusedRateLimited} rate, ${stats.refusedTooLarge} size, ${stats.refusedMalformed} malformed`,
    );
    const p99 = measured.typed.latency.p99;
    console.log(`  goal: keystroke → peer p99 ≤ ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS ? 'met' : 'NOT met'} (${ms(p99)})`);

    // --- Opening a 200 KB document.
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
  } finally {
    clients.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
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
