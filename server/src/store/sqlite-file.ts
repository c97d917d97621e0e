import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens the data directory's one SQLite file in WAL mode. Sessions sync fully (an agenda change
 * survives even power loss once committed); notes sync normally (a write survives the process being
 * killed, and appending need not wait for the disk several hundred times a second).
 */
export function openDataFile(dataDir: string, synchronous: 'FULL' | 'NORMAL', schema: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'roundtable.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
