import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// Nodes are processes of their own that take several seconds each to start on a busy machine:
// these tests get two minutes (each waits on events, never on time).
let redis: TestRedis | null = null;
let child: ChildProcess | null = null;
let dataDir: string | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Roundtable started as operators start it; resolves with what it printed once running. */
async function start(env: Record<string, string>): Promise<{ output: string; exit: Promise<number | null> }> {
  const { PUBLIC_URL: _links, REDIS_URL: _redis, WORKERS: _workers, ...inherited } = process.env;
  child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...inherited, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  let output = '';
  const running = new Promise<string>((resolve) => {
    const onData = (chunk: string) => {
      output += chunk;
      if (/Roundtable is running at \S+/.test(output) || /WORKERS above 1 needs REDIS_URL/.test(output)) resolve(output);
    };
    child!.stdout!.setEncoding('utf8').on('data', onData);
    child!.stderr!.setEncoding('utf8').on('data', onData);
  });
  return { output: await Promise.race([running, exit.then(() => output)]), exit };
}

/** One request on a connection of its own, so node:cluster may hand it to another worker. */
const metricsOnce = (port: number) =>
  new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });

it('WORKERS=2 runs two processes on one port, each a node of its own on Redis', async () => {
  redis = await startRedis();
  dataDir = mkdtempSync(join(tmpdir(), 'roundtable-workers-'));
  const port = await freePort();
  const { output } = await start({ WORKERS: '2', REDIS_URL: redis.url, PORT: String(port), DATA_DIR: dataDir, NODE_ID: 'here' });
  expect(output).toContain(`Roundtable is running at http://127.0.0.1:${port} (2 workers)`);
  const nodes = new Set<string>();
  // Each new connection goes to the next worker: a handful of requests meets both.
  for (let i = 0; i < 20 && nodes.size < 2; i++) {
    const text = await metricsOnce(port);
    const node = /roundtable_redis_up\{node="([^"]+)"\} 1/.exec(text)?.[1];
    if (node) nodes.add(node);
  }
  expect([...nodes].sort()).toEqual(['here-1', 'here-2']);
  const exit = once(child!, 'exit');
  child!.kill('SIGTERM');
  expect((await exit)[0]).toBe(0);
}, 120_000);

it('refuses WORKERS above 1 without REDIS_URL, saying why', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'roundtable-workers-'));
  const { output, exit } = await start({ WORKERS: '2', PORT: '0', DATA_DIR: dataDir });
  expect(output).toContain('WORKERS above 1 needs REDIS_URL');
  expect(await exit).toBe(2);
});
