import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';

/** A redis-server of the test's own on a free loopback port (never the shared 6379). */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it at once (kill -9). With AOF on, what it acknowledged is in its directory. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export { freePort };

/**
 * Starts redis-server with no persistence (`--save "" --appendonly no`), or with AOF fsynced
 * on every write in a temporary directory when `aof` is set, for durability tests.
 */
export async function startRedis(options: { aof?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'yes'];
  args.push(...(options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let child: ChildProcess | null = null;

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
      child = proc;
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
    });
  const exited = (proc: ChildProcess | null) =>
    new Promise<void>((resolve) => {
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
    });

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      const proc = child;
      proc?.kill('SIGKILL');
      await exited(proc);
    },
    restart: launch,
    async stop() {
      const proc = child;
      proc?.kill('SIGKILL');
      await exited(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: a redis-server of its own for all its tests and a client connected to it,
 * both stopped after the last test. Read them inside tests (they exist once `beforeAll` ran).
 */
export function redisForThisFile(): { readonly server: TestRedis; readonly client: ReturnType<typeof createClient> } {
  let server: TestRedis | undefined;
  let client: ReturnType<typeof createClient> | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = createClient({ url: server.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
  };
}
