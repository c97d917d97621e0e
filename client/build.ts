import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

/**
 * Builds the web client into client/dist when its sources are newer than the last build: what
 * `npm start` runs first and what the end-to-end tests' global setup calls. Concurrent callers (two
 * test runs at once) take turns through a lock directory, so one never serves half of another's build.
 */
const clientRoot = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(clientRoot);
export const clientDist = join(clientRoot, 'dist');
const manifest = join(clientDist, '.vite', 'manifest.json');
const lockDir = join(repoRoot, 'node_modules', '.cache', 'roundtable-client-build.lock');
const inputs = [join(clientRoot, 'index.html'), join(clientRoot, 'vite.config.ts'), join(clientRoot, 'src'), join(repoRoot, 'shared'), join(repoRoot, 'package-lock.json')];

function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when there is no build or a source changed after it. */
export function clientIsStale(): boolean {
  let built: number;
  try {
    built = statSync(manifest).mtimeMs;
  } catch {
    return true;
  }
  return inputs.some((input) => newestMtime(input) > built);
}

async function withLock<T>(run: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a build that died is broken after two minutes.
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Waited too long for another client build (${lockDir}).`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the client unless the build is current; says which it did. */
export async function ensureClientBuilt(options: { force?: boolean } = {}): Promise<'current' | 'built'> {
  if (!options.force && !clientIsStale()) return 'current';
  return withLock(async () => {
    if (!options.force && !clientIsStale()) return 'current';
    // Always the production build, whatever NODE_ENV the caller runs under (the test runner sets
    // "test", which would bring the libraries' development code into what people download).
    const callerEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(clientRoot, 'vite.config.ts'), logLevel: 'error', mode: 'production' });
    } finally {
      if (callerEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = callerEnv;
    }
    return 'built';
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  ensureClientBuilt({ force }).then(
    (outcome) => console.log(outcome === 'built' ? `Web client built into ${clientDist}` : 'Web client is up to date'),
    (error: unknown) => {
      console.error('Building the web client failed:', error);
      process.exit(1);
    },
  );
}
