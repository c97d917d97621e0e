import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restApi, type RunningServer } from './test-server';

const nodeScript = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));
export const clusterAdminToken = 'cluster-test-admin-token-0123456789';
const signingKey = 'cluster-test-signing-key-0123456789abcdef';

export interface ClusterNode {
  name: string;
  process: ChildProcess;
  /** The node's REST API, as the test-server helpers take it. */
  server: RunningServer;
  /** Resolves with the time of the next durable append of `docName` by this node. */
  flushed(docName: string): Promise<number>;
  /** Resolves when the node next finds Redis reachable (true) or not (false). */
  redisHealth(healthy: boolean): Promise<void>;
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Roundtable nodes in child processes on one Redis, each with its own data directory (nothing
 * shared but Redis and the two secrets). `close` kills whatever is left.
 */
export class TestCluster {
  readonly nodes: ClusterNode[] = [];
  readonly #dirs: string[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly leaseMs = 1500,
    private readonly presenceMs = 20,
  ) {}

  async start(name: string): Promise<ClusterNode> {
    const dataDir = mkdtempSync(join(tmpdir(), `roundtable-${name}-`));
    this.#dirs.push(dataDir);
    const child = fork(nodeScript, [], {
      // BENCH_CPU_PROF=<dir>: each node writes a CPU profile there as it closes.
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
      env: { ...process.env, DATA_DIR: dataDir, ADMIN_TOKEN: clusterAdminToken, SIGNING_KEY: signingKey, REDIS_URL: this.redisUrl, NODE_ID: name, LEASE_MS: String(this.leaseMs), PRESENCE_MS: String(this.presenceMs) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const waiters: Array<{ docName: string; resolve: (at: number) => void }> = [];
    const healthWaiters: Array<{ healthy: boolean; resolve: () => void }> = [];
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`node ${name} exited (${code}) before listening`)));
      child.on('message', (m: { type: string; url?: string; docs?: string[]; at?: number; healthy?: boolean }) => {
        if (m.type === 'listening') resolve(m.url!);
        if (m.type === 'redis') {
          for (const w of healthWaiters.filter((h) => h.healthy === m.healthy)) {
            healthWaiters.splice(healthWaiters.indexOf(w), 1);
            w.resolve();
          }
        }
        if (m.type !== 'flushed') return;
        for (const w of [...waiters]) {
          if (!m.docs!.includes(w.docName)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m.at!);
        }
      });
    });
    const server = { url, dataDir, api: restApi(url, clusterAdminToken) } as unknown as RunningServer;
    const node: ClusterNode = {
      name,
      process: child,
      server,
      flushed: (docName) => new Promise((resolve) => waiters.push({ docName, resolve })),
      redisHealth: (healthy) => new Promise((resolve) => healthWaiters.push({ healthy, resolve })),
      kill: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      },
    };
    this.nodes.push(node);
    return node;
  }

  async close(): Promise<void> {
    // A profile is written only by a process that exits by itself: ask first, then kill what is left.
    if (process.env.BENCH_CPU_PROF) {
      await Promise.all(
        this.nodes.map(async (n) => {
          if (n.process.exitCode !== null || n.process.signalCode !== null) return;
          const exited = once(n.process, 'exit');
          n.process.send({ type: 'close' });
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
        }),
      );
    }
    await Promise.all(this.nodes.splice(0).map((n) => n.kill()));
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
