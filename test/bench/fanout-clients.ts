/**
 * The client side of the fan-out benchmark, in its own process so the clients' work does not share
 * the server's event loop. Spawned by fanout.ts with `node --import tsx`; driven over the IPC
 * channel. It opens N socket.io-client connections and, for each armed version, notes when every
 * client received it: receive time (Date.now) minus the `serverNow` stamped in the payload.
 */
import { io as connect, type Socket } from 'socket.io-client';

export type ToClients =
  | { type: 'connect'; url: string; auths: Array<Record<string, unknown>>; batch: number; timeoutMs: number }
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
}

export type FromClients =
  | { type: 'ready'; pid: number }
  | { type: 'connected'; count: number; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'status'; sockets: number; connected: number; withState: number; states: number; lastStateAt: number; stray: number }
  | { type: 'armed'; version: number }
  | { type: 'delivered'; version: number; count: number }
  | { type: 'samples'; latencies: number[]; versions: VersionStats[]; stray: number }
  | { type: 'disconnected' };

interface Armed {
  stats: VersionStats;
  expected: number;
  latencies: number[];
}

const send = (message: FromClients) => process.send!(message);

let sockets: Socket[] = [];
let withState = new Set<number>();
let states = 0;
let lastStateAt = 0;
let stray = 0;
let armed: Armed | null = null;
let done: Armed[] = [];

function onState(index: number, view: { version?: unknown; serverNow?: unknown }): void {
  const now = Date.now();
  states++;
  lastStateAt = now;
  withState.add(index);
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
    a.stats.bytes = Buffer.byteLength(JSON.stringify(view));
  }
  a.stats.lastRecv = now;
  if (a.stats.count === a.expected) {
    done.push(a);
    armed = null;
    send({ type: 'delivered', version: a.stats.version, count: a.stats.count });
  }
}

async function connectAll(url: string, auths: Array<Record<string, unknown>>, batch: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (let from = 0; from < auths.length; from += batch) {
    const opening: Promise<void>[] = [];
    for (let i = from; i < Math.min(from + batch, auths.length); i++) {
      const socket = connect(url, { auth: auths[i]!, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      socket.on('state', (view: { version?: unknown; serverNow?: unknown }) => onState(i, view));
      opening.push(
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`client ${i} did not connect within ${Math.round((deadline - Date.now()) / 1000)} s`)), Math.max(1, deadline - Date.now()));
          socket.once('connect', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.once('connect_error', (err: Error) => {
            clearTimeout(timer);
            reject(new Error(`client ${i} could not connect: ${err.message}`));
          });
        }),
      );
    }
    await Promise.all(opening);
  }
  send({ type: 'connected', count: sockets.length, ms: Date.now() - started });
}

process.on('message', (message: ToClients) => {
  switch (message.type) {
    case 'connect':
      connectAll(message.url, message.auths, message.batch, message.timeoutMs).catch((err: unknown) =>
        send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    case 'status':
      send({
        type: 'status',
        sockets: sockets.length,
        connected: sockets.filter((s) => s.connected).length,
        withState: withState.size,
        states,
        lastStateAt,
        stray,
      });
      return;
    case 'arm':
      armed = {
        stats: { version: message.version, serverNow: 0, count: 0, firstRecv: 0, lastRecv: 0, bytes: 0 },
        expected: message.expected,
        latencies: [],
      };
      send({ type: 'armed', version: message.version });
      return;
    case 'collect': {
      const all = armed ? [...done, armed] : done;
      send({ type: 'samples', latencies: all.flatMap((a) => a.latencies), versions: all.map((a) => a.stats), stray });
      done = [];
      armed = null;
      stray = 0;
      return;
    }
    case 'disconnect':
      for (const socket of sockets) socket.disconnect();
      sockets = [];
      withState = new Set();
      states = 0;
      lastStateAt = 0;
      stray = 0;
      armed = null;
      done = [];
      // Give the close frames a moment to leave before confirming.
      setTimeout(() => send({ type: 'disconnected' }), 200);
      return;
    case 'exit':
      for (const socket of sockets) socket.disconnect();
      setTimeout(() => process.exit(0), 100);
      return;
  }
});

process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
