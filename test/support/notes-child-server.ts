/**
 * A Roundtable server in its own process, for tests that kill it: started with DATA_DIR and
 * ADMIN_TOKEN from the environment on a free loopback port. It tells its parent over IPC where it
 * listens and every time the notes store durably appended edits.
 */
import { pino } from 'pino';
import { createServer } from '../../server/src/app';
import { docNameOf } from '../../server/src/notes/doc-name';

const dataDir = process.env.DATA_DIR;
const adminToken = process.env.ADMIN_TOKEN;
if (!dataDir || !adminToken || !process.send) throw new Error('run with DATA_DIR, ADMIN_TOKEN and an IPC channel');
const send = process.send.bind(process);

const roundtable = createServer(
  { port: 0, host: '127.0.0.1', dataDir, adminToken, publicUrl: undefined, logLevel: 'silent', store: 'sqlite' },
  { logger: pino({ level: 'silent' }), presenceIntervalMs: 20 },
);
roundtable.notes.onFlushed((keys) => send({ type: 'flushed', docs: keys.map(docNameOf), at: Date.now() }));
const url = await roundtable.listen();
send({ type: 'listening', url });
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'close') void roundtable.close().then(() => process.exit(0));
});
