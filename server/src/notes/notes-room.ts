import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { authNotesAccess, authPermissionDenied, messageAuth, notesCloseCodes, type NotesCloseReason, type NotesNotice } from '../../../shared/notes';
import type { Clock } from '../domain/clock';
import type { NotesStats } from './notes-stats';
import { TokenBucket } from '../access/token-bucket';

/** y-websocket's message types. */
export const messageSync = 0;
export const messageAwareness = 1;
export const messageQueryAwareness = 3;

/** The origin of changes made on another node: applied here and relayed to everyone, never sent back. */
export const remoteOrigin = Symbol('another node');

/** What the room needs of a connection: a way to send bytes and to close with a code. */
export interface NotesConnection {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface NotesLimits {
  /** A document may not grow past this (bytes of its Yjs state). */
  maxDocumentBytes: number;
  /** One message may not be larger. */
  maxMessageBytes: number;
  /** Awareness (cursor, name) messages are small; larger ones are refused. */
  maxAwarenessBytes: number;
  /** Messages a connection may send per second, and at once. */
  messagesPerSecond: number;
  messageBurst: number;
}

export const defaultNotesLimits: NotesLimits = {
  maxDocumentBytes: 2 * 1024 * 1024,
  maxMessageBytes: 2 * 1024 * 1024,
  maxAwarenessBytes: 64 * 1024,
  messagesPerSecond: 60,
  messageBurst: 240,
};

export type RoomAccess = 'write' | 'read';

/** Who a connection is, as the server knows it: what others see at their cursor comes from here. */
export interface NotesIdentity {
  /** The invitation (roster id or moderator link): an awareness id a person used stays theirs when they come back. */
  subject: string | null;
  name: string;
  /** `#rrggbb`; a colour the client asks for is kept only in that form. */
  color: string;
}

const anonymous: NotesIdentity = { subject: null, name: '', color: '#1d4ed8' };
const hexColour = /^#[0-9a-fA-F]{6}$/;

interface Seat {
  access: RoomAccess;
  identity: NotesIdentity;
  /**
   * The one awareness client id this connection speaks for: the first it uses (undefined until
   * then). Its entry is removed when it leaves.
   */
  clientId: number | undefined;
  bucket: TokenBucket;
}

const readOnlyMessage = 'These notes are read-only for you now; your change was not saved.';

/**
 * One group's notes document and the people connected to it, speaking the y-websocket protocol
 * (sync and awareness). It knows nothing of the network: it is handed connections and their
 * messages, decides what each may do (writers change the document; readers only receive), checks
 * every message before it touches the document, and never throws at its caller.
 *
 * Every change to the document comes through here: it is relayed to the others and handed to
 * `onChange` (for storing). A keystroke's update is relayed as the writer sent it, so Yjs does not
 * encode it again (no `update` listener on the document: that encoding is a good part of a busy
 * server's time).
 */
export class NotesRoom {
  readonly awareness: Awareness;
  readonly #seats = new Map<NotesConnection, Seat>();
  /** Who speaks for each awareness client id (conn null: they left; the id stays theirs). */
  readonly #awarenessHolders = new Map<number, { conn: NotesConnection | null; subject: string | null }>();
  readonly #limits: NotesLimits;
  readonly #clock: Clock;
  readonly #stats: NotesStats;
  /** An upper bound of the document's encoded size, made exact again when a snapshot is taken. */
  #approxBytes: number;
  readonly #onChange: (update: Uint8Array, origin: NotesConnection) => void;
  readonly #onAwarenessChange: ((update: Uint8Array) => void) | undefined;

  constructor(
    readonly name: string,
    readonly doc: Y.Doc,
    opts: {
      limits: NotesLimits;
      clock: Clock;
      stats: NotesStats;
      onChange?: (update: Uint8Array, origin: NotesConnection) => void;
      /** Awareness changed here (not heard from another node): the same encoded update the room relays. */
      onAwarenessChange?: (update: Uint8Array) => void;
    },
  ) {
    this.#limits = opts.limits;
    this.#clock = opts.clock;
    this.#stats = opts.stats;
    this.#onChange = opts.onChange ?? (() => undefined);
    this.#onAwarenessChange = opts.onAwarenessChange;
    this.#approxBytes = Y.encodeStateAsUpdate(doc).length;
    this.awareness = new Awareness(doc);
    // The server is not a participant: no cursor of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.#onAwareness);
  }

  get size(): number {
    return this.#seats.size;
  }

  connections(): IterableIterator<NotesConnection> {
    return this.#seats.keys();
  }

  accessOf(conn: NotesConnection): RoomAccess | undefined {
    return this.#seats.get(conn)?.access;
  }

  /**
   * Seats a connection: tells it what it may do, asks writers for what they have that the server
   * lacks (sync step 1; readers are not asked, so anything they send is an attempted edit), and
   * shows it who else is here.
   */
  join(conn: NotesConnection, access: RoomAccess, identity: NotesIdentity = anonymous): void {
    this.#seats.set(conn, {
      access,
      identity,
      clientId: undefined,
      bucket: new TokenBucket(this.#clock, this.#limits.messagesPerSecond, this.#limits.messageBurst),
    });
    this.#notice(conn, { type: 'access', access });
    if (access === 'write') {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      conn.send(encoding.toUint8Array(encoder));
    }
    const states = this.awareness.getStates();
    if (states.size > 0) conn.send(awarenessMessage(encodeAwarenessUpdate(this.awareness, [...states.keys()])));
  }

  /** The session changed what this connection may do. */
  setAccess(conn: NotesConnection, access: RoomAccess): void {
    const seat = this.#seats.get(conn);
    if (!seat || seat.access === access) return;
    seat.access = access;
    // A reader is not shown to the others.
    if (access === 'read') this.#forgetCursor(seat, conn);
    this.#notice(conn, { type: 'access', access });
  }

  leave(conn: NotesConnection): void {
    const seat = this.#seats.get(conn);
    if (!seat) return;
    this.#seats.delete(conn);
    this.#forgetCursor(seat, null);
  }

  #forgetCursor(seat: Seat, origin: NotesConnection | null): void {
    const id = seat.clientId;
    if (id === undefined) return;
    const holder = this.#awarenessHolders.get(id);
    if (holder) holder.conn = null;
    seat.clientId = undefined;
    if (this.awareness.getStates().has(id)) removeAwarenessStates(this.awareness, [id], origin);
  }

  /** Closes one connection with a coded reason, after telling it why when there is a notice for it. */
  refuse(conn: NotesConnection, reason: NotesCloseReason, message: string): void {
    this.leave(conn);
    conn.close(notesCloseCodes[reason], message.slice(0, 120));
  }

  /** Handles one message from `conn`. Never throws: whatever is wrong is refused. */
  receive(conn: NotesConnection, data: Uint8Array): void {
    const seat = this.#seats.get(conn);
    if (!seat) return;
    if (data.length > this.#limits.maxMessageBytes) {
      this.#stats.refusedTooLarge++;
      this.#reject(conn, 'TOO_LARGE', `A change may be at most ${kb(this.#limits.maxMessageBytes)}.`);
      this.refuse(conn, 'tooLarge', 'message too large');
      return;
    }
    if (!seat.bucket.take()) {
      this.#stats.refusedRateLimited++;
      this.#reject(conn, 'RATE_LIMITED', 'Too many changes at once; reconnect in a moment.');
      this.refuse(conn, 'rateLimited', 'too many messages');
      return;
    }
    try {
      const decoder = decoding.createDecoder(data);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case messageSync:
          this.#sync(conn, seat, decoder, data);
          break;
        case messageAwareness:
          this.#awarenessFrom(conn, seat, decoding.readVarUint8Array(decoder));
          break;
        case messageQueryAwareness:
          conn.send(awarenessMessage(encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
          break;
        case messageAuth:
          break; // the server's to send, not to receive
        default:
          throw new Error(`unknown message type ${type}`);
      }
    } catch {
      this.#stats.refusedMalformed++;
      this.#reject(conn, 'MALFORMED', 'A message could not be read; the notes were not changed.');
      this.refuse(conn, 'malformed', 'malformed message');
    }
  }

  #sync(conn: NotesConnection, seat: Seat, decoder: decoding.Decoder, data: Uint8Array): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
      conn.send(encoding.toUint8Array(encoder));
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new Error(`unknown sync message ${syncType}`);
    }
    const update = decoding.readVarUint8Array(decoder);
    // Parsing in full first: a malformed update throws here, before it can half-apply.
    const parsed = Y.decodeUpdate(update);
    if (seat.access !== 'write') {
      if (parsed.structs.length === 0 && parsed.ds.clients.size === 0) return; // nothing to write
      this.#stats.rejectedWrites++;
      this.#reject(conn, 'READ_ONLY', readOnlyMessage);
      return;
    }
    if (!this.#fits(update.length)) {
      this.#stats.refusedTooLarge++;
      this.#reject(conn, 'TOO_LARGE', `The notes may be at most ${kb(this.#limits.maxDocumentBytes)}; this change was not saved.`);
      this.refuse(conn, 'tooLarge', 'document too large');
      return;
    }
    this.#approxBytes += update.length;
    this.#stats.appliedUpdates++;
    if (syncType === syncProtocol.messageYjsUpdate) {
      Y.applyUpdate(this.doc, update, conn);
      // Relayed as sent (re-framed only if something trails it).
      this.#changed(update, conn, decoder.pos === data.length ? data : null);
      return;
    }
    // A sync step 2 holds what the client has and the server may lack: relay only what is new.
    const fresh: Uint8Array[] = [];
    const capture = (u: Uint8Array) => void fresh.push(u);
    this.doc.on('update', capture);
    try {
      Y.applyUpdate(this.doc, update, conn);
    } finally {
      this.doc.off('update', capture);
    }
    if (fresh.length > 0) this.#changed(fresh.length === 1 ? fresh[0]! : Y.mergeUpdates(fresh), conn, null);
  }

  /** Relays a change to everyone but its author and hands it on to be stored. */
  #changed(update: Uint8Array, origin: NotesConnection, message: Uint8Array | null): void {
    if (!message) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
      message = encoding.toUint8Array(encoder);
    }
    for (const conn of this.#seats.keys()) if (conn !== origin) conn.send(message);
    this.#onChange(update, origin);
  }

  /** A change made on another node (stored and relayed there): applied and relayed to everyone here. */
  applyRemote(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, remoteOrigin);
    this.#approxBytes += update.length;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const conn of this.#seats.keys()) conn.send(message);
  }

  #fits(extra: number): boolean {
    if (this.#approxBytes + extra <= this.#limits.maxDocumentBytes) return true;
    // The running bound over-counts (updates overlap, merged state is smaller): measure once more.
    this.#approxBytes = Y.encodeStateAsUpdate(this.doc).length;
    return this.#approxBytes + extra <= this.#limits.maxDocumentBytes;
  }

  /** A snapshot measured the document exactly. */
  measured(bytes: number): void {
    this.#approxBytes = bytes;
  }

  /**
   * A writer's cursor and name. The server owns who each entry is: a connection speaks for one
   * awareness client id (the first it uses), never changes or removes anyone else's, and what it
   * says about itself is rewritten to the name the session knows and a `#rrggbb` colour; only its
   * cursor is its own to say. Entries for other ids are dropped, so a thousand ghost cursors are one.
   */
  #awarenessFrom(conn: NotesConnection, seat: Seat, update: Uint8Array): void {
    if (update.length > this.#limits.maxAwarenessBytes) throw new Error('awareness update too large');
    // Read in full first: a malformed message throws here and changes nothing.
    const decoder = decoding.createDecoder(update);
    const entries: Array<{ clientId: number; clock: number; state: unknown }> = [];
    for (let n = decoding.readVarUint(decoder); n > 0; n--) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) as unknown });
    }
    // Readers are not shown (a plenary of thousands must not broadcast thousands of cursors).
    if (seat.access !== 'write') return;
    const accepted = entries.filter(({ clientId, state }) => this.#speaksFor(conn, seat, clientId, state));
    this.#stats.droppedAwareness += entries.length - accepted.length;
    if (accepted.length === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, accepted.length);
    for (const { clientId, clock, state } of accepted) {
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(state === null ? null : this.#asIdentified(seat, state)));
    }
    applyAwarenessUpdate(this.awareness, encoding.toUint8Array(encoder), conn);
  }

  /**
   * True when `conn` may say something about awareness entry `clientId`; claims it on first use.
   * Browsers echo everyone's entries back (y-websocket relays every awareness change it hears), so
   * an entry for another id is no attack by itself: it is dropped. A connection claims an id only
   * with a state (not a removal), and only one nobody else holds or held: an id someone used before
   * is theirs again when they come back (a reconnecting tab keeps its document and its id).
   */
  #speaksFor(conn: NotesConnection, seat: Seat, clientId: number, state: unknown): boolean {
    if (seat.clientId !== undefined) return seat.clientId === clientId;
    if (state === null) return false;
    const holder = this.#awarenessHolders.get(clientId);
    if (holder && (holder.conn !== null || holder.subject === null || holder.subject !== seat.identity.subject)) return false;
    seat.clientId = clientId;
    this.#awarenessHolders.set(clientId, { conn, subject: seat.identity.subject });
    return true;
  }

  #asIdentified(seat: Seat, state: unknown): Record<string, unknown> {
    const said = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
    const asked = typeof said.user === 'object' && said.user !== null ? (said.user as Record<string, unknown>).color : undefined;
    const color = typeof asked === 'string' && hexColour.test(asked) ? asked : seat.identity.color;
    const cursor = said.cursor;
    return {
      user: { name: seat.identity.name, color, colorLight: `${color}33` },
      ...(typeof cursor === 'object' ? { cursor } : {}),
    };
  }

  readonly #onAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    // Encoded once for the room and the other nodes: each encoding is a JSON.stringify of every changed cursor.
    const update = encodeAwarenessUpdate(this.awareness, changed);
    const message = awarenessMessage(update);
    for (const conn of this.#seats.keys()) if (conn !== origin) conn.send(message);
    if (origin !== remoteOrigin) this.#onAwarenessChange?.(update);
  };

  #notice(conn: NotesConnection, notice: NotesNotice): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageAuth);
    encoding.writeVarUint(encoder, notice.type === 'rejected' ? authPermissionDenied : authNotesAccess);
    encoding.writeVarString(encoder, JSON.stringify(notice));
    conn.send(encoding.toUint8Array(encoder));
  }

  #reject(conn: NotesConnection, code: 'READ_ONLY' | 'TOO_LARGE' | 'MALFORMED' | 'RATE_LIMITED', message: string): void {
    this.#notice(conn, { type: 'rejected', code, message });
  }

  /** Closes every connection (the document stays with its owner). */
  close(code: number, reason: string): void {
    for (const conn of [...this.#seats.keys()]) {
      this.leave(conn);
      conn.close(code, reason);
    }
  }

  destroy(): void {
    this.awareness.off('update', this.#onAwareness);
    this.awareness.destroy();
  }
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageAwareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MB` : `${Math.round(bytes / 1024)} KB`;
}
