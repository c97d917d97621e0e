/**
 * Step-change fan-out benchmark: how fast Roundtable gets a new agenda step to every connected
 * client, beside a bare socket.io server sending a same-size payload to the same clients.
 *
 * The server runs in this process (createServer, SQLite store in a temp dir, so every step change
 * is committed before it is broadcast); the clients run in another process (fanout-clients.ts),
 * all on loopback. Latency of one delivery = client receive time − `serverNow` in the view, both
 * Date.now on the same machine.
 *
 * Every case runs twice: with light clients (socket.io protocol over raw `ws`, frames parsed after
 * the change reached everyone), which the goal judges, because in production each participant
 * decodes on their own device; then with socket.io-client, whose serial decode of N messages in
 * the one client process adds to the tail, for comparison.
 *
 * Run: npm run bench -- fanout
 *   (BENCH_FANOUT_SIZES=500,1000 and BENCH_FANOUT_BREAKOUT_SIZE=1000 choose the sizes, 0 skips the breakouts;
 *   BENCH_FANOUT_MODES=light runs one client kind; BENCH_FANOUT_BUDGET_S=600 the time budget, 300 s by default;
 *   BENCH_DEBUG=1 prints each change). A case that fails or runs out of the budget is named, and what
 *   was measured before it is printed all the same.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { change } from '../../server/src/domain/transition';
import { renderView, type Audience } from '../../server/src/domain/views';
import type { CreateSessionInput } from '../../shared/session';
import { PROTOCOL_VERSION, type Ack } from '../../shared/protocol';
import type { SessionView } from '../../shared/session';
import { defaultLiveLimits } from '../../server/src/access/invitation-limits';
import { defaultStateWindowMs } from '../../server/src/transport/live';
import { createSession, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import type { ClientMode, FromClients, ToClients, VersionStats } from './fanout-clients';

const here = dirname(fileURLToPath(import.meta.url));

const SIZES = (process.env.BENCH_FANOUT_SIZES ?? '500,1000,2000')
  .split(',')
  .map((s) => Number.parseInt(s, 10))
  .filter((n) => Number.isInteger(n) && n > 0);
const BREAKOUT_SIZE = Number.parseInt(process.env.BENCH_FANOUT_BREAKOUT_SIZE ?? '500', 10);
const STEPS = 20;
const HANDS = 20;
const BREAKOUT_STEPS = 10;
const WARMUP = 5;
const PRESENCE_INTERVAL_MS = 500; // Roundtable's default
const QUIET_MS = 2 * PRESENCE_INTERVAL_MS;
const CONNECT_BATCH = 100;
/** Live connections may send 20 commands a second (RATE_LIMITED beyond); a moderator clicks far less often. */
const MIN_CHANGE_INTERVAL_MS = 150;
const GOAL_P99_MS = 100;
const GOAL_KB_PER_CLIENT = 100;
const GOAL_HAND_BYTES = 400;
const GOAL_HAND_LAST_MS = 250;
const GOAL_JOIN_KB = 50;
/** Light first: it is the primary measurement, and the goal's memory figure comes from the first run at a size. */
const MODES: ClientMode[] = (process.env.BENCH_FANOUT_MODES ?? 'light,socket.io').split(',').filter((m): m is ClientMode => m === 'light' || m === 'socket.io');
const MODE_NAME: Record<ClientMode, string> = { light: 'light ws', 'socket.io': 'socket.io-client' };
/** The whole fan-out benchmark gives up after this long (every case runs once per client mode). */
const BUDGET_MS = (Number.parseInt(process.env.BENCH_FANOUT_BUDGET_S ?? '', 10) || 300) * 1000;

const plenaryAgenda: CreateSessionInput = {
  title: 'Citizens’ assembly on the future of the local internet',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Welcome and house rules', minutes: 30, note: 'Introduce the facilitators and the code of conduct.' },
    { kind: 'plenary', title: 'Expert input: how the network is run today', minutes: 45, speakers: ['p01', 'p02'] },
    { kind: 'plenary', title: 'Questions to the experts', minutes: 30 },
    { kind: 'plenary', title: 'Presentation of the survey results', minutes: 40, note: 'Slides are shared in the chat.' },
    { kind: 'plenary', title: 'Open microphone', minutes: 30 },
    { kind: 'plenary', title: 'Report-back from the working groups', minutes: 60 },
    { kind: 'plenary', title: 'Voting on the recommendations', minutes: 45 },
    { kind: 'plenary', title: 'Closing words and next steps', minutes: 30 },
  ],
};
const breakoutAgenda: CreateSessionInput = {
  title: 'Citizens’ assembly: discussion in small groups',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 30 },
    {
      kind: 'breakout',
      title: 'Discussion in groups',
      minutes: 35,
      groupSize: 5,
      questions: ['How do these results inspire me?', 'What do they mean for us as a community?'],
    },
    { kind: 'plenary', title: 'Report-back and conclusion', minutes: 30 },
  ],
};

// ---------------------------------------------------------------------------------------------
// Plumbing: deadlines, memory, the client process.

const benchStarted = Date.now();

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const left = BUDGET_MS - (Date.now() - benchStarted);
  const limit = Math.min(ms, Math.max(1, left));
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(limit < ms ? `fan-out bench: out of its ${BUDGET_MS / 1000} s budget while ${what}` : `fan-out bench: timed out after ${ms} ms while ${what}`)),
        limit,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function findGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
const gc = findGc();

/** Garbage-collection pauses of this (the server's) process, as epoch-ms intervals. */
const gcPauses: Array<{ start: number; ms: number }> = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: performance.timeOrigin + e.startTime, ms: e.duration });
});

/** Server GC time within each change's fan-out window (serverNow → last delivery). */
function gcDuring(versions: VersionStats[]): number[] {
  return versions.map((v) => gcPauses.filter((p) => p.start + p.ms >= v.serverNow && p.start <= v.lastRecv).reduce((a, p) => a + p.ms, 0));
}

async function memory(): Promise<{ rss: number; heap: number }> {
  if (gc) {
    gc();
    await sleep(50);
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

function openFileLimit(): number | null {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const text = out.stdout.trim();
  if (text === 'unlimited') return Number.POSITIVE_INFINITY;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : null;
}

class Clients {
  readonly #child: ChildProcess;
  readonly #waiters = new Set<(m: FromClients) => boolean>();
  #exited: string | null = null;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: FromClients) => {
      for (const waiter of [...this.#waiters]) if (waiter(m)) this.#waiters.delete(waiter);
    });
    child.on('exit', (code, signal) => {
      this.#exited = `the client process exited (code ${code}, signal ${signal})`;
      for (const waiter of [...this.#waiters]) waiter({ type: 'failed', message: this.#exited });
      this.#waiters.clear();
    });
  }

  static async spawn(): Promise<Clients> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fanout-clients.ts')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const clients = new Clients(child);
    await clients.next('ready', 20_000, 'starting the client process');
    return clients;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The next message of `type` (a `failed` message rejects). Register before sending what triggers it. */
  next<T extends FromClients['type']>(type: T, ms: number, what: string, match: (m: Extract<FromClients, { type: T }>) => boolean = () => true) {
    if (this.#exited) return Promise.reject(new Error(`${this.#exited}; while ${what}`));
    let waiter!: (m: FromClients) => boolean;
    const promise = new Promise<Extract<FromClients, { type: T }>>((resolve, reject) => {
      waiter = (m) => {
        if (m.type === 'failed') {
          reject(new Error(`client process, while ${what}: ${m.message}`));
          return true;
        }
        if (m.type !== type || !match(m as Extract<FromClients, { type: T }>)) return false;
        resolve(m as Extract<FromClients, { type: T }>);
        return true;
      };
      this.#waiters.add(waiter);
    });
    return withTimeout(promise, ms, what).finally(() => this.#waiters.delete(waiter));
  }

  send(message: ToClients): void {
    if (this.#exited) throw new Error(this.#exited);
    this.#child.send(message);
  }

  async request<T extends FromClients['type']>(message: ToClients, reply: T, ms: number, what: string) {
    const answer = this.next(reply, ms, what);
    this.send(message);
    return answer;
  }

  async kill(): Promise<void> {
    if (this.#exited || this.#child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    try {
      this.#child.send({ type: 'exit' } satisfies ToClients);
    } catch {
      // the channel is already closed
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// One measured fan-out: connect, settle, K changes, collect.

interface Measured {
  label: string;
  mode: ClientMode;
  clients: number;
  audiences: string;
  latencies: number[];
  versions: VersionStats[];
  rssPerClient: number;
  heapPerClient: number;
  /** False when an earlier, larger run in this process freed memory that this one reused. */
  rssClean: boolean;
  connectMs: number;
  /** Roundtable only: moderator's command sent → serverNow of the view (includes the SQLite commit). */
  commandToEmit: number[];
  /** serverNow → the server is done writing the change to every socket (its event loop free again). */
  serverBusy: number[];
  /** Server GC pause time inside each change's fan-out window. */
  gcMs: number[];
  stray: number;
}

async function connectAndSettle(clients: Clients, mode: ClientMode, url: string, auths: Array<Record<string, unknown>>, label: string): Promise<number> {
  const n = auths.length;
  // Ten thousand handshakes (a signed link checked each) take a while on two shared cores.
  const connectMs = Math.max(60_000, n * 20);
  const connected = await clients.request(
    { type: 'connect', mode, url, auths, batch: CONNECT_BATCH, timeoutMs: connectMs },
    'connected',
    connectMs + 5_000,
    `connecting ${n} clients (${label})`,
  );
  // Every client has its first state…
  const firstDeadline = Date.now() + 30_000;
  for (;;) {
    const s = await clients.request({ type: 'status' }, 'status', 5_000, `asking the clients for their status (${label})`);
    if (s.withState === n) break;
    if (Date.now() > firstDeadline) throw new Error(`fan-out bench: only ${s.withState} of ${n} clients received a first state within 30 s (${label})`);
    await sleep(50);
  }
  // …and no state arrived for two presence intervals: the presence refreshes of the joins are done.
  const quietDeadline = Date.now() + 20_000;
  for (;;) {
    const s = await clients.request({ type: 'status' }, 'status', 5_000, `waiting for quiet (${label})`);
    if (s.connected !== n) throw new Error(`fan-out bench: ${n - s.connected} of ${n} clients dropped while settling (${label})`);
    if (Date.now() - s.lastStateAt >= QUIET_MS) break;
    if (Date.now() > quietDeadline) throw new Error(`fan-out bench: states kept arriving for 20 s after all ${n} clients joined (${label})`);
    await sleep(100);
  }
  return connected.ms;
}

/** Arms the clients for `version`, runs `change`, waits until all `expected` clients have it. */
async function oneChange(clients: Clients, version: number, expected: number, change: () => Promise<void>, what: string): Promise<void> {
  await clients.request({ type: 'arm', version, expected }, 'armed', 5_000, `arming version ${version}`);
  const delivered = clients.next('delivered', 15_000, `waiting for all ${expected} clients to receive ${what} (version ${version})`, (m) => m.version === version);
  await change();
  await delivered;
}

/** One change a plan makes: an agenda command of the moderator's, or the hand of one participant. */
type PlannedChange = { type: 'goto'; step: number; row: string } | { type: 'hand'; raised: boolean; row: string };

interface RoundtablePlan {
  agenda: CreateSessionInput;
  /** Change number i (0-based; the first WARMUP of them are warm-up and not counted). */
  change(i: number): PlannedChange;
  changes: number;
  /** Whether to measure how many commits one member can cause, and what each bystander then gets. */
  flood?: boolean;
}

/** A bare payload the size of what a participant received (the JSON of a view or of a patch). */
const sameSize = (bytes: number): Record<string, unknown> => ({ pad: 'x'.repeat(Math.max(0, bytes - 48)) });

/** Peak per-client memory is only meaningful in a process that never held more clients before. */
let largestSoFar = 0;

/** What one member could cause with every connection its invitation may open, sending as fast as acked. */
interface Flood {
  connections: number;
  seconds: number;
  commitsPerSecond: number;
  refusedPerSecond: number;
  /** State messages (patches) each bystander received per second meanwhile. */
  messagesPerClientPerSecond: number;
  bytesPerClientPerSecond: number;
}

interface RoundtableRun {
  rows: Map<string, Measured & { payload: Record<string, unknown> }>;
  /** Bytes of state each client received while all of them connected and joined, then settled. */
  joinBytesPerClient: number;
  /** The whole plenary view a participant would get without patches. */
  fullViewBytes: number;
  flood: Flood | null;
  /** Why the run stopped early (out of time, a timeout): what it measured until then is kept. */
  incomplete: string | null;
}

async function measureRoundtable(clients: Clients, mode: ClientMode, n: number, plan: RoundtablePlan): Promise<RoundtableRun> {
  const server = await withTimeout(
    startServer({ config: { store: 'sqlite', logLevel: 'silent' }, presenceIntervalMs: PRESENCE_INTERVAL_MS, stateWindowMs: defaultStateWindowMs }),
    20_000,
    'starting Roundtable',
  );
  let moderator: LiveClient | null = null;
  const raisers: LiveClient[] = [];
  try {
    // One more on the roster than connect as bystanders: the participant who raises a hand.
    const session = await withTimeout(createSession(server, rosterCsv(n + 1), plan.agenda), 30_000, `creating a session with ${n + 1} participants`);
    const tokens = [...session.tokens.values()];
    if (tokens.length !== n + 1) throw new Error(`fan-out bench: the roster import returned ${tokens.length} invitations, expected ${n + 1}`);
    const raiserToken = tokens.pop()!;

    moderator = liveClient(server.url, session.moderatorToken);
    let moderatorVersion = -1;
    moderator.on('state', (view) => {
      moderatorVersion = Math.max(moderatorVersion, view.version);
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        moderator!.once('state', () => resolve());
        moderator!.once('connect_error', reject);
      }),
      10_000,
      'connecting the moderator',
    );
    /** Resolves with the time the ack arrived: the server replies once it has written the change to every socket. */
    const ask = async (client: LiveClient, event: 'agenda:command' | 'hand:raise', command: unknown) => {
      const ack = (await client.timeout(10_000).emitWithAck(event as 'agenda:command', command)) as Ack;
      if (!ack.ok) throw new Error(`fan-out bench: ${event} ${JSON.stringify(command)} was refused: ${ack.error.message}`);
      return Date.now();
    };
    // Everyone agreed to the terms on an earlier visit (one change, before any of them connects):
    // only people who joined are present and seated, and joining one by one is not what this measures.
    await server.roundtable.host.execute(session.id, (s, ctx) =>
      change(s, ctx, { role: 'organizer', memberId: null, name: 'bench' }, 'bench.joined', (d) => {
        for (const member of Object.values(d.roster)) member.consentedAt ??= ctx.now;
      }),
    );
    await ask(moderator, 'agenda:command', { type: 'start' });
    const raiser = liveClient(server.url, raiserToken);
    raisers.push(raiser);
    await withTimeout(nextEvent(raiser, 'state'), 10_000, 'connecting the participant who raises a hand');

    const before = await memory();
    const connectMs = await connectAndSettle(
      clients,
      mode,
      server.url,
      tokens.map((token) => ({ token, protocol: PROTOCOL_VERSION })),
      `Roundtable, ${n} ${MODE_NAME[mode]} clients`,
    );
    const after = await memory();
    const settled = await clients.request({ type: 'status' }, 'status', 5_000, 'reading the bytes of joining');
    const joinBytesPerClient = settled.bytes / n;
    const rssClean = n > largestSoFar;
    largestSoFar = Math.max(largestSoFar, n);
    const everyone = new Set(Object.keys((await server.roundtable.host.get(session.id)).roster)); // all connected
    const fullViewBytes = Buffer.byteLength(JSON.stringify(renderView(await server.roundtable.host.get(session.id), 'plenary', everyone, Date.now(), 'en')));

    const sentAtOf = new Map<number, number>();
    const ackAtOf = new Map<number, number>();
    const rowOfVersion = new Map<number, string>();
    const audiencesOf = new Map<string, number>();
    let incomplete: string | null = null;
    let sentAt = 0;
    try {
      for (let i = 0; i < WARMUP + plan.changes; i++) {
        const planned = plan.change(i);
        const version = moderatorVersion + 1;
        await sleep(Math.max(0, sentAt + MIN_CHANGE_INTERVAL_MS - Date.now()));
        let ackAt = 0;
        await oneChange(
          clients,
          version,
          n,
          async () => {
            sentAt = Date.now();
            ackAt =
              planned.type === 'goto'
                ? await ask(moderator!, 'agenda:command', { type: 'goto', step: planned.step })
                : await ask(raiser, 'hand:raise', { raised: planned.raised });
          },
          planned.type === 'goto' ? `goto ${planned.step}` : `a hand ${planned.raised ? 'raised' : 'lowered'}`,
        );
        if (i < WARMUP) {
          await clients.request({ type: 'collect' }, 'samples', 10_000, 'discarding the warm-up');
          continue;
        }
        sentAtOf.set(version, sentAt);
        ackAtOf.set(version, ackAt);
        rowOfVersion.set(version, planned.row);
        if (!audiencesOf.has(planned.row)) {
          const state = await server.roundtable.host.get(session.id);
          audiencesOf.set(planned.row, planned.row.startsWith('breakout open') ? state.groups.length : 0);
        }
      }
    } catch (error) {
      incomplete = error instanceof Error ? error.message : String(error);
    }
    const samples = await clients.request({ type: 'collect' }, 'samples', 20_000, 'collecting the latencies');
    const flood = plan.flood && !incomplete ? await floodOfOneMember(clients, server.url, raiserToken, raisers, n).catch((error: unknown) => {
      incomplete = `measuring one member's commits: ${error instanceof Error ? error.message : String(error)}`;
      return null;
    }) : null;

    // Split the deliveries into rows (the client reports them in version order).
    const rows = new Map<string, Measured & { payload: Record<string, unknown> }>();
    let offset = 0;
    for (const v of samples.versions) {
      if (!rowOfVersion.has(v.version)) {
        offset += v.count; // a change that did not complete in time: its row is already marked incomplete
        continue;
      }
      const label = rowOfVersion.get(v.version)!;
      const audiences = audiencesOf.get(label) ?? 0;
      const row = rows.get(label) ?? {
        label,
        mode,
        clients: n,
        audiences: audiences ? `${audiences} groups + staff` : 'plenary + staff',
        latencies: [],
        versions: [],
        rssPerClient: (after.rss - before.rss) / n,
        heapPerClient: (after.heap - before.heap) / n,
        rssClean,
        connectMs,
        commandToEmit: [],
        serverBusy: [],
        gcMs: [],
        stray: samples.stray,
        payload: sameSize(v.bytes),
      };
      rows.set(label, row);
      row.latencies.push(...samples.latencies.slice(offset, offset + v.count));
      offset += v.count;
      row.versions.push(v);
      row.commandToEmit.push(v.serverNow - sentAtOf.get(v.version)!);
      row.serverBusy.push(ackAtOf.get(v.version)! - v.serverNow);
      row.gcMs.push(...gcDuring([v]));
    }
    return { rows, joinBytesPerClient, fullViewBytes, flood, incomplete };
  } finally {
    moderator?.close();
    for (const raiser of raisers) raiser.close();
    await clients.request({ type: 'disconnect' }, 'disconnected', 20_000, 'disconnecting the clients').catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

const FLOOD_MS = 2_000;

/**
 * One member on every connection its invitation may open, each raising and lowering a hand as
 * fast as the acks come back: the commits that member causes per second (the budgets refuse the
 * rest) and the messages each of the `n` bystanders gets meanwhile.
 */
async function floodOfOneMember(clients: Clients, url: string, token: string, open: LiveClient[], n: number): Promise<Flood> {
  const connections = defaultLiveLimits.connectionsPerInvitation;
  while (open.length < connections) {
    const extra = liveClient(url, token);
    open.push(extra);
    await withTimeout(nextEvent(extra, 'state'), 10_000, 'opening another connection of the member');
  }
  const start = await clients.request({ type: 'status' }, 'status', 5_000, 'reading the bystanders before the flood');
  const startedAt = Date.now();
  let commits = 0;
  let refused = 0;
  await Promise.all(
    open.map(async (client, k) => {
      for (let raised = k % 2 === 0; Date.now() - startedAt < FLOOD_MS; raised = !raised) {
        const ack = (await client.timeout(10_000).emitWithAck('hand:raise', { raised })) as Ack;
        if (ack.ok) commits++;
        else refused++;
      }
    }),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  // The window's last patch leaves after the flood: one window later everything sent has arrived.
  await sleep(defaultStateWindowMs * 3);
  const end = await clients.request({ type: 'status' }, 'status', 5_000, 'reading the bystanders after the flood');
  return {
    connections,
    seconds,
    commitsPerSecond: commits / seconds,
    refusedPerSecond: refused / seconds,
    messagesPerClientPerSecond: (end.states - start.states) / n / seconds,
    bytesPerClientPerSecond: (end.bytes - start.bytes) / n / seconds,
  };
}

/**
 * The same fan-out from a bare socket.io server: no handshake auth, no store, no rendering; per
 * change, asked for over a socket from this process like the moderator's command, one `emit` of a
 * prepared same-size payload to everyone (or one to each room of `roomSize`), then the ack.
 */
async function measureBare(clients: Clients, mode: ClientMode, n: number, payload: Record<string, unknown>, changes: number, roomSize?: number): Promise<Measured> {
  const http = createHttpServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024, pingInterval: 20_000, pingTimeout: 25_000 });
  const rooms = roomSize ? Math.ceil(n / roomSize) : 0;
  let joined = 0;
  io.on('connection', (socket) => {
    if (socket.handshake.auth.driver === true) {
      // The stand-in for the moderator: asks for a change over its socket and gets an ack once it is sent.
      socket.on('change', (version: number, ack: (at: number) => void) => {
        const serverNow = Date.now();
        if (!roomSize) io.emit('state', { ...payload, version, serverNow });
        else for (let r = 0; r < rooms; r++) io.to(`room:${r}`).emit('state', { ...payload, version, serverNow });
        ack(serverNow);
      });
      return;
    }
    if (roomSize) void socket.join(`room:${Math.floor(joined / roomSize)}`);
    joined++;
    socket.emit('state', { ...payload, version: 0, serverNow: Date.now() });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const driver = connectClient(url, { auth: { driver: true }, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        driver.once('connect', () => resolve());
        driver.once('connect_error', reject);
      }),
      10_000,
      'connecting the bare driver',
    );
    const before = await memory();
    const connectMs = await connectAndSettle(clients, mode, url, Array.from({ length: n }, () => ({})), `bare socket.io, ${n} ${MODE_NAME[mode]} clients`);
    const after = await memory();
    const rssClean = n > largestSoFar;
    largestSoFar = Math.max(largestSoFar, n);
    const serverBusy: number[] = [];
    const commandToEmit: number[] = [];
    let sentAt = 0;
    for (let i = 0; i < WARMUP + changes; i++) {
      const version = i + 1;
      await sleep(Math.max(0, sentAt + MIN_CHANGE_INTERVAL_MS - Date.now()));
      await oneChange(
        clients,
        version,
        n,
        async () => {
          sentAt = Date.now();
          const serverNow = (await driver.timeout(10_000).emitWithAck('change', version)) as number;
          if (i >= WARMUP) {
            serverBusy.push(Date.now() - serverNow);
            commandToEmit.push(serverNow - sentAt);
          }
        },
        'a bare emit',
      );
      if (i < WARMUP) await clients.request({ type: 'collect' }, 'samples', 10_000, 'discarding the warm-up');
    }
    const samples = await clients.request({ type: 'collect' }, 'samples', 20_000, 'collecting the latencies');
    return {
      label: 'bare',
      mode,
      clients: n,
      audiences: roomSize ? `${rooms} rooms` : '1 emit',
      latencies: samples.latencies,
      versions: samples.versions,
      rssPerClient: (after.rss - before.rss) / n,
      heapPerClient: (after.heap - before.heap) / n,
      rssClean,
      connectMs,
      commandToEmit,
      serverBusy,
      gcMs: gcDuring(samples.versions),
      stray: samples.stray,
    };
  } finally {
    driver.close();
    await clients.request({ type: 'disconnect' }, 'disconnected', 20_000, 'disconnecting the clients').catch(() => undefined);
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
    if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and the table.

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
  emitToLastP50: number;
  emitToLastMax: number;
  msgsPerSec: number;
  bytes: number;
  cmdToEmitP50: number | null;
  serverBusyP50: number;
  gcPerChange: number;
}

function summarize(m: Measured): Summary {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const emitToLast = m.versions.map((v) => v.lastRecv - v.serverNow).sort((a, b) => a - b);
  const fanoutMs = emitToLast.reduce((a, b) => a + Math.max(1, b), 0);
  const cmd = [...m.commandToEmit].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    emitToLastP50: quantile(emitToLast, 0.5),
    emitToLastMax: emitToLast.at(-1) ?? Number.NaN,
    msgsPerSec: (m.latencies.length / fanoutMs) * 1000,
    bytes: Math.round(m.versions.reduce((a, v) => a + v.bytes, 0) / Math.max(1, m.versions.length)),
    cmdToEmitP50: cmd.length ? quantile(cmd, 0.5) : null,
    serverBusyP50: quantile([...m.serverBusy].sort((a, b) => a - b), 0.5),
    gcPerChange: m.gcMs.reduce((a, b) => a + b, 0) / Math.max(1, m.gcMs.length),
  };
}

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : '-');

const header = [
  'clients',
  'client kind',
  'run',
  'audiences',
  'changes',
  'deliveries',
  'p50 ms',
  'p99 ms',
  'max ms',
  'emit→last p50/max',
  'server busy',
  'server GC',
  'cmd→emit',
  'msgs/s',
  'payload B',
  'RSS KB/cl',
  'heap KB/cl',
  'connect s',
];

function rowsOf(pairs: Array<{ roundtable: Measured; bare: Measured }>): string[][] {
  const out: string[][] = [];
  for (const { roundtable, bare } of pairs) {
    for (const m of [roundtable, bare]) {
      const s = summarize(m);
      if (process.env.BENCH_DEBUG) {
        const each = m.versions.map((v, i) => `${v.lastRecv - v.serverNow}(${m.serverBusy[i] ?? '?'},${(m.gcMs[i] ?? 0).toFixed(0)})`).join(' ');
        console.log(`  [debug] ${m.clients} ${MODE_NAME[m.mode]} ${m.label}: emit→last(server busy,gc) per change: ${each}`);
      }
      out.push([
        String(m.clients),
        MODE_NAME[m.mode],
        m === roundtable ? `Roundtable: ${m.label}` : '  baseline: bare socket.io',
        m.audiences,
        String(m.versions.length),
        String(m.latencies.length),
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        `${ms(s.emitToLastP50)} / ${ms(s.emitToLastMax)}`,
        ms(s.serverBusyP50),
        s.gcPerChange.toFixed(1),
        s.cmdToEmitP50 === null ? '-' : ms(s.cmdToEmitP50),
        Math.round(s.msgsPerSec).toLocaleString('en-US'),
        String(s.bytes),
        m.rssClean ? kb(m.rssPerClient) : 'n/a*',
        kb(m.heapPerClient),
        (m.connectMs / 1000).toFixed(1),
      ]);
    }
  }
  return out;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const largest = Math.max(...SIZES, BREAKOUT_SIZE);
  const limit = openFileLimit();
  const needed = largest + 512;
  if (limit !== null && limit < needed) {
    throw new Error(
      `fan-out bench: the open-file limit (ulimit -n) is ${limit}; ${largest} clients need about ${needed} descriptors in each of the server and client processes. Raise it (ulimit -n ${Math.max(4096, needed)}) and run again.`,
    );
  }
  console.log(`fan-out: a plenary of ${SIZES.join(', ')} clients (websocket) in a separate process, on loopback, once per client kind: ${MODES.map((m) => MODE_NAME[m]).join(', then ')};`);
  console.log(`  Roundtable with the SQLite store (WAL, synchronous=FULL) in a temp dir: every change is committed before it is sent; changes within ${defaultStateWindowMs} ms go out as one patch.`);
  console.log(
    `  ${STEPS} measured plenary step changes and ${HANDS} raised or lowered hands per size after ${WARMUP} warm-up changes, one every ≥${MIN_CHANGE_INTERVAL_MS} ms; presence interval ${PRESENCE_INTERVAL_MS} ms, ${QUIET_MS} ms without any state before measuring;`,
  );
  console.log(`  ulimit -n ${limit ?? '?'}; gc ${gc ? 'forced before each memory reading' : 'not available'}; budget ${BUDGET_MS / 1000} s; load average ${load()} at start`);

  gcObserver.observe({ entryTypes: ['gc'] });
  const plenaryPairs: Array<{ roundtable: Measured; bare: Measured }> = [];
  const breakoutPairs: Array<{ roundtable: Measured; bare: Measured }> = [];
  const extras: Array<{ n: number; mode: ClientMode; run: RoundtableRun }> = [];
  const stopped: string[] = [];
  const outOfTime = () => Date.now() - benchStarted >= BUDGET_MS;
  /** Runs one case; a failure (out of time included) is noted and what was measured before it kept. */
  const attempt = async (what: string, body: () => Promise<void>) => {
    if (outOfTime()) {
      stopped.push(`${what}: not run, the ${BUDGET_MS / 1000} s budget was spent`);
      return;
    }
    try {
      await body();
    } catch (error) {
      stopped.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  let clients: Clients | null = null;
  try {
    clients = await Clients.spawn();
    const c = clients;
    // Largest first: the per-client memory of the size that carries the goal is measured in a
    // process that never held more clients (freed memory would otherwise be reused unseen).
    const plenary: Array<Array<{ roundtable: Measured; bare: Measured }>> = [];
    for (const n of [...SIZES].sort((a, b) => b - a)) {
      const steps = plenaryAgenda.agenda.length;
      const atSize: Array<{ roundtable: Measured; bare: Measured }> = [];
      for (const mode of MODES) {
        await attempt(`plenary of ${n}, ${MODE_NAME[mode]}`, async () => {
          const run = await measureRoundtable(c, mode, n, {
            agenda: plenaryAgenda,
            changes: STEPS + HANDS,
            flood: mode === 'light',
            change: (i) =>
              i < WARMUP + STEPS
                ? { type: 'goto', step: (i + 1) % steps, row: 'plenary step' }
                : { type: 'hand', raised: (i - WARMUP - STEPS) % 2 === 0, row: 'raised hand' },
          });
          extras.push({ n, mode, run });
          if (run.incomplete) stopped.push(`plenary of ${n}, ${MODE_NAME[mode]}: ${run.incomplete} (the rows keep what arrived before)`);
          for (const row of run.rows.values()) {
            const bare = await measureBare(c, mode, n, row.payload, row.versions.length || 1).catch((error: unknown) => {
              stopped.push(`bare baseline for ${n} ${MODE_NAME[mode]} ${row.label}: ${error instanceof Error ? error.message : String(error)}`);
              return null;
            });
            if (bare) atSize.push({ roundtable: row, bare });
          }
          console.log(`  measured ${n} ${MODE_NAME[mode]} clients (${((Date.now() - benchStarted) / 1000).toFixed(0)} s)`);
        });
      }
      plenary.unshift(atSize);
    }
    plenaryPairs.push(...plenary.flat());

    // Breakouts: opening one renders one view per group of 5 (+ staff); closing it, one plenary view.
    const n = BREAKOUT_SIZE;
    if (n > 0) {
      const opening: typeof breakoutPairs = [];
      const closing: typeof breakoutPairs = [];
      for (const mode of MODES) {
        await attempt(`breakouts of ${n}, ${MODE_NAME[mode]}`, async () => {
          const run = await measureRoundtable(c, mode, n, {
            agenda: breakoutAgenda,
            changes: BREAKOUT_STEPS,
            change: (i) => (i % 2 === 0 ? { type: 'goto', step: 1, row: 'breakout open' } : { type: 'goto', step: 0, row: 'breakout close' }),
          });
          if (run.incomplete) stopped.push(`breakouts of ${n}, ${MODE_NAME[mode]}: ${run.incomplete}`);
          const opens = run.rows.get('breakout open');
          const closes = run.rows.get('breakout close');
          if (opens) opening.push({ roundtable: opens, bare: await measureBare(c, mode, n, opens.payload, opens.versions.length, 5) });
          if (closes) closing.push({ roundtable: closes, bare: await measureBare(c, mode, n, closes.payload, closes.versions.length) });
          console.log(`  measured breakouts with ${n} ${MODE_NAME[mode]} clients (${((Date.now() - benchStarted) / 1000).toFixed(0)} s)`);
        });
      }
      breakoutPairs.push(...opening, ...closing);
    }
  } finally {
    gcObserver.disconnect();
    await clients?.kill();
    // Whatever stopped the run, what it measured is printed.
    report(plenaryPairs, breakoutPairs, extras, stopped);
  }
}

function report(
  plenaryPairs: Array<{ roundtable: Measured; bare: Measured }>,
  breakoutPairs: Array<{ roundtable: Measured; bare: Measured }>,
  extras: Array<{ n: number; mode: ClientMode; run: RoundtableRun }>,
  stopped: string[],
): void {
  const right = header.map((_, i) => i < 1 || i > 3);
  console.log('');
  console.log(table(header, rowsOf([...plenaryPairs, ...breakoutPairs]), right));
  console.log('');
  console.log('  client kind = light ws: socket.io protocol over raw ws, each frame only stamped and kept, parsed after the change reached everyone (primary;');
  console.log('                in production each participant decodes on their own device); socket.io-client: the real client, decoding all N messages');
  console.log('                serially in the one client process, which adds its own work to the tail (comparison)');
  console.log('  latency     = client receive time − serverNow stamped in the view or patch (Date.now in both processes, same machine); p50/p99/max over all deliveries');
  console.log('  emit→last   = last client of a change − serverNow, per change (ms); msgs/s = deliveries / summed emit→last');
  console.log('  server busy = serverNow → the ack of the command arrives: the server wrote the change to every socket first (p50 ms)');
  console.log('  server GC   = garbage-collection pauses in the server process during a change\'s fan-out window, mean ms per change');
  console.log('  cmd→emit    = command sent over a socket → serverNow; Roundtable: validation, SQLite commit with fsync, audiences (p50 ms)');
  console.log('  payload     = bytes of the JSON of one state or patch message as a participant received it; the baseline sends as many bytes');
  console.log('  RSS / heap  = (server process after N joined and settled − before connecting) / N, after a forced gc; heap = V8 heap + external + array buffers');
  console.log('                n/a* = this process held as many clients before and reuses the memory they freed, so its RSS delta means nothing; compare heap');
  console.log(`  load average ${load()} at end`);

  const strays = [...plenaryPairs, ...breakoutPairs].flatMap((p) => [p.roundtable, p.bare]).reduce((a, m) => a + m.stray, 0);
  if (strays > 0) console.log(`  note: ${strays} state message(s) of other versions arrived while measuring (presence refreshes?)`);

  console.log('');
  for (const { n, mode, run } of extras) {
    const hand = run.rows.get('raised hand');
    const step = run.rows.get('plenary step');
    const bytes = (m: Measured | undefined) => (m ? String(summarize(m).bytes) : '-');
    console.log(
      `bytes per change per client, ${n} ${MODE_NAME[mode]}: whole plenary view ${run.fullViewBytes} B; patch of a step change ${bytes(step)} B, of a raised hand ${bytes(hand)} B`,
    );
    console.log(`joining, ${n} ${MODE_NAME[mode]}: ${kb(run.joinBytesPerClient)} KB of states and patches sent to each client while all ${n} connected (batches of ${CONNECT_BATCH}) and settled`);
    if (run.flood) {
      const f = run.flood;
      console.log(
        `one member on ${f.connections} connections, ${f.seconds.toFixed(1)} s of hand:raise as fast as acked (budget ${defaultLiveLimits.invitation.perSecond}/s after a burst of ${defaultLiveLimits.invitation.burst} per invitation): ` +
          `${f.commitsPerSecond.toFixed(1)} commits/s (${f.refusedPerSecond.toFixed(0)}/s refused), each of ${n} bystanders got ${f.messagesPerClientPerSecond.toFixed(1)} messages/s, ${kb(f.bytesPerClientPerSecond)} KB/s`,
      );
    }
  }
  for (const line of stopped) console.log(`not measured or cut short — ${line}`);

  const goalSize = SIZES.includes(10_000) ? 10_000 : SIZES.includes(2000) ? 2000 : Math.max(...SIZES);
  const at = goalSize.toLocaleString('en-US');
  const goalPair = (label: string, mode: ClientMode) => plenaryPairs.find((p) => p.roundtable.clients === goalSize && p.roundtable.mode === mode && p.roundtable.label === label);
  const goal = goalPair('plenary step', 'light');
  const other = goalPair('plenary step', 'socket.io');
  console.log('');
  if (goal) {
    const s = summarize(goal.roundtable);
    const b = summarize(goal.bare);
    const memKb = goal.roundtable.rssPerClient / 1024;
    const comparison = other ? `; with ${MODE_NAME['socket.io']} (not judged): Roundtable ${ms(summarize(other.roundtable).p99)} ms, bare ${ms(summarize(other.bare).p99)} ms` : '';
    console.log(
      `goal: step change p99 ≤ ${GOAL_P99_MS} ms at ${at} clients, judged with ${MODE_NAME.light} clients — Roundtable ${ms(s.p99)} ms, bare socket.io ${ms(b.p99)} ms: ${s.p99 <= GOAL_P99_MS ? 'met' : 'NOT met'}${comparison}`,
    );
    console.log(
      `goal: ≤ ${GOAL_KB_PER_CLIENT} KB per client at ${at} clients — Roundtable ${memKb.toFixed(1)} KB RSS${goal.roundtable.rssClean ? '' : ' (*)'}, ${kb(goal.roundtable.heapPerClient)} KB heap: ${Math.max(memKb, goal.roundtable.heapPerClient / 1024) <= GOAL_KB_PER_CLIENT ? 'met' : 'NOT met'}`,
    );
  } else console.log(`goal: step change at ${at} clients — not measured`);
  const hand = goalPair('raised hand', 'light');
  if (hand) {
    const s = summarize(hand.roundtable);
    const b = summarize(hand.bare);
    console.log(
      `goal: a raised hand ≤ ${GOAL_HAND_BYTES} B per client and at the last client ≤ ${GOAL_HAND_LAST_MS} ms at ${at} — ${s.bytes} B, last client (emit→last max) ${ms(s.emitToLastMax)} ms, p99 ${ms(s.p99)} ms (bare ${ms(b.emitToLastMax)} / ${ms(b.p99)} ms): ${s.bytes <= GOAL_HAND_BYTES && s.emitToLastMax <= GOAL_HAND_LAST_MS ? 'met' : 'NOT met'}`,
    );
  } else console.log(`goal: a raised hand at ${at} clients — not measured`);
  const joining = extras.find((e) => e.n === goalSize && e.mode === 'light');
  if (joining) {
    console.log(
      `goal: ${at} joining at once ≤ ${GOAL_JOIN_KB} KB sent to each client — ${kb(joining.run.joinBytesPerClient)} KB: ${joining.run.joinBytesPerClient / 1024 <= GOAL_JOIN_KB ? 'met' : 'NOT met'}`,
    );
  }
}
