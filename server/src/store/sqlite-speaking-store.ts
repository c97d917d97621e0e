import type Database from 'better-sqlite3';
import type { SpeakingEntry } from '../domain/speaking-balance';
import type { SpeakingStore } from './speaking-store';
import { openDataFile } from './sqlite-file';

const schema = `
CREATE TABLE IF NOT EXISTS speaking_time (
  session_id TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  group_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  seconds REAL NOT NULL,
  PRIMARY KEY (session_id, step_index, group_id, member_id)
);
`;

interface Row {
  step_index: number;
  group_id: string;
  member_id: string;
  seconds: number;
}

/** Speaking time in the data directory's SQLite file, beside the sessions, through a connection of its own. */
export class SqliteSpeakingStore implements SpeakingStore {
  readonly #db: Database.Database;
  readonly #upsert: Database.Statement;
  readonly #select: Database.Statement;

  constructor(dataDir: string) {
    this.#db = openDataFile(dataDir, 'NORMAL', schema);
    this.#upsert = this.#db.prepare(
      `INSERT INTO speaking_time (session_id, step_index, group_id, member_id, seconds) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id, step_index, group_id, member_id) DO UPDATE SET seconds = MAX(seconds, excluded.seconds)`,
    );
    this.#select = this.#db.prepare(
      'SELECT step_index, group_id, member_id, seconds FROM speaking_time WHERE session_id = ? ORDER BY step_index, group_id, member_id',
    );
  }

  async record(sessionId: string, entries: SpeakingEntry[]): Promise<void> {
    this.#db.transaction(() => {
      for (const e of entries) this.#upsert.run(sessionId, e.stepIndex, e.groupId, e.memberId, e.seconds);
    })();
  }

  async load(sessionId: string): Promise<SpeakingEntry[]> {
    return (this.#select.all(sessionId) as Row[]).map((r) => ({ stepIndex: r.step_index, groupId: r.group_id, memberId: r.member_id, seconds: r.seconds }));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
