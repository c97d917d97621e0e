/**
 * One Roundtable node in its own process, for the multi-node tests: REDIS_URL, ADMIN_TOKEN,
 * SIGNING_KEY, DATA_DIR and NODE_ID from the environment, on a free loopback port, with short
 * leases (LEASE_MS) so a takeover after kill -9 happens within a test, and presence re-rendered every
 * PRESENCE_MS (20 ms; the benchmark passes Roundtable's default, 500). Tells its parent over IPC
 * where it listens and every time it durably appended notes edits.
 */
import { pino } from 'pino';
import { startRoundtable } from '../../server/src/app';
import { docNameOf } from '../../server/src/notes/doc-name';

const { DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, SIGNING_KEY: signingKey, REDIS_URL: redisUrl, NODE_ID: nodeId } = process.env;
const leaseMs = Number(process.env.LEASE_MS ?? 1500);
const presenceIntervalMs = Number(process.env.PRESENCE_MS ?? 20);
if (!dataDir || !adminToken || !signingKey || !redisUrl || !nodeId || !process.send) throw new Error('run with DATA_DIR, ADMIN_TOKEN, SIGNING_KEY, REDIS_URL, NODE_ID and an IPC channel');
const send = process.send.bind(process);

const roundtable = await startRoundtable(
  { port: 0, host: '127.0.0.1', dataDir, adminToken, signingKey, redisUrl, nodeId, publicUrl: undefined, logLevel: 'silent', store: 'sqlite', groupingThreads: 1 },
  { logger: pino({ level: 'silent' }), presenceIntervalMs, cluster: { leaseMs, nodeTimeoutMs: 2 * leaseMs } },
);
roundtable.onRedisHealth((healthy) => send({ type: 'redis', healthy }));
roundtable.notes.onFlushed((keys) => send({ type: 'flushed', docs: keys.map(docNameOf), at: Date.now() }));
const url = await roundtable.listen();
send({ type: 'listening', url });
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'close') void roundtable.close().then(() => process.exit(0));
});
