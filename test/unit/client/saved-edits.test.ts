import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider, messageSync } from 'y-websocket';
import * as Y from 'yjs';
import { savedEdits, type SavedEdits } from '../../../client/src/notes/saved-edits';

/** A WebSocket the test plays the server of: it records what the provider sends. */
class ScriptedSocket {
  static opened: ScriptedSocket[] = [];
  readonly OPEN = 1;
  readyState = 0;
  binaryType = 'arraybuffer';
  sent: Uint8Array[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.opened.push(this);
  }
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  /** The server's sync message of `type` with `payload`. */
  receive(type: number, payload: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    encoding.writeVarUint(encoder, type);
    encoding.writeVarUint8Array(encoder, payload);
    const bytes = encoding.toUint8Array(encoder);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  }
  /** Sync steps 1 this socket sent (the provider's own and the probes). */
  stepOnes(): number {
    return this.sent.filter((m) => {
      const d = decoding.createDecoder(m);
      return decoding.readVarUint(d) === messageSync && decoding.readVarUint(d) === syncProtocol.messageYjsSyncStep1;
    }).length;
  }
}

const server = new Y.Doc();
const empty = () => Y.encodeStateAsUpdate(server, Y.encodeStateVector(server));

/** The probe goes after a pause in typing; the edits are saved when, and only when, its answer comes. */
function expectSavedOnceAnswered(socket: ScriptedSocket, saved: SavedEdits): void {
  vi.advanceTimersByTime(300);
  expect(socket.stepOnes()).toBe(2);
  expect(saved.pending()).toBe(true);
  socket.receive(syncProtocol.messageYjsSyncStep2, empty());
  expect(saved.pending()).toBe(false);
}

describe('notes say "saved" only once the server has the edits', () => {
  let doc: Y.Doc;
  let provider: WebsocketProvider;

  beforeEach(() => {
    vi.useFakeTimers();
    ScriptedSocket.opened = [];
    doc = new Y.Doc();
    provider = new WebsocketProvider('ws://127.0.0.1:1', 'notes', doc, {
      WebSocketPolyfill: ScriptedSocket as unknown as typeof WebSocket,
      disableBc: true,
      connect: false,
    });
  });
  afterEach(() => {
    provider.destroy();
    vi.useRealTimers();
  });

  it('counts an edit saved when the answer to a sync step 1 sent after it comes, not before', () => {
    const saved = savedEdits(provider, doc, () => undefined);
    provider.connect();
    const socket = ScriptedSocket.opened[0]!;
    socket.open();
    socket.receive(syncProtocol.messageYjsSyncStep2, empty()); // the answer to the provider's own step 1
    expect(saved.pending()).toBe(false);

    doc.getText('notes').insert(0, 'Trust comes first.');
    expect(saved.pending()).toBe(true);
    expectSavedOnceAnswered(socket, saved);
    saved.destroy();
  });

  it('keeps edits made offline unsaved until they went out after reconnecting and the server answered', () => {
    const saved = savedEdits(provider, doc, () => undefined);
    provider.connect();
    ScriptedSocket.opened[0]!.open();
    provider.disconnect();
    doc.getText('notes').insert(0, 'Written on the train.');
    vi.advanceTimersByTime(1_000);
    expect(saved.pending()).toBe(true);

    provider.connect();
    const socket = ScriptedSocket.opened[1]!;
    socket.open();
    // The answer to the provider's own step 1 proves nothing about the offline edit.
    socket.receive(syncProtocol.messageYjsSyncStep2, empty());
    expect(saved.pending()).toBe(true);
    // The server asks what it lacks; the provider's reply carries the edit; then the probe goes.
    socket.receive(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(server));
    expectSavedOnceAnswered(socket, saved);
    saved.destroy();
  });
});
