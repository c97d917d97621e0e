import { createSocket } from 'node:dgram';
import { freePort } from './free-port';
import { startLivekit, type RunningLivekit } from '../../server/src/media/livekit-binary';


/** A UDP port nothing is bound to now (on 127.0.0.1). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export const testLivekitSecret = 'roundtable-test-secret-0123456789abcdef';

/** The real LiveKit server on loopback, on free ports, posting webhooks to `webhookUrl`. */
export async function startTestLivekit(options: { port?: number; webhookUrl?: string } = {}): Promise<RunningLivekit> {
  const port = options.port ?? (await freePort());
  let log = '';
  try {
    return await startLivekit({
      port,
      udpPort: await freeUdpPort(),
      apiKey: 'roundtable-test',
      apiSecret: testLivekitSecret,
      webhookUrl: options.webhookUrl,
      emptyTimeout: 5,
      onLog: (chunk) => void (log = (log + chunk).slice(-4000)),
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${log}`);
  }
}
