import * as Y from 'yjs';
import type { Clock } from '../domain/clock';
import type { NotesKey, NotesStore } from '../store/notes-store';
import type { NotesStats } from './notes-stats';
import { PersistenceDebounce } from './persistence-debounce';

export interface PersistenceOptions {
  /** Quiet time after an edit before it is stored. */
  waitMs: number;
  /** An edit is stored at the latest this long after it was made, however busy the document. */
  maxWaitMs: number;
  /** After this many appended batches a document's updates are folded into one snapshot. */
  compactEvery: number;
  /**
   * Merging and appending the documents due at once is done in slices of about this many ms of
   * work, the event loop running between them: hundreds of groups typing all fall due in the same
   * second, and merging all their edits in one go held every keystroke back by tens of ms.
   */
  sliceMs?: number;
}

export const defaultPersistence: PersistenceOptions = { waitMs: 250, maxWaitMs: 1000, compactEvery: 200, sliceMs: 4 };

/** Lets whatever waits on the event loop (keystrokes to relay) run before the next slice of writing. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Tracked {
  name: string;
  key: NotesKey;
  doc: Y.Doc;
  /** Updates made since the last append, oldest first. */
  pending: Uint8Array[];
  /** Sequence number of the newest stored update of this document. */
  through: number;
  appendsSinceSnapshot: number;
  debounce: PersistenceDebounce;
  /** Called with the exact size of each snapshot taken. */
  measured: (bytes: number) => void;
}

export type FlushListener = (keys: NotesKey[]) => void;

/**
 * Stores the edits of open notes documents: appended as they arrive (debounced with a maximum
 * wait), in one write for every document due at the same moment, and folded into a snapshot now
 * and then. Writes happen one at a time, in order, so a snapshot always covers every update
 * stored before it.
 */
export class NotesPersistence {
  readonly #tracked = new Map<string, Tracked>();
  readonly #due = new Set<Tracked>();
  readonly #listeners = new Set<FlushListener>();
  #queue: Promise<void> = Promise.resolve();
  #writeScheduled = false;

  constructor(
    private readonly store: NotesStore,
    private readonly clock: Clock,
    private readonly opts: PersistenceOptions,
    private readonly stats: NotesStats,
    private readonly onError: (error: unknown, key: NotesKey) => void,
  ) {}

  /** Called after every successful append with the documents it stored. */
  onFlushed(listener: FlushListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts storing the edits of `doc` (loaded with the stored updates up to `through`): each one
   * handed to `record`. Snapshots are taken of `doc`.
   */
  track(name: string, key: NotesKey, doc: Y.Doc, through: number, measured: (bytes: number) => void = () => undefined): void {
    const tracked: Tracked = {
      name,
      key,
      doc,
      pending: [],
      through,
      appendsSinceSnapshot: 0,
      debounce: new PersistenceDebounce(this.clock, this.opts.waitMs, this.opts.maxWaitMs, () => this.#markDue(tracked)),
      measured,
    };
    this.#tracked.set(name, tracked);
  }

  /** An edit of a tracked document, to be stored with the next append. */
  record(name: string, update: Uint8Array): void {
    const tracked = this.#tracked.get(name);
    if (!tracked) return;
    tracked.pending.push(update);
    tracked.debounce.touch();
  }

  /** Stores what is pending and folds the document into a snapshot, then stops watching it. */
  async untrack(name: string): Promise<void> {
    const tracked = this.#tracked.get(name);
    if (!tracked) return;
    await this.compact(name);
    tracked.debounce.cancel();
    if (this.#tracked.get(name) === tracked) this.#tracked.delete(name);
  }

  /** Stores what is pending, then stops watching the document without a snapshot (another node stores it now). */
  async forget(name: string): Promise<void> {
    const tracked = this.#tracked.get(name);
    if (!tracked) return;
    await this.flush(name);
    tracked.debounce.cancel();
    if (this.#tracked.get(name) === tracked) this.#tracked.delete(name);
  }

  /** Stores every pending edit (of one document, or all) now; resolves once it is durable. */
  flush(name?: string): Promise<void> {
    const targets = name === undefined ? [...this.#tracked.values()] : [this.#tracked.get(name)].filter((t): t is Tracked => !!t);
    for (const t of targets) {
      t.debounce.cancel();
      if (t.pending.length > 0) this.#due.add(t);
    }
    return this.#writeDue();
  }

  /** Folds the stored updates of a document into one snapshot of its current state. */
  compact(name: string): Promise<void> {
    const tracked = this.#tracked.get(name);
    if (!tracked) return Promise.resolve();
    void this.flush(name);
    return this.#enqueue(async () => {
      // Documents typed in together fall due for a snapshot together: one at a time, each in a turn of its own.
      await nextTurn();
      const snapshot = Y.encodeStateAsUpdate(tracked.doc);
      await this.store.compact(tracked.key, snapshot, tracked.through);
      tracked.measured(snapshot.length);
      this.stats.compactions++;
    }, tracked.key);
  }

  /** Resolves when every write asked for so far is done. */
  idle(): Promise<void> {
    return this.#queue;
  }

  #markDue(tracked: Tracked): void {
    this.#due.add(tracked);
    if (this.#writeScheduled) return;
    this.#writeScheduled = true;
    // Documents that fall due in the same turn share one write.
    setImmediate(() => {
      this.#writeScheduled = false;
      void this.#writeDue();
    });
  }

  #writeDue(): Promise<void> {
    const due = [...this.#due];
    this.#due.clear();
    if (!due.some((t) => t.pending.length > 0)) return this.#queue;
    return this.#enqueue(async () => {
      const sliceMs = this.opts.sliceMs ?? defaultPersistence.sliceMs!;
      let next = 0;
      while (next < due.length) {
        // Edits that arrive while earlier slices are written go along with theirs: the later the merge, the more it holds.
        const started = performance.now();
        const batch: Array<{ tracked: Tracked; updates: Uint8Array[]; update: Uint8Array }> = [];
        while (next < due.length && (batch.length === 0 || performance.now() - started < sliceMs)) {
          const t = due[next++]!;
          if (t.pending.length === 0) continue;
          const updates = t.pending;
          t.pending = [];
          batch.push({ tracked: t, updates, update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) });
        }
        if (batch.length > 0) await this.#append(batch, due.slice(next));
        if (next < due.length) await nextTurn();
      }
    }, due[0]!.key);
  }

  async #append(batch: Array<{ tracked: Tracked; updates: Uint8Array[]; update: Uint8Array }>, rest: Tracked[]): Promise<void> {
    try {
      const seq = await this.store.append(batch.map((b) => ({ key: b.tracked.key, update: b.update })));
      for (const b of batch) {
        b.tracked.through = seq;
        b.tracked.appendsSinceSnapshot++;
        this.stats.flushedBytes += b.update.length;
      }
      this.stats.flushes++;
    } catch (error) {
      // Kept for the next attempt: nothing is lost while the process lives.
      for (const b of batch) {
        b.tracked.pending.unshift(...b.updates);
        b.tracked.debounce.touch();
      }
      for (const t of rest) if (t.pending.length > 0) t.debounce.touch();
      throw error;
    }
    const keys = batch.map((b) => b.tracked.key);
    for (const listener of this.#listeners) listener(keys);
    for (const b of batch) {
      if (b.tracked.appendsSinceSnapshot >= this.opts.compactEvery) {
        b.tracked.appendsSinceSnapshot = 0;
        void this.compact(b.tracked.name);
      }
    }
  }

  #enqueue(task: () => Promise<void>, key: NotesKey): Promise<void> {
    const run = this.#queue.then(task).catch((error: unknown) => this.onError(error, key));
    this.#queue = run;
    return run;
  }
}
