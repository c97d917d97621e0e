import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NotesPersistence } from '../../server/src/notes/notes-persistence';
import { newNotesStats } from '../../server/src/notes/notes-stats';
import { PersistenceDebounce } from '../../server/src/notes/persistence-debounce';
import { MemoryNotesStore } from '../../server/src/store/memory-notes-store';
import type { NotesKey } from '../../server/src/store/notes-store';
import { ManualClock } from '../support/manual-clock';

describe('the persistence debounce', () => {
  it('runs once things have been quiet for the wait', () => {
    const clock = new ManualClock();
    const runs: number[] = [];
    const d = new PersistenceDebounce(clock, 250, 1000, () => runs.push(clock.now()));
    const t0 = clock.now();
    d.touch();
    clock.advance(200);
    d.touch();
    clock.advance(249);
    expect(runs).toEqual([]);
    clock.advance(1);
    expect(runs).toEqual([t0 + 450]);
    expect(d.pending).toBe(false);
  });

  it('runs at the latest the max wait after the first change, however busy', () => {
    const clock = new ManualClock();
    const runs: number[] = [];
    const d = new PersistenceDebounce(clock, 250, 1000, () => runs.push(clock.now()));
    const t0 = clock.now();
    for (let i = 0; i < 25; i++) {
      d.touch();
      clock.advance(100);
    }
    // Typing never paused for 250 ms: stored every 1000 ms.
    expect(runs.map((t) => t - t0)).toEqual([1000, 2000]);
  });

  it('arms one timer per burst, not one per change', () => {
    const clock = new ManualClock();
    const d = new PersistenceDebounce(clock, 250, 1000, () => undefined);
    for (let i = 0; i < 100; i++) d.touch();
    expect(clock.pendingTimers).toBe(1);
    d.cancel();
    expect(clock.pendingTimers).toBe(0);
  });
});

/** Tracks `doc` and records each of its edits, as the notes room does for the edits it accepts. */
function follow(persistence: NotesPersistence, name: string, key: NotesKey, doc: Y.Doc): void {
  persistence.track(name, key, doc, 0);
  doc.on('update', (update: Uint8Array) => persistence.record(name, update));
}

const key = (groupId: string): NotesKey => ({ sessionId: 's1', stepIndex: 1, groupId });

function setup(compactEvery = 200, sliceMs?: number) {
  const clock = new ManualClock();
  const store = new MemoryNotesStore();
  const appended: NotesKey[][] = [];
  const control = { fail: false };
  const errors: unknown[] = [];
  const original = store.append.bind(store);
  store.append = async (batch) => {
    if (control.fail) throw new Error('disk full');
    appended.push(batch.map((b) => b.key));
    return original(batch);
  };
  const stats = newNotesStats();
  const persistence = new NotesPersistence(store, clock, { waitMs: 250, maxWaitMs: 1000, compactEvery, ...(sliceMs === undefined ? {} : { sliceMs }) }, stats, (e) => errors.push(e));
  const flushed = () => new Promise<NotesKey[]>((resolve) => {
    const off = persistence.onFlushed((keys) => {
      off();
      resolve(keys);
    });
  });
  return { clock, store, persistence, appended, stats, flushed, control, errors };
}

function loaded(stored: Awaited<ReturnType<MemoryNotesStore['load']>>): Y.Doc {
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored?.updates ?? []) Y.applyUpdate(doc, u);
  return doc;
}

describe('storing the notes as they are edited', () => {
  it('appends a burst of edits as one merged update after the quiet time', async () => {
    const { clock, store, persistence, appended, flushed } = setup();
    const doc = new Y.Doc();
    follow(persistence, 's1.1.g1', key('g1'), doc);
    for (const c of 'Hello') doc.getText('notes').insert(doc.getText('notes').length, c);
    clock.advance(249);
    expect(appended).toEqual([]);
    const done = flushed();
    clock.advance(1);
    expect(await done).toEqual([key('g1')]);
    const stored = await store.load(key('g1'));
    expect(stored?.updates).toHaveLength(1);
    expect(loaded(stored).getText('notes').toString()).toBe('Hello');
  });

  it('writes every document that falls due at the same moment in one append', async () => {
    const { clock, persistence, appended, flushed } = setup();
    const docs = ['g1', 'g2', 'g3'].map((g) => {
      const doc = new Y.Doc();
      follow(persistence, `s1.1.${g}`, key(g), doc);
      doc.getText('notes').insert(0, g);
      return doc;
    });
    const done = flushed();
    clock.advance(250);
    await done;
    expect(appended).toEqual([[key('g1'), key('g2'), key('g3')]]);
    expect(docs).toHaveLength(3);
  });

  it('writes many documents due at once in slices, letting the event loop run between them', async () => {
    const { clock, store, persistence, appended } = setup(200, 0);
    const turns: string[] = [];
    const original = store.append.bind(store);
    store.append = async (batch) => {
      turns.push(`append ${batch.map((b) => b.key.groupId).join(',')}`);
      // Something that waits on the event loop while the documents are written, as a keystroke would.
      setImmediate(() => turns.push('loop ran'));
      return original(batch);
    };
    const docs = ['g1', 'g2', 'g3'].map((g) => {
      const doc = new Y.Doc();
      follow(persistence, `s1.1.${g}`, key(g), doc);
      doc.getText('notes').insert(0, `${g} `);
      doc.getText('notes').insert(3, 'typed');
      return doc;
    });
    clock.advance(250);
    await persistence.flush();
    // A slice of at most 0 ms holds one document.
    expect(turns).toEqual(['append g1', 'loop ran', 'append g2', 'loop ran', 'append g3']);
    expect(appended).toHaveLength(3);
    for (const [i, doc] of docs.entries()) expect(loaded(await store.load(key(`g${i + 1}`))).getText('notes').toString()).toBe(doc.getText('notes').toString());
  });

  it('folds a busy document into a snapshot every so many appends; it loads the same', async () => {
    const { clock, store, persistence, stats, flushed } = setup(3);
    const doc = new Y.Doc();
    follow(persistence, 's1.1.g1', key('g1'), doc);
    for (let i = 0; i < 4; i++) {
      doc.getText('notes').insert(doc.getText('notes').length, `line ${i}\n`);
      const done = flushed();
      clock.advance(300);
      await done;
    }
    await persistence.idle();
    expect(stats.compactions).toBe(1);
    const stored = await store.load(key('g1'));
    expect(stored?.snapshot).not.toBeNull();
    expect(stored?.updates.length).toBeLessThanOrEqual(1);
    expect(Y.encodeStateAsUpdate(loaded(stored))).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('flushes pending edits on demand and stores a final snapshot when it stops watching', async () => {
    const { store, persistence } = setup();
    const doc = new Y.Doc();
    follow(persistence, 's1.1.g1', key('g1'), doc);
    doc.getText('notes').insert(0, 'last words');
    await persistence.flush();
    expect((await store.load(key('g1')))?.updates).toHaveLength(1);
    doc.getText('notes').insert(0, 'Really ');
    await persistence.untrack('s1.1.g1');
    const stored = await store.load(key('g1'));
    expect(stored?.updates).toEqual([]);
    expect(loaded(stored).getText('notes').toString()).toBe('Really last words');
    doc.getText('notes').insert(0, 'ignored ');
    await persistence.flush();
    expect(loaded(await store.load(key('g1'))).getText('notes').toString()).toBe('Really last words');
  });

  it('keeps edits whose write failed and stores them with the next write', async () => {
    const { store, persistence, control, errors } = setup();
    const doc = new Y.Doc();
    follow(persistence, 's1.1.g1', key('g1'), doc);
    doc.getText('notes').insert(0, 'precious');
    control.fail = true;
    await persistence.flush();
    expect(errors).toHaveLength(1);
    expect(await store.load(key('g1'))).toBeNull();
    control.fail = false;
    await persistence.flush();
    expect(loaded(await store.load(key('g1'))).getText('notes').toString()).toBe('precious');
  });
});
