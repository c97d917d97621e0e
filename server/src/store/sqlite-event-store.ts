import type Database from 'better-sqlite3';
import { conflict, notFound } from '../domain/errors';
import type { EventAuditEntry, PoolMember, StudyEvent, SurveyAnswer } from '../study/event';
import type { EventStore } from './event-store';
import { openDataFile } from './sqlite-file';

const schema = `
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  event TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_sessions (
  session_id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS event_sessions_by_event ON event_sessions (event_id, seq);
CREATE TABLE IF NOT EXISTS event_pool (
  event_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (event_id, person_id)
);
CREATE TABLE IF NOT EXISTS survey_answers (
  event_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  wave TEXT NOT NULL,
  question_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  PRIMARY KEY (event_id, person_id, wave, question_id)
);
CREATE TABLE IF NOT EXISTS event_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_audit_by_event ON event_audit (event_id, seq);
`;

/** Events in the data directory's SQLite file, beside the sessions, synced fully like them. */
export class SqliteEventStore implements EventStore {
  readonly #db: Database.Database;
  readonly #sql: Record<string, Database.Statement>;

  constructor(dataDir: string) {
    this.#db = openDataFile(dataDir, 'FULL', schema);
    const p = (s: string) => this.#db.prepare(s);
    this.#sql = {
      insertEvent: p('INSERT INTO events (id, version, event) VALUES (?, ?, ?)'),
      updateEvent: p('UPDATE events SET version = ?, event = ? WHERE id = ? AND version = ?'),
      selectEvent: p('SELECT event FROM events WHERE id = ?'),
      sessionsOf: p('SELECT session_id FROM event_sessions WHERE event_id = ? ORDER BY seq'),
      eventOf: p('SELECT event_id FROM event_sessions WHERE session_id = ?'),
      attach: p('INSERT OR IGNORE INTO event_sessions (session_id, event_id, seq) VALUES (?, ?, (SELECT COUNT(*) FROM event_sessions))'),
      clearPool: p('DELETE FROM event_pool WHERE event_id = ?'),
      insertPool: p('INSERT INTO event_pool (event_id, seq, person_id, entry) VALUES (?, ?, ?, ?)'),
      selectPool: p('SELECT entry FROM event_pool WHERE event_id = ? ORDER BY seq'),
      erasePool: p('DELETE FROM event_pool WHERE event_id = ? AND person_id = ?'),
      upsertAnswer: p(
        'INSERT INTO survey_answers (event_id, person_id, wave, question_id, answer) VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, person_id, wave, question_id) DO UPDATE SET answer = excluded.answer',
      ),
      selectAnswers: p('SELECT answer FROM survey_answers WHERE event_id = ? ORDER BY rowid'),
      eraseAnswers: p('DELETE FROM survey_answers WHERE event_id = ? AND person_id = ?'),
      insertAudit: p('INSERT INTO event_audit (event_id, entry) VALUES (?, ?)'),
      selectAudit: p('SELECT entry FROM event_audit WHERE event_id = ? ORDER BY seq'),
    };
  }

  #append(audit: EventAuditEntry[]): void {
    for (const e of audit) this.#sql.insertAudit!.run(e.eventId, JSON.stringify(e));
  }

  #mustExist(id: string): void {
    if (!this.#sql.selectEvent!.get(id)) throw notFound(`There is no event ${id}.`);
  }

  async create(event: StudyEvent, audit: EventAuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      if (this.#sql.selectEvent!.get(event.id)) throw conflict(`Event ${event.id} already exists.`);
      this.#sql.insertEvent!.run(event.id, event.version, JSON.stringify({ ...event, sessions: [] }));
      this.#append(audit);
    })();
  }

  async load(id: string): Promise<StudyEvent | undefined> {
    const row = this.#sql.selectEvent!.get(id) as { event: string } | undefined;
    if (!row) return undefined;
    const sessions = (this.#sql.sessionsOf!.all(id) as Array<{ session_id: string }>).map((r) => r.session_id);
    return { ...(JSON.parse(row.event) as StudyEvent), sessions };
  }

  async save(event: StudyEvent, expectedVersion: number, audit: EventAuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      const result = this.#sql.updateEvent!.run(event.version, JSON.stringify({ ...event, sessions: [] }), event.id, expectedVersion);
      if (result.changes === 0) {
        this.#mustExist(event.id);
        throw conflict('The event changed meanwhile; try again.');
      }
      this.#append(audit);
    })();
  }

  async attachSessions(eventId: string, sessionIds: readonly string[], audit: EventAuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      this.#mustExist(eventId);
      for (const s of sessionIds) {
        const owner = this.#sql.eventOf!.get(s) as { event_id: string } | undefined;
        if (owner && owner.event_id !== eventId) throw conflict(`Session ${s} already belongs to event ${owner.event_id}.`);
        this.#sql.attach!.run(s, eventId);
      }
      this.#append(audit);
    })();
  }

  async eventOfSession(sessionId: string): Promise<string | undefined> {
    return (this.#sql.eventOf!.get(sessionId) as { event_id: string } | undefined)?.event_id;
  }

  async setPool(eventId: string, pool: readonly PoolMember[], audit: EventAuditEntry[]): Promise<void> {
    this.#db.transaction(() => {
      this.#mustExist(eventId);
      this.#sql.clearPool!.run(eventId);
      pool.forEach((p, i) => this.#sql.insertPool!.run(eventId, i, p.id, JSON.stringify(p)));
      this.#append(audit);
    })();
  }

  async pool(eventId: string): Promise<PoolMember[]> {
    return (this.#sql.selectPool!.all(eventId) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as PoolMember);
  }

  async saveAnswer(answer: SurveyAnswer): Promise<void> {
    this.#mustExist(answer.eventId);
    this.#sql.upsertAnswer!.run(answer.eventId, answer.personId, answer.wave, answer.questionId, JSON.stringify(answer));
  }

  async answers(eventId: string): Promise<SurveyAnswer[]> {
    return (this.#sql.selectAnswers!.all(eventId) as Array<{ answer: string }>).map((r) => JSON.parse(r.answer) as SurveyAnswer);
  }

  async erase(eventId: string, personId: string, audit: EventAuditEntry[]): Promise<number> {
    return this.#db.transaction(() => {
      this.#mustExist(eventId);
      const { changes } = this.#sql.eraseAnswers!.run(eventId, personId);
      this.#sql.erasePool!.run(eventId, personId);
      this.#append(audit);
      return changes;
    })();
  }

  async audit(eventId: string): Promise<EventAuditEntry[]> {
    return (this.#sql.selectAudit!.all(eventId) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as EventAuditEntry);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
