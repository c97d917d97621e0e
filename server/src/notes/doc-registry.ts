import { applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { NOTES_TEXT, notesCloseCodes } from '../../../shared/notes';
import type { Clock } from '../domain/clock';
import type { NotesKey, NotesStore } from '../store/notes-store';
import { docNameOf } from './doc-name';
import type { NotesPersistence } from './notes-persistence';
import { localNotesFanout, type NotesDocLink, type NotesFanout } from './notes-fanout';
import { NotesRoom, remoteOrigin, type NotesConnection, type NotesLimits } from './notes-room';
import type { NotesStats } from './notes-stats';
import { fillFromTemplate } from './notes-template';

export interface DocRegistryOptions {
  store: NotesStore;
  persistence: NotesPersistence;
  clock: Clock;
  limits: NotesLimits;
  stats: NotesStats;
  /** A document nobody is connected to stays loaded this long, for quick reconnects. */
  idleMs: number;
  /** Called after each edit applied to a document, with the connection it came from (none for an edit heard from another node; not when one is loaded or filled from its template). */
  onEdit?: (key: NotesKey, origin?: NotesConnection) => void;
  /** Other nodes holding the same documents; none by default. */
  fanout?: NotesFanout;
}

/**
 * The notes documents this process holds open: each loaded once from the store (or created from
 * its template), shared by everyone connected to it, stored as it changes, and unloaded (after a
 * final snapshot) once nobody has been connected for a while.
 */
export class NotesDocRegistry {
  readonly #rooms = new Map<string, NotesRoom>();
  readonly #links = new Map<string, NotesDocLink>();
  readonly #loading = new Map<string, Promise<NotesRoom>>();
  readonly #unloading = new Map<string, Promise<void>>();
  readonly #idle = new Map<string, () => void>();
  #closed = false;

  constructor(private readonly opts: DocRegistryOptions) {}

  /** The live room of `key`, loading it (or creating it from `template`) when needed. */
  open(key: NotesKey, template: () => string): Promise<NotesRoom> {
    const name = docNameOf(key);
    this.#idle.get(name)?.();
    this.#idle.delete(name);
    const live = this.#rooms.get(name);
    if (live) return Promise.resolve(live);
    let loading = this.#loading.get(name);
    if (!loading) {
      loading = this.#load(name, key, template).finally(() => this.#loading.delete(name));
      this.#loading.set(name, loading);
    }
    return loading;
  }

  async #load(name: string, key: NotesKey, template: () => string): Promise<NotesRoom> {
    // A document being unloaded is stored first, or this load would miss its last edits.
    await this.#unloading.get(name);
    const stored = await this.opts.store.load(key);
    const doc = new Y.Doc();
    if (stored) Y.applyUpdate(doc, merged(stored.snapshot, stored.updates), 'store');
    const persistence = this.opts.persistence;
    let room: NotesRoom | null = null;
    const startStoring = (through: number) => {
      persistence.track(name, key, doc, through, (bytes) => room?.measured(bytes));
    };
    // Other nodes may hold the document too: they hear every change made here, and this node theirs.
    const link = await (this.opts.fanout ?? localNotesFanout).join(name, {
      applyUpdate: (update) => {
        if (!room) return;
        room.applyRemote(update);
        persistence.record(name, update);
        this.opts.onEdit?.(key);
      },
      applyAwareness: (update) => {
        if (room) applyAwarenessUpdate(room.awareness, update, remoteOrigin);
      },
      missingFrom: (stateVector) => {
        const missing = Y.encodeStateAsUpdate(doc, stateVector);
        return missing.length > 2 ? missing : null;
      },
      startStoring: () => {
        // The node that stored it is gone: what this node has may be all that is left of its last edits.
        startStoring(0);
        persistence.record(name, Y.encodeStateAsUpdate(doc));
      },
      stopStoring: () => void persistence.forget(name),
    });
    // Only the node that stores a document fills a new one from its template (two would write it twice).
    if (!stored && link.stores) fillFromTemplate(doc, template());
    room = new NotesRoom(name, doc, {
      limits: this.opts.limits,
      clock: this.opts.clock,
      stats: this.opts.stats,
      onChange: (update, origin) => {
        persistence.record(name, update);
        link.publishUpdate(update);
        this.opts.onEdit?.(key, origin);
      },
      onAwarenessChange: (update) => link.publishAwareness(update),
    });
    if (link.stores) startStoring(stored?.through ?? 0);
    if (!stored && link.stores) persistence.record(name, Y.encodeStateAsUpdate(doc));
    // Edits another node has not stored yet.
    link.askOthers(Y.encodeStateVector(doc));
    this.#rooms.set(name, room);
    this.#links.set(name, link);
    return room;
  }

  /** How many documents are open here. */
  get size(): number {
    return this.#rooms.size;
  }

  peek(name: string): NotesRoom | undefined {
    return this.#rooms.get(name);
  }

  /** Someone left `room`: once it is empty, unload it after the idle time. */
  release(room: NotesRoom): void {
    if (this.#closed || room.size > 0 || this.#rooms.get(room.name) !== room || this.#idle.has(room.name)) return;
    this.#idle.set(
      room.name,
      this.opts.clock.setTimer(() => {
        this.#idle.delete(room.name);
        void this.#unload(room.name);
      }, this.opts.idleMs),
    );
  }

  async #unload(name: string): Promise<void> {
    const room = this.#rooms.get(name);
    if (!room || room.size > 0) return;
    this.#rooms.delete(name);
    const link = this.#links.get(name);
    this.#links.delete(name);
    const done = this.opts.persistence.untrack(name).then(async () => {
      await link?.leave();
      room.destroy();
      room.doc.destroy();
    });
    this.#unloading.set(name, done);
    await done;
    if (this.#unloading.get(name) === done) this.#unloading.delete(name);
  }

  /** The document's current state: live, or as stored; null when it was never written. */
  async stateOf(key: NotesKey): Promise<Uint8Array | null> {
    const live = this.#rooms.get(docNameOf(key));
    if (live) return Y.encodeStateAsUpdate(live.doc);
    await this.#unloading.get(docNameOf(key));
    const stored = await this.opts.store.load(key);
    return stored ? merged(stored.snapshot, stored.updates) : null;
  }

  /** The notes' text: live, or as stored; null when never written. */
  async textOf(key: NotesKey): Promise<string | null> {
    const live = this.#rooms.get(docNameOf(key));
    if (live) return live.doc.getText(NOTES_TEXT).toString();
    const state = await this.stateOf(key);
    return state ? textOfState(state) : null;
  }

  /** Closes every connection (going away: clients reconnect elsewhere), stores and unloads every document. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const cancel of this.#idle.values()) cancel();
    this.#idle.clear();
    await Promise.allSettled([...this.#loading.values()]);
    for (const room of this.#rooms.values()) room.close(notesCloseCodes.goingAway, 'Roundtable is restarting');
    await Promise.all([...this.#rooms.keys()].map((name) => this.#unload(name)));
    await Promise.all([...this.#unloading.values()]);
  }
}

function merged(snapshot: Uint8Array | null, updates: Uint8Array[]): Uint8Array {
  const parts = snapshot ? [snapshot, ...updates] : updates;
  return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
}

export function textOfState(state: Uint8Array): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return doc.getText(NOTES_TEXT).toString();
  } finally {
    doc.destroy();
  }
}
