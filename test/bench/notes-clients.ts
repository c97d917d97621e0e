/**
 * The notes benchmark's people, in a process of their own: raw y-websocket clients (sync and
 * awareness over `ws`), each with its own Yjs document, typing at a steady rate into their group's
 * notes and timing every keystroke until each of their group's peers has it.
 *
 * To keep this one process from being the bottleneck for 2000 people, a client applies the server's
 * first answer (the notes as they are) and then only its own edits: a peer's keystroke is timed on
 * arrival (its id read from the update's header) but not merged. The server does all of its work.
 *
 * Driven by the parent over IPC (see ToClients / FromClients).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export interface ClientSpec {
  url: string;
  group: number;
}

export type ToClients =
  | { type: 'connect'; clients: ClientSpec[]; batch: number; handshake: boolean }
  /** `cursorEvery`: one cursor move (an awareness update) every this many keystrokes; 0 for none. */
  | { type: 'type'; seconds: number; perSecond: number; cursorEvery: number }
  | { type: 'close' };

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export type FromClients =
  | { type: 'ready' }
  | { type: 'connected'; open: number; failed: number; ms: number; firstError: string | null }
  | { type: 'typed'; sent: number; expected: number; received: number; latency: LatencySummary; closes: Record<string, number>; clientCpuMs: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

const messageSync = 0;
const messageAwareness = 1;

interface Person {
  ws: WebSocket;
  doc: Y.Doc;
  text: Y.Text;
  /** The awareness clock of this person's cursor updates. */
  awarenessClock: number;
  group: number;
  clock: number;
  synced: boolean;
  nextAt: number;
}

const send = (m: FromClients) => process.send!(m);
let people: Person[] = [];
let groupSizes = new Map<number, number>();
/** Keystroke id (client id and clock) → when it was typed and how many peers have yet to get it. */
const pending = new Map<number, { at: number; left: number }>();
let latencies = new Float64Array(1 << 20);
let received = 0;
const closes: Record<string, number> = {};
let handshake = true;

const keyOf = (client: number, clock: number) => client * 1_000_000 + clock;

function record(ms: number): void {
  if (received === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[received++] = ms;
}

function onMessage(person: Person, data: Buffer): void {
  const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const type = decoding.readVarUint(decoder);
  if (type !== messageSync) return; // awareness and notices: not timed, not applied
  const syncType = decoding.readVarUint(decoder);
  if (syncType === syncProtocol.messageYjsSyncStep1) {
    if (!handshake) return; // relayed by the bare server from a peer: not for us
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep2(encoder, person.doc, decoding.readVarUint8Array(decoder));
    person.ws.send(encoding.toUint8Array(encoder));
    return;
  }
  const update = decoding.readVarUint8Array(decoder);
  if (syncType === syncProtocol.messageYjsSyncStep2) {
    Y.applyUpdate(person.doc, update, 'server');
    person.synced = true;
    return;
  }
  const now = performance.now();
  const meta = Y.parseUpdateMeta(update);
  for (const [client, clock] of meta.from) {
    const key = keyOf(client, clock);
    const p = pending.get(key);
    if (!p) continue;
    record(now - p.at);
    if (--p.left === 0) pending.delete(key);
  }
}

async function connectAll(specs: ClientSpec[], batch: number): Promise<void> {
  const started = performance.now();
  let failed = 0;
  let firstError: string | null = null;
  people = [];
  groupSizes = new Map();
  for (const s of specs) groupSizes.set(s.group, (groupSizes.get(s.group) ?? 0) + 1);
  for (let i = 0; i < specs.length; i += batch) {
    await Promise.all(
      specs.slice(i, i + batch).map(
        (spec) =>
          new Promise<void>((resolve) => {
            const doc = new Y.Doc();
            const ws = new WebSocket(spec.url, { perMessageDeflate: false });
            const person: Person = { ws, doc, text: doc.getText('notes'), awarenessClock: 0, group: spec.group, clock: 0, synced: !handshake, nextAt: 0 };
            ws.on('message', (data: Buffer) => onMessage(person, data));
            ws.on('close', (code) => {
              closes[code] = (closes[code] ?? 0) + 1;
            });
            ws.on('error', (error) => {
              failed++;
              firstError ??= error.message;
              resolve();
            });
            ws.on('open', () => {
              if (handshake) {
                const encoder = encoding.createEncoder();
                encoding.writeVarUint(encoder, messageSync);
                syncProtocol.writeSyncStep1(encoder, doc);
                ws.send(encoding.toUint8Array(encoder));
              }
              people.push(person);
              resolve();
            });
          }),
      ),
    );
  }
  // Wait for every first answer (the notes as they are) before typing.
  while (handshake && people.some((p) => !p.synced && p.ws.readyState === WebSocket.OPEN)) await new Promise((r) => setTimeout(r, 20));
  send({ type: 'connected', open: people.length, failed, ms: Math.round(performance.now() - started), firstError });
}

function keystroke(person: Person, cursorEvery: number): void {
  const peers = (groupSizes.get(person.group) ?? 1) - 1;
  const client = person.doc.clientID;
  const clock = person.clock++;
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => {
    update = u;
  };
  person.doc.on('update', capture);
  const at = performance.now();
  person.text.insert(person.text.length, String.fromCharCode(97 + (clock % 26)));
  person.doc.off('update', capture);
  if (peers > 0) pending.set(keyOf(client, clock), { at, left: peers });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  syncProtocol.writeUpdate(encoder, update!);
  person.ws.send(encoding.toUint8Array(encoder));
  if (cursorEvery > 0 && clock % cursorEvery === 0) {
    // The caret moved (a click, an arrow key): the cursor in awareness changes, as y-codemirror
    // sends it (while typing on, the caret's relative position does not change, so nothing is sent).
    // Encoded here by hand as y-protocols would, to keep this process light.
    const position = JSON.stringify({ type: null, tname: null, item: { client, clock }, assoc: 0 });
    const state = `{"user":{"name":"Person ${client % 10000}","color":"#1d4ed8","colorLight":"#1d4ed833"},"cursor":{"anchor":${position},"head":${position}}}`;
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, client);
    encoding.writeVarUint(inner, ++person.awarenessClock);
    encoding.writeVarString(inner, state);
    const aw = encoding.createEncoder();
    encoding.writeVarUint(aw, messageAwareness);
    encoding.writeVarUint8Array(aw, encoding.toUint8Array(inner));
    person.ws.send(encoding.toUint8Array(aw));
  }
}

async function typeFor(seconds: number, perSecond: number, cursorEvery: number): Promise<void> {
  pending.clear();
  received = 0;
  const cpu = process.cpuUsage();
  const interval = 1000 / perSecond;
  const start = performance.now();
  const end = start + seconds * 1000;
  // Each person starts at a random moment of the first interval, then keeps the pace.
  for (const p of people) p.nextAt = start + Math.random() * interval;
  let sent = 0;
  let expected = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= end) return resolve();
      for (const p of people) {
        if (p.nextAt <= now && p.ws.readyState === WebSocket.OPEN) {
          keystroke(p, cursorEvery);
          sent++;
          expected += (groupSizes.get(p.group) ?? 1) - 1;
          p.nextAt += interval;
        }
      }
      setTimeout(tick, 2);
    };
    tick();
  });
  // Let the last keystrokes arrive (at most 3 s).
  const drainUntil = performance.now() + 3000;
  while (received < expected && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const sorted = latencies.slice(0, received).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
  const used = process.cpuUsage(cpu);
  send({
    type: 'typed',
    sent,
    expected,
    received,
    latency: { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : NaN },
    closes: { ...closes },
    clientCpuMs: Math.round((used.user + used.system) / 1000),
  });
}

async function closeAll(): Promise<void> {
  await Promise.all(
    people.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.ws.readyState === WebSocket.CLOSED) return resolve();
          p.ws.once('close', () => resolve());
          p.ws.close();
        }),
    ),
  );
  people = [];
  for (const k of Object.keys(closes)) delete closes[k];
  send({ type: 'closed' });
}

process.on('message', (m: ToClients) => {
  const run = async () => {
    if (m.type === 'connect') {
      handshake = m.handshake;
      await connectAll(m.clients, m.batch);
    } else if (m.type === 'type') await typeFor(m.seconds, m.perSecond, m.cursorEvery);
    else if (m.type === 'close') await closeAll();
  };
  run().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
