import type Database from 'better-sqlite3';
import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import type { SessionDelta } from '../domain/session-parts';
import type { AuditEntry, DomainEvent } from '../domain/transition';
import { assembleSession, deltaRows, sizeOf, type CommitSize, type DeltaRows } from './session-rows';
import type { SessionStore } from './session-store';
import { openDataFile } from './sqlite-file';

/**
 * A session is a row of `sessions` (its version, for the compare-and-set, and its status), a row
 * per part in `session_parts` and a row per member in `session_members`, so a commit rewrites only
 * what changed. `sessions.state` is where data directories written before kept the whole session
 * as one JSON document: it is moved into parts when the file is opened, and empty after.
 */
const schema = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS session_parts (
  session_id TEXT NOT NULL,
  part TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (session_id, part)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS session_members (
  session_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (session_id, member_id)
);
CREATE INDEX IF NOT EXISTS session_members_in_order ON session_members (session_id, position);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_session ON audit (session_id, seq);
`;

interface AuditRow {
  session_id: string;
  at: number;
  actor: string;
  action: string;
  from_version: number;
  to_version: number;
  detail: string;
}

/**
 * The embedded default: one SQLite file in the data directory, in WAL mode with full sync, so a
 * commit that returned is on disk even if the process is killed the next instant.
 */
export class SqliteSessionStore implements SessionStore {
  readonly #db: Database.Database;
  readonly #sql: Record<
    | 'insertSession'
    | 'updateSession'
    | 'selectSession'
    | 'selectActive'
    | 'selectParts'
    | 'selectMembers'
    | 'writePart'
    | 'dropPart'
    | 'writeMember'
    | 'dropMember'
    | 'insertAudit'
    | 'selectAudit'
    | 'selectWhole'
    | 'emptyWhole',
    Database.Statement
  >;

  constructor(dataDir: string) {
    this.#db = openDataFile(dataDir, 'FULL', schema);
    const sql = (text: string) => this.#db.prepare(text);
    this.#sql = {
      insertSession: sql("INSERT INTO sessions (id, version, status, state, updated_at) VALUES (?, ?, ?, '', ?)"),
      updateSession: sql('UPDATE sessions SET version = ?, status = ?, updated_at = ? WHERE id = ? AND version = ?'),
      selectSession: sql('SELECT version FROM sessions WHERE id = ?'),
      selectActive: sql("SELECT id FROM sessions WHERE status != 'ended' ORDER BY id"),
      selectParts: sql('SELECT part, value FROM session_parts WHERE session_id = ?').raw(),
      selectMembers: sql('SELECT member_id, value FROM session_members WHERE session_id = ? ORDER BY position').raw(),
      writePart: sql(
        'INSERT INTO session_parts (session_id, part, value) VALUES (?, ?, ?) ON CONFLICT (session_id, part) DO UPDATE SET value = excluded.value',
      ),
      dropPart: sql('DELETE FROM session_parts WHERE session_id = ? AND part = ?'),
      // A member new to the roster comes last; one already on it keeps its place.
      writeMember: sql(
        `INSERT INTO session_members (session_id, member_id, position, value)
         VALUES (@session, @member, (SELECT COALESCE(MAX(position), 0) + 1 FROM session_members WHERE session_id = @session), @value)
         ON CONFLICT (session_id, member_id) DO UPDATE SET value = excluded.value`,
      ),
      dropMember: sql('DELETE FROM session_members WHERE session_id = ? AND member_id = ?'),
      insertAudit: sql(
        'INSERT INTO audit (session_id, at, actor, action, from_version, to_version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      selectAudit: sql('SELECT * FROM audit WHERE session_id = ? ORDER BY seq'),
      selectWhole: sql("SELECT id, state FROM sessions WHERE state != ''"),
      emptyWhole: sql("UPDATE sessions SET state = '' WHERE id = ?"),
    };
    this.#moveWholeDocumentsIntoParts();
  }

  /** Sessions stored as one document by earlier versions: split into parts once, each in one transaction. */
  #moveWholeDocumentsIntoParts(): void {
    for (const { id, state } of this.#sql.selectWhole.all() as Array<{ id: string; state: string }>) {
      const whole = JSON.parse(state) as SessionState;
      this.#db.transaction(() => {
        this.#write(id, deltaRows(whole, undefined, []));
        this.#sql.emptyWhole.run(id);
      })();
    }
  }

  /** Writes the rows of a delta; returns how many records SQLite says it changed. */
  #write(id: string, rows: DeltaRows): number {
    let written = 0;
    for (const [name, json] of rows.parts) written += this.#sql.writePart.run(id, name, json).changes;
    for (const name of rows.dropped) written += this.#sql.dropPart.run(id, name).changes;
    for (const [memberId, json] of rows.members) written += this.#sql.writeMember.run({ session: id, member: memberId, value: json }).changes;
    for (const memberId of rows.gone) written += this.#sql.dropMember.run(id, memberId).changes;
    return written;
  }

  #appendAudit(audit: AuditEntry[], details: string[]): number {
    audit.forEach((e, i) => this.#sql.insertAudit.run(e.sessionId, e.at, e.actor, e.action, e.fromVersion, e.toVersion, details[i]));
    return audit.length;
  }

  async create(state: SessionState, audit: AuditEntry[]): Promise<void> {
    const rows = deltaRows(state, undefined, audit.map((e) => e.detail));
    this.#db.transaction(() => {
      if (this.#sql.selectSession.get(state.id)) throw conflict(`Session ${state.id} already exists.`);
      this.#sql.insertSession.run(state.id, state.version, state.status, state.updatedAt);
      this.#write(state.id, rows);
      this.#appendAudit(audit, rows.audit);
    })();
  }

  async load(id: string): Promise<SessionState | undefined> {
    // One read transaction: the parts and members of one version, never of two.
    return this.#db.transaction(() => {
      if (!this.#sql.selectSession.get(id)) return undefined;
      return assembleSession(this.#sql.selectParts.all(id) as Array<[string, string]>, this.#sql.selectMembers.all(id) as Array<[string, string]>);
    })();
  }

  async listActive(): Promise<string[]> {
    return (this.#sql.selectActive.all() as Array<{ id: string }>).map((r) => r.id);
  }

  async commit(state: SessionState, expectedVersion: number, audit: AuditEntry[], _events?: readonly DomainEvent[], changed?: SessionDelta): Promise<CommitSize> {
    const rows = deltaRows(state, changed, audit.map((e) => e.detail));
    const written = this.#db.transaction(() => {
      const result = this.#sql.updateSession.run(state.version, state.status, state.updatedAt, state.id, expectedVersion);
      if (result.changes === 0) {
        if (!this.#sql.selectSession.get(state.id)) throw notFound(`Session ${state.id} does not exist.`);
        throw conflict('The session changed meanwhile; try again.');
      }
      return result.changes + this.#write(state.id, rows) + this.#appendAudit(audit, rows.audit);
    })();
    return sizeOf(rows, written);
  }

  async audit(sessionId: string): Promise<AuditEntry[]> {
    return (this.#sql.selectAudit.all(sessionId) as AuditRow[]).map((r) => ({
      sessionId: r.session_id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      fromVersion: r.from_version,
      toVersion: r.to_version,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
