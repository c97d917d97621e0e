import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { NOTES_TEXT, messageAuth, notesCloseCodes, type NotesNotice } from '../../shared/notes';
import { NotesRoom, defaultNotesLimits, messageAwareness, messageSync, type NotesConnection, type NotesLimits } from '../../server/src/notes/notes-room';
import { newNotesStats } from '../../server/src/notes/notes-stats';
import { ManualClock } from '../support/manual-clock';

/**
 * A client as the y-websocket provider behaves, without a network: it answers the room's sync
 * messages with its own document and forwards its edits, all synchronously.
 */
class FakeClient implements NotesConnection {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly notices: NotesNotice[] = [];
  closed: { code: number; reason: string } | null = null;
  room: NotesRoom | null = null;

  constructor(readonly name: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
      this.sendToRoom(encoding.toUint8Array(encoder));
    });
  }

  get text(): string {
    return this.doc.getText(NOTES_TEXT).toString();
  }

  type(text: string): void {
    const t = this.doc.getText(NOTES_TEXT);
    t.insert(t.length, text);
  }

  connect(room: NotesRoom, access: 'write' | 'read'): this {
    this.room = room;
    room.join(this, access, { subject: this.name, name: this.name, color: '#1d4ed8' });
    // The provider opens with sync step 1.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.sendToRoom(encoding.toUint8Array(encoder));
    return this;
  }

  sendToRoom(message: Uint8Array): void {
    if (this.room && !this.closed) this.room.receive(this, message);
  }

  send(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === messageSync) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) this.sendToRoom(encoding.toUint8Array(encoder));
    } else if (type === messageAwareness) {
      applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    } else if (type === messageAuth) {
      decoding.readVarUint(decoder); // permission denied (0) or access (100)
      this.notices.push(JSON.parse(decoding.readVarString(decoder)) as NotesNotice);
    }
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
}

function room(limits: Partial<NotesLimits> = {}, text = '# Q1\n\n') {
  const doc = new Y.Doc();
  doc.getText(NOTES_TEXT).insert(0, text);
  const clock = new ManualClock();
  const stats = newNotesStats();
  const changes: Uint8Array[] = [];
  const r = new NotesRoom('s.1.g1', doc, { limits: { ...defaultNotesLimits, ...limits }, clock, stats, onChange: (u) => changes.push(u) });
  return { room: r, doc, clock, stats, changes };
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageSync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

describe('a notes room', () => {
  it('brings a new writer up to date and relays every edit to the others', () => {
    const { room: r, doc } = room();
    const a = new FakeClient('a').connect(r, 'write');
    const b = new FakeClient('b').connect(r, 'write');
    expect(a.text).toBe('# Q1\n\n');
    a.type('Trust');
    b.type(' takes time');
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\nTrust takes time');
    expect(a.text).toBe(b.text);
    expect(a.notices).toEqual([{ type: 'access', access: 'write' }]);
  });

  it('takes in what a writer typed while it was away (its answer to sync step 1)', () => {
    const { room: r, doc } = room();
    const offline = new FakeClient('offline');
    Y.applyUpdate(offline.doc, Y.encodeStateAsUpdate(doc));
    offline.doc.getText(NOTES_TEXT).insert(6, 'typed on the train');
    offline.connect(r, 'write');
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\ntyped on the train');
  });

  it('relays a keystroke as its writer sent it and hands every change on to be stored, once', () => {
    const { room: r, changes } = room();
    const a = new FakeClient('a').connect(r, 'write');
    const b = new FakeClient('b').connect(r, 'write');
    const relayed: Uint8Array[] = [];
    const send = b.send.bind(b);
    b.send = (m) => {
      relayed.push(m);
      send(m);
    };
    const sent: Uint8Array[] = [];
    a.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== a && sent.push(updateMessage(u)));
    a.type('k');
    expect(relayed).toEqual(sent);
    expect(changes).toHaveLength(1);
    // Someone coming back with nothing new (their sync step 2 holds only what the server has) changes nothing.
    const again = new FakeClient('again');
    Y.applyUpdate(again.doc, Y.encodeStateAsUpdate(r.doc));
    relayed.length = 0;
    again.connect(r, 'write');
    expect(relayed.filter((m) => m[0] === messageSync)).toEqual([]);
    expect(changes).toHaveLength(1);
  });

  it("drops a reader's edit, says so, counts it, and keeps the connection", () => {
    const { room: r, doc, stats } = room();
    const reader = new FakeClient('reader').connect(r, 'read');
    expect(reader.text).toBe('# Q1\n\n');
    reader.type('sneaky');
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\n');
    expect(reader.notices.at(-1)).toMatchObject({ type: 'rejected', code: 'READ_ONLY' });
    expect(stats.rejectedWrites).toBe(1);
    expect(reader.closed).toBeNull();
    const writer = new FakeClient('writer').connect(r, 'write');
    writer.type('live');
    expect(reader.text).toContain('live');
  });

  it('turns a writer into a reader when told, and tells it', () => {
    const { room: r, doc } = room();
    const a = new FakeClient('a').connect(r, 'write');
    r.setAccess(a, 'read');
    expect(a.notices.at(-1)).toEqual({ type: 'access', access: 'read' });
    a.type('too late');
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\n');
  });

  it('shows writers’ cursors to everyone but does not broadcast readers’', () => {
    const { room: r } = room();
    const writer = new FakeClient('writer').connect(r, 'write');
    const reader = new FakeClient('reader').connect(r, 'read');
    const send = (c: FakeClient) => {
      c.awareness.setLocalStateField('user', { name: c.name });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, messageAwareness);
      encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(c.awareness, [c.doc.clientID]));
      c.sendToRoom(encoding.toUint8Array(encoder));
    };
    send(writer);
    send(reader);
    expect(reader.awareness.getStates().get(writer.doc.clientID)).toEqual({ user: { name: 'writer', color: '#1d4ed8', colorLight: '#1d4ed833' } });
    expect(r.awareness.getStates().has(reader.doc.clientID)).toBe(false);
    r.leave(writer);
    expect(r.awareness.getStates().has(writer.doc.clientID)).toBe(false);
  });

  it('refuses an update that would make the document too large (4413), without applying it', () => {
    const { room: r, doc, stats } = room({ maxDocumentBytes: 4096, maxMessageBytes: 64 * 1024 });
    const a = new FakeClient('a').connect(r, 'write');
    a.type('x'.repeat(5000));
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\n');
    expect(a.closed?.code).toBe(notesCloseCodes.tooLarge);
    expect(a.notices.at(-1)).toMatchObject({ type: 'rejected', code: 'TOO_LARGE' });
    expect(stats.refusedTooLarge).toBe(1);
  });

  it('refuses a message larger than allowed (4413)', () => {
    const { room: r, doc } = room({ maxMessageBytes: 1024 });
    const a = new FakeClient('a').connect(r, 'write');
    a.type('y'.repeat(2000));
    expect(a.closed?.code).toBe(notesCloseCodes.tooLarge);
    expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\n');
  });

  it('refuses malformed messages (4400) and never throws at its caller', () => {
    const garbage = [
      new Uint8Array([]),
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      new Uint8Array([42]),
      new Uint8Array([messageSync, 9]),
      new Uint8Array([messageSync, syncProtocol.messageYjsUpdate, 5, 1, 2, 3, 4, 5]),
      new Uint8Array([messageSync, syncProtocol.messageYjsUpdate, 200]),
      new Uint8Array([messageAwareness, 3, 1, 2, 3]),
      updateMessage(new Uint8Array([1, 1, 200, 200, 1, 0, 4, 255, 255])),
    ];
    for (const bytes of garbage) {
      const { room: r, doc, stats } = room();
      const a = new FakeClient('a').connect(r, 'write');
      expect(() => r.receive(a, bytes)).not.toThrow();
      expect(a.closed?.code, `message ${[...bytes].join(',')}`).toBe(notesCloseCodes.malformed);
      expect(doc.getText(NOTES_TEXT).toString()).toBe('# Q1\n\n');
      expect(stats.refusedMalformed).toBe(1);
    }
  });

  it('limits how many messages a connection sends per second (4429)', () => {
    const { room: r, clock, stats } = room({ messagesPerSecond: 10, messageBurst: 20 });
    const a = new FakeClient('a').connect(r, 'write'); // its sync step 1 and step 2: two messages
    for (let i = 0; i < 18; i++) a.type('k');
    expect(a.closed).toBeNull();
    clock.advance(1000); // ten more
    for (let i = 0; i < 10; i++) a.type('k');
    expect(a.closed).toBeNull();
    a.type('k');
    expect(a.closed?.code).toBe(notesCloseCodes.rateLimited);
    expect(stats.refusedRateLimited).toBe(1);
  });

  it('closes everyone with a code when it closes', () => {
    const { room: r } = room();
    const a = new FakeClient('a').connect(r, 'write');
    const b = new FakeClient('b').connect(r, 'read');
    r.close(notesCloseCodes.goingAway, 'restarting');
    expect([a.closed?.code, b.closed?.code]).toEqual([1001, 1001]);
    expect(r.size).toBe(0);
  });
});
