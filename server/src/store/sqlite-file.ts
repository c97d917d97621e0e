import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keepPrivate, privateDataDir, privateFile } from './data-dir';

/**
 * Opens the data directory's one SQLite file in WAL mode. Sessions sync fully (an agenda change
 * survives even power loss once committed); notes sync normally (a write survives the process being
 * killed, and appending need not wait for the disk several hundred times a second).
 */
export function openDataFile(dataDir: string, synchronous: 'FULL' | 'NORMAL', schema: string): Database.Database {
  privateDataDir(dataDir);
  const path = join(dataDir, 'roundtable.sqlite');
  // SQLite gives its -wal and -shm files the database file's mode: 0600 for all three.
  privateFile(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  for (const suffix of ['-wal', '-shm']) keepPrivate(`${path}${suffix}`);
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
