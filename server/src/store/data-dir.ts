import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data directory holds the sessions, the notes, the admin token and the signing key: only
 * Roundtable's own user may read it. The directory is 0700 and every file in it 0600, whatever
 * the umask, and files left by an earlier version are tightened on start.
 */
export function privateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (error) {
    // A directory another user owns (a mounted volume) keeps its mode; the files in it are still 0600.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/** Creates `path` empty if it is missing; either way leaves it 0600. */
export function privateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Tightens `path` to 0600 when it exists (files other programs create, such as SQLite's WAL). */
export function keepPrivate(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o600);
}
