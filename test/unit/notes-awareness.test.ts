import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { NotesRoom, defaultNotesLimits, messageAwareness, type NotesConnection, type NotesIdentity } from '../../server/src/notes/notes-room';
import { newNotesStats } from '../../server/src/notes/notes-stats';
import { awarenessEntries } from '../support/awareness';
import { ManualClock } from '../support/manual-clock';

/** A connection that keeps, in its own Awareness, what the room tells it about everyone's cursors. */
class Peer implements NotesConnection {
  readonly seen = new Awareness(new Y.Doc());
  closed: number | null = null;

  constructor(readonly room: NotesRoom) {
    this.seen.setLocalState(null);
  }

  join(identity: NotesIdentity, access: 'write' | 'read' = 'write'): this {
    this.room.join(this, access, identity);
    return this;
  }

  /** Sends awareness entries as [clientId, clock, state]. */
  say(...entries: Array<[number, number, unknown]>): void {
    this.room.receive(this, awarenessEntries(...entries));
  }

  send(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) === messageAwareness) applyAwarenessUpdate(this.seen, decoding.readVarUint8Array(decoder), this);
  }

  close(code: number): void {
    this.closed = code;
  }
}

function setup() {
  const stats = newNotesStats();
  const room = new NotesRoom('s.1.g1', new Y.Doc(), { limits: defaultNotesLimits, clock: new ManualClock(), stats });
  return { room, stats };
}

const ana: NotesIdentity = { subject: 'p01', name: 'Ana', color: '#047857' };
const bo: NotesIdentity = { subject: 'p02', name: 'Bo', color: '#7c3aed' };
const cursor = { anchor: { type: null, tname: 'notes', item: null, assoc: 0 }, head: { type: null, tname: 'notes', item: null, assoc: 0 } };
const overlay = 'red; position: fixed; inset: 0; z-index: 9999; background: url(https://example.org/x)';

describe('awareness in a notes room', () => {
  it('shows the name the session knows and a #rrggbb colour, whatever a writer says of itself', () => {
    const { room } = setup();
    const a = new Peer(room).join(ana);
    const watcher = new Peer(room).join(bo, 'read');
    a.say([101, 1, { user: { name: 'Moderator (official)', color: overlay, colorLight: overlay }, cursor, extra: 'x'.repeat(100) }]);
    expect(watcher.seen.getStates().get(101)).toEqual({ user: { name: 'Ana', color: '#047857', colorLight: '#04785733' }, cursor });
    // A colour in the right form is the writer's to choose.
    a.say([101, 2, { user: { name: 'Ana', color: '#aa3300' }, cursor }]);
    expect(watcher.seen.getStates().get(101)).toEqual({ user: { name: 'Ana', color: '#aa3300', colorLight: '#aa330033' }, cursor });
  });

  it("never lets a writer overwrite or delete another's entry", () => {
    const { room, stats } = setup();
    const a = new Peer(room).join(ana);
    const b = new Peer(room).join(bo);
    const watcher = new Peer(room).join({ subject: 'p03', name: 'Cy', color: '#b91c1c' }, 'read');
    a.say([101, 1, { user: {}, cursor }]);
    b.say([202, 1, { user: {}, cursor }]);
    // Bo reuses Ana's client id, with a later clock, then tries to remove it.
    b.say([101, 5, { user: { name: 'Moderator (official)' }, cursor: null }]);
    b.say([101, 6, null]);
    expect(watcher.seen.getStates().get(101)).toEqual({ user: { name: 'Ana', color: '#047857', colorLight: '#04785733' }, cursor });
    expect(room.awareness.getStates().get(202)).toMatchObject({ user: { name: 'Bo' } });
    expect(stats.droppedAwareness).toBe(2);
  });

  it('keeps one entry per connection: a thousand ghost cursors are one', () => {
    const { room, stats } = setup();
    const a = new Peer(room).join(ana);
    a.say(...Array.from({ length: 1000 }, (_, i): [number, number, unknown] => [5000 + i, 1, { user: { name: 'g' } }]));
    a.say([9999, 1, { user: { name: 'one more' }, cursor }]);
    expect([...room.awareness.getStates().keys()]).toEqual([5000]);
    expect(stats.droppedAwareness).toBe(1000);
    // Its own entry it may remove.
    a.say([5000, 2, null]);
    expect(room.awareness.getStates().size).toBe(0);
  });

  it("keeps an id its holder's when they come back, and drops the entries browsers echo of others", () => {
    const { room } = setup();
    const first = new Peer(room).join(ana);
    first.say([101, 1, { user: {}, cursor }]);
    const b = new Peer(room).join(bo);
    // Bo's browser relays what it heard of Ana before it says anything of its own: dropped, and Bo's own id still counts.
    b.say([101, 1, { user: {}, cursor }]);
    b.say([202, 1, { user: {}, cursor: null }]);
    expect(room.awareness.getStates().get(202)).toMatchObject({ user: { name: 'Bo' } });
    // Ana's tab reconnects before her old connection is seen to drop: her id is still held, so it waits.
    const again = new Peer(room).join(ana);
    again.say([101, 2, { user: {}, cursor: null }]);
    expect(room.awareness.getStates().get(101)).toMatchObject({ cursor });
    room.leave(first);
    expect(room.awareness.getStates().has(101)).toBe(false);
    // Once it has, the id is hers again; nobody else may take it up.
    const stranger = new Peer(room).join({ subject: 'p03', name: 'Cy', color: '#b91c1c' });
    stranger.say([101, 3, { user: {}, cursor }]);
    expect(room.awareness.getStates().has(101)).toBe(false);
    again.say([101, 3, { user: {}, cursor: null }]);
    expect(room.awareness.getStates().get(101)).toEqual({ user: { name: 'Ana', color: '#047857', colorLight: '#04785733' }, cursor: null });
    room.leave(again);
    expect(room.awareness.getStates().has(101)).toBe(false);
  });
});
