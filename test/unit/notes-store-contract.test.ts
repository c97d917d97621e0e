import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryNotesStore } from '../../server/src/store/memory-notes-store';
import type { NotesKey, NotesStore, StoredNotes } from '../../server/src/store/notes-store';
import { RedisNotesStore } from '../../server/src/store/redis-notes-store';
import { SqliteNotesStore } from '../../server/src/store/sqlite-notes-store';
import { SqliteSessionStore } from '../../server/src/store/sqlite-store';
import { redisForThisFile } from '../support/redis-server';

const g1: NotesKey = { sessionId: 's1', stepIndex: 1, groupId: 'g1' };
const g2: NotesKey = { sessionId: 's1', stepIndex: 1, groupId: 'g2' };
const g10: NotesKey = { sessionId: 's1', stepIndex: 1, groupId: 'g10' };
const later: NotesKey = { sessionId: 's1', stepIndex: 3, groupId: 'g1' };
const other: NotesKey = { sessionId: 's2', stepIndex: 1, groupId: 'g1' };

/** Real Yjs updates: each types `text` at the end of a document that follows the previous ones. */
function edits(...texts: string[]): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (const t of texts) doc.getText('notes').insert(doc.getText('notes').length, t);
  return updates;
}

function textOf(stored: StoredNotes | null): string {
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored?.updates ?? []) Y.applyUpdate(doc, u);
  return doc.getText('notes').toString();
}

interface Factory {
  open(): NotesStore;
  reopen?: () => NotesStore;
  cleanup?: () => void | Promise<void>;
}

/** The contract every NotesStore keeps; each implementation runs the same suite. */
function notesStoreContract(name: string, makeFactory: () => Factory): void {
  describe(`${name} keeps the NotesStore contract`, () => {
    let factory: Factory;
    let store: NotesStore;
    beforeEach(() => {
      factory = makeFactory();
      store = factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it('knows nothing of a document never written', async () => {
      expect(await store.load(g1)).toBeNull();
      expect(await store.list('s1')).toEqual([]);
      expect(await store.version(g1, 'breakout-end')).toBeNull();
    });

    it('appends updates to several documents in one batch and gives them back in order', async () => {
      const [a, b, c] = edits('Trust ', 'needs ', 'time');
      const seq1 = await store.append([
        { key: g1, update: a! },
        { key: g2, update: b! },
      ]);
      const seq2 = await store.append([{ key: g1, update: c! }]);
      expect(seq2).toBeGreaterThan(seq1);
      const stored = await store.load(g1);
      expect(stored?.snapshot).toBeNull();
      expect(stored?.updates).toEqual([a, c]);
      expect(stored?.through).toBe(seq2);
      expect((await store.load(g2))?.updates).toEqual([b]);
    });

    it('folds updates into a snapshot and keeps only the updates appended after it', async () => {
      const [a, b, c] = edits('one ', 'two ', 'three');
      await store.append([{ key: g1, update: a! }]);
      const through = await store.append([{ key: g1, update: b! }]);
      await store.append([{ key: g1, update: c! }]);
      await store.compact(g1, Y.mergeUpdates([a!, b!]), through);
      const stored = await store.load(g1);
      expect(stored?.snapshot).toEqual(Y.mergeUpdates([a!, b!]));
      expect(stored?.updates).toEqual([c]);
      expect(textOf(stored)).toBe('one two three');
    });

    it('keeps named versions, the latest under each label', async () => {
      const [a] = edits('as presented');
      await store.keepVersion(g1, { label: 'breakout-end', at: 1000, state: a!, meta: { members: [{ id: 'p1', role: 'notetaker' }] } });
      await store.keepVersion(g1, { label: 'breakout-end', at: 2000, state: a!, meta: { members: [] } });
      const kept = await store.version(g1, 'breakout-end');
      expect(kept).toEqual({ label: 'breakout-end', at: 2000, state: a, meta: { members: [] } });
      expect(await store.version(g1, 'other')).toBeNull();
      expect(await store.version(g2, 'breakout-end')).toBeNull();
    });

    it("lists a session's documents by step, then group in natural order, and no other session's", async () => {
      const [a] = edits('x');
      for (const key of [later, g10, other, g2, g1]) await store.append([{ key, update: a! }]);
      expect(await store.list('s1')).toEqual([g1, g2, g10, later]);
    });

    it('hands out copies: changing what was given or returned changes nothing stored', async () => {
      const [a] = edits('intact');
      const given = new Uint8Array(a!);
      await store.append([{ key: g1, update: given }]);
      given.fill(0);
      const first = await store.load(g1);
      first!.updates[0]!.fill(0);
      expect(textOf(await store.load(g1))).toBe('intact');
    });

    if (makeFactory().reopen) {
      it('keeps everything across a restart', async () => {
        const [a, b] = edits('durable ', 'notes');
        await store.append([{ key: g1, update: a! }]);
        const through = await store.append([{ key: g1, update: b! }]);
        await store.compact(g2, Y.mergeUpdates([a!]), 0);
        await store.keepVersion(g1, { label: 'breakout-end', at: 5, state: a!, meta: { n: 1 } });
        await store.close();
        store = factory.reopen!();
        const stored = await store.load(g1);
        expect(textOf(stored)).toBe('durable notes');
        expect(stored?.through).toBe(through);
        expect(textOf(await store.load(g2))).toBe('durable ');
        expect((await store.version(g1, 'breakout-end'))?.meta).toEqual({ n: 1 });
        // Sequence numbers keep growing after a restart.
        expect(await store.append([{ key: g1, update: b! }])).toBeGreaterThan(through);
      });
    }
  });
}

notesStoreContract('MemoryNotesStore', () => ({ open: () => new MemoryNotesStore() }));

notesStoreContract('SqliteNotesStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-notes-store-'));
  return {
    open: () => new SqliteNotesStore(dir),
    reopen: () => new SqliteNotesStore(dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

// A redis-server of this file's own; "reopen" is a new store on the same Redis.
const redis = redisForThisFile();

notesStoreContract('RedisNotesStore', () => ({
  open: () => new RedisNotesStore(redis.client),
  reopen: () => new RedisNotesStore(redis.client),
  cleanup: async () => {
    await redis.client.flushDb();
  },
}));

describe('SqliteNotesStore beside the session store', () => {
  it('shares the data directory’s one database file with the sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-notes-store-'));
    const sessions = new SqliteSessionStore(dir);
    const notes = new SqliteNotesStore(dir);
    const [a] = edits('side by side');
    await notes.append([{ key: g1, update: a! }]);
    expect(await sessions.listActive()).toEqual([]);
    expect(textOf(await notes.load(g1))).toBe('side by side');
    await notes.close();
    await sessions.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
