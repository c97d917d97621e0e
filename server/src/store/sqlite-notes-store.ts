import type Database from 'better-sqlite3';
import { compareNotesKeys, type NotesKey, type NotesStore, type NotesVersion, type StoredNotes } from './notes-store';
import { openDataFile } from './sqlite-file';

const schema = `
CREATE TABLE IF NOT EXISTS notes_docs (
  session_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  group_id TEXT NOT NULL,
  snapshot BLOB,
  PRIMARY KEY (session_id, step_index, group_id)
);
CREATE TABLE IF NOT EXISTS notes_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  group_id TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_updates_by_doc ON notes_updates (session_id, step_index, group_id, seq);
CREATE TABLE IF NOT EXISTS notes_versions (
  session_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  group_id TEXT NOT NULL,
  label TEXT NOT NULL,
  at INTEGER NOT NULL,
  state BLOB NOT NULL,
  meta TEXT NOT NULL,
  PRIMARY KEY (session_id, step_index, group_id, label)
);
`;

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const blob = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * The embedded notes store: tables in the same SQLite file as the sessions (roundtable.sqlite in
 * the data directory), through a connection of its own. WAL with synchronous=NORMAL: a write that
 * returned survives the process being killed (it is in the WAL, which the OS holds), and appending
 * does not wait for the disk several hundred times a second; only power loss could take the last
 * few edits, which notes can afford and sessions (synchronous=FULL) cannot.
 */
export class SqliteNotesStore implements NotesStore {
  readonly #db: Database.Database;
  readonly #touchDoc: Database.Statement;
  readonly #insertUpdate: Database.Statement;
  readonly #selectDoc: Database.Statement;
  readonly #selectUpdates: Database.Statement;
  readonly #setSnapshot: Database.Statement;
  readonly #deleteUpdates: Database.Statement;
  readonly #upsertVersion: Database.Statement;
  readonly #selectVersion: Database.Statement;
  readonly #selectKeys: Database.Statement;
  readonly #appendBatch: (batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>) => number;
  readonly #lastSeq: Database.Statement;

  constructor(dataDir: string) {
    this.#db = openDataFile(dataDir, 'NORMAL', schema);
    this.#touchDoc = this.#db.prepare('INSERT OR IGNORE INTO notes_docs (session_id, step_index, group_id, snapshot) VALUES (?, ?, ?, NULL)');
    this.#insertUpdate = this.#db.prepare('INSERT INTO notes_updates (session_id, step_index, group_id, data) VALUES (?, ?, ?, ?)');
    this.#selectDoc = this.#db.prepare('SELECT snapshot FROM notes_docs WHERE session_id = ? AND step_index = ? AND group_id = ?');
    this.#selectUpdates = this.#db.prepare(
      'SELECT seq, data FROM notes_updates WHERE session_id = ? AND step_index = ? AND group_id = ? ORDER BY seq',
    );
    this.#setSnapshot = this.#db.prepare(
      `INSERT INTO notes_docs (session_id, step_index, group_id, snapshot) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id, step_index, group_id) DO UPDATE SET snapshot = excluded.snapshot`,
    );
    this.#deleteUpdates = this.#db.prepare('DELETE FROM notes_updates WHERE session_id = ? AND step_index = ? AND group_id = ? AND seq <= ?');
    this.#upsertVersion = this.#db.prepare(
      `INSERT INTO notes_versions (session_id, step_index, group_id, label, at, state, meta) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, step_index, group_id, label) DO UPDATE SET at = excluded.at, state = excluded.state, meta = excluded.meta`,
    );
    this.#selectVersion = this.#db.prepare(
      'SELECT label, at, state, meta FROM notes_versions WHERE session_id = ? AND step_index = ? AND group_id = ? AND label = ?',
    );
    this.#selectKeys = this.#db.prepare('SELECT session_id, step_index, group_id FROM notes_docs WHERE session_id = ?');
    this.#lastSeq = this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'notes_updates'");
    this.#appendBatch = this.#db.transaction((batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>) => {
      let seq = 0;
      for (const { key, update } of batch) {
        this.#touchDoc.run(key.sessionId, key.stepIndex, key.groupId);
        seq = Number(this.#insertUpdate.run(key.sessionId, key.stepIndex, key.groupId, blob(update)).lastInsertRowid);
      }
      return seq;
    });
  }

  async append(batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>): Promise<number> {
    if (batch.length > 0) return this.#appendBatch(batch);
    return Number((this.#lastSeq.get() as { seq: number } | undefined)?.seq ?? 0);
  }

  async load(key: NotesKey): Promise<StoredNotes | null> {
    const doc = this.#selectDoc.get(key.sessionId, key.stepIndex, key.groupId) as { snapshot: Buffer | null } | undefined;
    const rows = this.#selectUpdates.all(key.sessionId, key.stepIndex, key.groupId) as Array<{ seq: number; data: Buffer }>;
    if (!doc?.snapshot && rows.length === 0) return null;
    return {
      snapshot: doc?.snapshot ? bytes(doc.snapshot) : null,
      updates: rows.map((r) => bytes(r.data)),
      through: rows.at(-1)?.seq ?? 0,
    };
  }

  async compact(key: NotesKey, snapshot: Uint8Array, through: number): Promise<void> {
    this.#db.transaction(() => {
      this.#setSnapshot.run(key.sessionId, key.stepIndex, key.groupId, blob(snapshot));
      this.#deleteUpdates.run(key.sessionId, key.stepIndex, key.groupId, through);
    })();
  }

  async keepVersion(key: NotesKey, version: NotesVersion): Promise<void> {
    this.#db.transaction(() => {
      this.#touchDoc.run(key.sessionId, key.stepIndex, key.groupId);
      this.#upsertVersion.run(key.sessionId, key.stepIndex, key.groupId, version.label, version.at, blob(version.state), JSON.stringify(version.meta));
    })();
  }

  async version(key: NotesKey, label: string): Promise<NotesVersion | null> {
    const row = this.#selectVersion.get(key.sessionId, key.stepIndex, key.groupId, label) as
      | { label: string; at: number; state: Buffer; meta: string }
      | undefined;
    return row ? { label: row.label, at: row.at, state: bytes(row.state), meta: JSON.parse(row.meta) as Record<string, unknown> } : null;
  }

  async list(sessionId: string): Promise<NotesKey[]> {
    return (this.#selectKeys.all(sessionId) as Array<{ session_id: string; step_index: number; group_id: string }>)
      .map((r) => ({ sessionId: r.session_id, stepIndex: r.step_index, groupId: r.group_id }))
      .sort(compareNotesKeys);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
