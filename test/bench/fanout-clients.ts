/**
 * The client side of the fan-out benchmark, in its own process so the clients' work does not share
 * the server's event loop. Spawned by fanout.ts with `node --import tsx`; driven over the IPC
 * channel. It opens N connections and, for each armed version, notes when every client received
 * it: receive time (Date.now) minus the `serverNow` stamped in the payload.
 *
 * Two kinds of client:
 * - `light` (the primary measurement): the socket.io v5 / engine.io v4 protocol spoken over a raw
 *   `ws` socket. All N clients share one process and one core, but in production each participant
 *   decodes on their own device; so the hot path only stamps Date.now and keeps the frame's bytes,
 *   and the JSON is parsed after the change reached everyone. What is left in the tail is the
 *   server's delivery plus the unavoidable read of each frame.
 * - `socket.io`: socket.io-client, as the web app connects. Its serial decode of N messages in one
 *   process inflates the tail; kept as a comparison row.
 */
import { io as connect, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export type ClientMode = 'light' | 'socket.io';

export type ToClients =
  | { type: 'connect'; mode: ClientMode; url: string; auths: Array<Record<string, unknown>>; batch: number; timeoutMs: number }
  | { type: 'status' }
  | { type: 'arm'; version: number; expected: number }
  | { type: 'collect' }
  | { type: 'disconnect' }
  | { type: 'exit' };

export interface VersionStats {
  version: number;
  serverNow: number;
  count: number;
  firstRecv: number;
  lastRecv: number;
  /** Bytes of JSON of the first copy received. */
  bytes: number;
  /** Whether that copy was a patch (`state:patch`) rather than a whole view. */
  patch: boolean;
}

export type FromClients =
  | { type: 'ready'; pid: number }
  | { type: 'connected'; count: number; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'status'; sockets: number; connected: number; withState: number; states: number; lastStateAt: number; stray: number; bytes: number }
  | { type: 'armed'; version: number }
  | { type: 'delivered'; version: number; count: number }
  | { type: 'samples'; latencies: number[]; versions: VersionStats[]; stray: number }
  | { type: 'disconnected' };

interface Armed {
  stats: VersionStats;
  expected: number;
  latencies: number[];
  /** Light clients: receive times and raw frames not parsed yet. */
  pendingAt: number[];
  pendingRaw: Buffer[];
}

/** One open connection of either kind. */
interface Client {
  connected(): boolean;
  close(): void;
}

const send = (message: FromClients) => process.send!(message);

let clients: Client[] = [];
let withState = new Set<number>();
let states = 0;
let lastStateAt = 0;
let stray = 0;
/** Bytes of every state and patch message received by all clients since they connected. */
let received = 0;
let armed: Armed | null = null;
let done: Armed[] = [];

/** Bookkeeping for the settle phase (first state per client, quiet period). */
function sawState(index: number, now: number): void {
  states++;
  lastStateAt = now;
  withState.add(index);
}

type Decoded = { version?: unknown; serverNow?: unknown };
type PatchPayload = { serverNow?: unknown; ops?: Array<{ op?: unknown; path?: unknown; value?: unknown }> };

/** A patch as the version it brings (the `/version` it replaces) and its serverNow; the rest is not read. */
function versionOfPatch(patch: PatchPayload): Decoded & { patch: true } {
  const op = patch.ops?.find((o) => o.path === '/version');
  return { version: op?.value, serverNow: patch.serverNow, patch: true };
}

/** A decoded state or patch received at `now`: counts towards the armed version or as a stray. */
function onState(now: number, view: Decoded & { patch?: boolean }, bytes = Buffer.byteLength(JSON.stringify(view))): void {
  if (!armed || view.version !== armed.stats.version || typeof view.serverNow !== 'number') {
    if (armed) stray++;
    return;
  }
  const a = armed;
  a.latencies.push(now - view.serverNow);
  a.stats.serverNow = view.serverNow;
  a.stats.count++;
  if (a.stats.count === 1) {
    a.stats.firstRecv = now;
    a.stats.bytes = bytes;
    a.stats.patch = view.patch === true;
  }
  a.stats.lastRecv = now;
  if (a.stats.count === a.expected) {
    done.push(a);
    armed = null;
    send({ type: 'delivered', version: a.stats.version, count: a.stats.count });
  }
}

// ---------------------------------------------------------------------------------------------
// socket.io-client

function socketIoClient(index: number, url: string, auth: Record<string, unknown>): { client: Client; opened: Promise<void> } {
  const socket: Socket = connect(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  socket.on('state', (view: Decoded) => {
    const now = Date.now();
    sawState(index, now);
    const bytes = Buffer.byteLength(JSON.stringify(view));
    received += bytes;
    onState(now, view, bytes);
  });
  socket.on('state:patch', (patch: PatchPayload) => {
    const now = Date.now();
    sawState(index, now);
    const bytes = Buffer.byteLength(JSON.stringify(patch));
    received += bytes;
    onState(now, versionOfPatch(patch), bytes);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error) => reject(new Error(`client ${index} could not connect: ${err.message}`)));
  });
  return { client: { connected: () => socket.connected, close: () => socket.disconnect() }, opened };
}

// ---------------------------------------------------------------------------------------------
// Light client: engine.io v4 packets are text frames whose first character is the type
// (0 open, 2 ping, 3 pong, 4 message); a socket.io packet follows a `4` (0 connect, 1 disconnect,
// 2 event, 4 connect_error). Roundtable's states are `42["state",{…}]` in the default namespace.

const STATE_PREFIX = Buffer.from('42["state",');
const PATCH_PREFIX = Buffer.from('42["state:patch",');

const startsWith = (data: Buffer, prefix: Buffer) => data.length > prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
function isState(data: Buffer): boolean {
  return startsWith(data, STATE_PREFIX) || startsWith(data, PATCH_PREFIX);
}

/** Parses the frames of the armed version, outside the hot path. */
function drain(a: Armed): void {
  const at = a.pendingAt;
  const raw = a.pendingRaw;
  a.pendingAt = [];
  a.pendingRaw = [];
  for (let k = 0; k < raw.length; k++) {
    if (armed !== a) return; // completed by an earlier frame; the rest are late copies of nothing armed
    const [event, payload] = JSON.parse(raw[k]!.toString('utf8', 2)) as [string, Decoded & PatchPayload];
    // What the participant's app receives: the socket.io frame less its `42["event",` envelope.
    onState(at[k]!, event === 'state:patch' ? versionOfPatch(payload) : payload, raw[k]!.length - (event === 'state:patch' ? PATCH_PREFIX : STATE_PREFIX).length - 1);
  }
}

function lightClient(index: number, url: string, auth: Record<string, unknown>): { client: Client; opened: Promise<void> } {
  const endpoint = `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}/socket.io/?EIO=4&transport=websocket`;
  // The server sends valid UTF-8 and the frames are decoded later, if at all: skip the check.
  const ws = new WebSocket(endpoint, { skipUTF8Validation: true, perMessageDeflate: false });
  let joined = false;
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      // Hot path: a state is stamped and kept as bytes; everything else is rare.
      if (isState(data)) {
        const now = Date.now();
        sawState(index, now);
        received += data.length;
        const a = armed;
        if (!a) return;
        a.pendingAt.push(now);
        a.pendingRaw.push(data);
        // Parse only once enough frames are in to possibly complete the change (strays included).
        if (a.pendingRaw.length >= a.expected - a.stats.count) drain(a);
        return;
      }
      const text = data.toString();
      if (text === '2') ws.send('3'); // engine.io ping → pong, or the server drops us after pingTimeout
      else if (text.startsWith('0')) ws.send(`40${JSON.stringify(auth)}`); // engine.io open → namespace connect with auth
      else if (text.startsWith('40')) {
        joined = true;
        resolve();
      } else if (text.startsWith('44')) reject(new Error(`client ${index} could not connect: connect_error ${text.slice(2)}`));
      else if (text.startsWith('41')) joined = false; // the server left us out of the namespace
    });
    ws.on('error', (err) => reject(new Error(`client ${index}: ${err.message}`)));
    ws.on('close', (code) => {
      joined = false;
      reject(new Error(`client ${index}: closed (${code}) before joining`));
    });
  });
  return { client: { connected: () => joined && ws.readyState === WebSocket.OPEN, close: () => ws.close() }, opened };
}

// ---------------------------------------------------------------------------------------------

async function connectAll(mode: ClientMode, url: string, auths: Array<Record<string, unknown>>, batch: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const open = mode === 'light' ? lightClient : socketIoClient;
  // In batches: a thousand simultaneous handshakes would time themselves out on a 2-core machine.
  for (let from = 0; from < auths.length; from += batch) {
    const opening: Promise<void>[] = [];
    for (let i = from; i < Math.min(from + batch, auths.length); i++) {
      const { client, opened } = open(i, url, auths[i]!);
      clients.push(client);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`client ${i} did not connect within ${Math.round(timeoutMs / 1000)} s`)), Math.max(1, deadline - Date.now()));
      });
      opening.push(Promise.race([opened, timeout]).finally(() => clearTimeout(timer)));
    }
    await Promise.all(opening);
  }
  send({ type: 'connected', count: clients.length, ms: Date.now() - started });
}

function closeAll(): void {
  for (const client of clients) client.close();
  clients = [];
}

process.on('message', (message: ToClients) => {
  switch (message.type) {
    case 'connect':
      connectAll(message.mode, message.url, message.auths, message.batch, message.timeoutMs).catch((err: unknown) =>
        send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    case 'status':
      send({
        type: 'status',
        sockets: clients.length,
        connected: clients.filter((c) => c.connected()).length,
        withState: withState.size,
        states,
        lastStateAt,
        stray,
        bytes: received,
      });
      return;
    case 'arm':
      armed = {
        stats: { version: message.version, serverNow: 0, count: 0, firstRecv: 0, lastRecv: 0, bytes: 0, patch: false },
        expected: message.expected,
        latencies: [],
        pendingAt: [],
        pendingRaw: [],
      };
      send({ type: 'armed', version: message.version });
      return;
    case 'collect': {
      if (armed) drain(armed); // an unfinished change (a timeout): report what did arrive
      const all = armed ? [...done, armed] : done;
      send({ type: 'samples', latencies: all.flatMap((a) => a.latencies), versions: all.map((a) => a.stats), stray });
      done = [];
      armed = null;
      stray = 0;
      return;
    }
    case 'disconnect':
      closeAll();
      withState = new Set();
      states = 0;
      lastStateAt = 0;
      stray = 0;
      received = 0;
      armed = null;
      done = [];
      // Give the close frames a moment to leave before confirming.
      setTimeout(() => send({ type: 'disconnected' }), 200);
      return;
    case 'exit':
      closeAll();
      setTimeout(() => process.exit(0), 100);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
