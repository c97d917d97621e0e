import { parseArgs } from 'node:util';
import { startLivekit } from '../media/livekit-binary';

/**
 * `npm run livekit`: a LiveKit server for development, on 127.0.0.1 only, posting its webhooks to
 * Roundtable. Prints what Roundtable needs (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7880' },
    roundtable: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    verbose: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65533) {
  console.error('--port must be a TCP port number (the UDP media port is the next but one).');
  process.exit(2);
}
const livekit = await startLivekit({
  port,
  apiKey: process.env.LIVEKIT_API_KEY,
  apiSecret: process.env.LIVEKIT_API_SECRET,
  webhookUrl: `${values.roundtable.replace(/\/+$/, '')}/api/livekit/webhook`,
  onLog: values.verbose ? (chunk) => process.stderr.write(chunk) : undefined,
});
console.log(`LiveKit ${livekit.url} is running (pid ${livekit.pid}); start Roundtable with:

  LIVEKIT_URL=${livekit.url} LIVEKIT_API_KEY=${livekit.apiKey} LIVEKIT_API_SECRET=${livekit.apiSecret} npm start

Webhooks go to ${values.roundtable}/api/livekit/webhook. Ctrl-C stops it.`);
const stop = () => void livekit.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
livekit.process.once('exit', (code) => {
  console.error(`The LiveKit server stopped (status ${code}).`);
  process.exit(1);
});
