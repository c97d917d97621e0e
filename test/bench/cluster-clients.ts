/**
 * The clients of the multi-node benchmark, in a process of their own: N live-session connections
 * (socket.io's protocol over raw `ws`, as in the fan-out benchmark), spread over the nodes' URLs.
 * Each joins as the join screen does (its roster name, its first language, consent to the terms:
 * what takes a seat and makes it count as present). Once armed, each client that is sent a state naming its group asks for its notes token (an acked
 * `notes:token`); the parent is told when each knew its group and when each held its token.
 */
import WebSocket from 'ws';
import { termsVersion } from '../../shared/session';

export type ToClusterClients =
  | { type: 'connect'; urls: string[]; auths: Array<Record<string, unknown>>; batch: number }
  | { type: 'arm' }
  | { type: 'collect' }
  | { type: 'exit' };

export type FromClusterClients =
  | { type: 'connected'; count: number; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'progress'; grouped: number; tokens: number }
  | { type: 'samples'; groupedAt: number[]; tokenAt: number[]; refused: number; joined: number };

const send = (m: FromClusterClients) => process.send!(m);
const sockets: WebSocket[] = [];
let armed = false;
let expected = 0;
const groupedAt: number[] = [];
const tokenAt: number[] = [];
let refused = 0;
let joined = 0;

function report(): void {
  if (groupedAt.length === expected && tokenAt.length + refused === expected) send({ type: 'progress', grouped: groupedAt.length, tokens: tokenAt.length });
}

function open(url: string, auth: Record<string, unknown>): Promise<void> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
  sockets.push(ws);
  let grouped = false;
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === '2') return void ws.send('3');
      if (text.startsWith('0')) return void ws.send(`40${JSON.stringify(auth)}`);
      if (text.startsWith('44')) return reject(new Error(`connect_error ${text.slice(2, 200)}`));
      if (text.startsWith('42["welcome",')) {
        const [, welcome] = JSON.parse(text.slice(2)) as [string, { seat: { name: string; languages: string[]; consented?: boolean } }];
        if (welcome.seat.consented) return resolve();
        const profile = { displayName: welcome.seat.name, language: welcome.seat.languages[0] ?? 'en', consent: true, terms: termsVersion };
        return void ws.send(`422${JSON.stringify(['profile:update', profile])}`);
      }
      if (text.startsWith('432[')) {
        const [reply] = JSON.parse(text.slice(3)) as [{ ok: boolean; error?: { message: string } }];
        return reply.ok ? resolve() : reject(new Error(`joining failed: ${reply.error?.message}`));
      }
      if (text.startsWith('42["state",') && armed && !grouped) {
        const [, view] = JSON.parse(text.slice(2)) as [string, { group?: { id: string } | null }];
        if (!view.group) return;
        grouped = true;
        groupedAt.push(Date.now());
        ws.send('421["notes:token",{}]');
        return;
      }
      if (text.startsWith('431[')) {
        const [reply] = JSON.parse(text.slice(3)) as [{ ok: boolean }];
        if (reply.ok) tokenAt.push(Date.now());
        else refused++;
        report();
      }
    });
    ws.on('error', (err) => reject(err));
    ws.on('close', (code) => reject(new Error(`a client was closed (${code}) before it joined`)));
  });
}

process.on('message', (m: ToClusterClients) => {
  if (m.type === 'connect') {
    const started = Date.now();
    expected = m.auths.length;
    void (async () => {
      try {
        // In batches: thousands of simultaneous handshakes would time themselves out on 2 cores.
        for (let from = 0; from < m.auths.length; from += m.batch) {
          const batch = m.auths.slice(from, from + m.batch);
          await Promise.all(batch.map((auth, k) => open(m.urls[(from + k) % m.urls.length]!, auth).then(() => void joined++)));
          if (process.env.BENCH_DEBUG) console.error(`connected ${from + batch.length} after ${Date.now() - started} ms`);
        }
        send({ type: 'connected', count: sockets.length, ms: Date.now() - started });
      } catch (error) {
        send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  } else if (m.type === 'arm') {
    armed = true;
  } else if (m.type === 'collect') {
    send({ type: 'samples', groupedAt, tokenAt, refused, joined });
  } else if (m.type === 'exit') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});
