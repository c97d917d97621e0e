import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepPrivate, privateDataDir } from '../store/data-dir';

/**
 * Reads a secret kept in the data directory, creating it on first start, so links and the admin
 * token stay valid across restarts without any set-up.
 */
export function persistentSecret(dataDir: string, name: string): { value: string; created: boolean } {
  privateDataDir(dataDir);
  const path = join(dataDir, name);
  try {
    const value = readFileSync(path, 'utf8').trim();
    keepPrivate(path);
    return { value, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, created: true };
}
