import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionClient, type LiveState } from '../../../client/src/live/session-client';
import { termsVersion } from '../../../shared/session';
import { createSession, rosterCsv, startServer, type RunningServer } from '../../support/test-server';

/**
 * The browser client's connection to a real in-process server, in Node: every message it accepts
 * has passed the shared zod contract; it measures the clock, refuses bad commands before sending
 * them, and leaves and comes back with the network.
 */
let server: RunningServer;
let session: Awaited<ReturnType<typeof createSession>>;
const clients: SessionClient[] = [];

/** Enough of `window` for the client: online/offline events and navigator.onLine. */
function fakeWindow() {
  const target = new EventTarget();
  const navigator = { onLine: true };
  return {
    window: Object.assign(target, { navigator }) as unknown as Window,
    go(online: boolean) {
      navigator.onLine = online;
      target.dispatchEvent(new Event(online ? 'online' : 'offline'));
    },
  };
}

function open(token: string) {
  const fake = fakeWindow();
  const client = new SessionClient(server.url, token, fake.window);
  clients.push(client);
  client.start();
  return { client, ...fake };
}

function until(client: SessionClient, match: (state: LiveState) => boolean, timeoutMs = 5000): Promise<LiveState> {
  return new Promise((resolve, reject) => {
    if (match(client.state)) return resolve(client.state);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out; state: ${JSON.stringify({ ...client.state, view: client.state.view?.status })}`));
    }, timeoutMs);
    const unsubscribe = client.subscribe(() => {
      if (!match(client.state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(client.state);
    });
  });
}

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server, rosterCsv(5));
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server?.close();
});

describe('the web client session connection', () => {
  it('receives the seat and the session, and measures the server clock', async () => {
    const { client } = open(session.tokens.get('p01')!);
    const state = await until(client, (s) => s.connection === 'connected' && s.seat !== null && s.view !== null);
    expect(state.seat).toMatchObject({ memberId: 'p01', role: 'facilitator', consented: false });
    expect(state.view).toMatchObject({ id: session.id, status: 'lobby', stepIndex: -1 });
    await client.syncClock();
    // Same machine, same clock: the measured offset is about zero.
    expect(Math.abs(client.state.offsetMs)).toBeLessThan(50);
    expect(Math.abs(client.serverNow() - Date.now())).toBeLessThan(50);
  });

  it('says a link is not valid instead of retrying it', async () => {
    const { client } = open('not-a-token');
    const state = await until(client, (s) => s.problem !== null);
    expect(state.problem).toEqual({ kind: 'unauthorized' });
  });

  it('checks commands against the shared schemas before sending, and reports refusals by code', async () => {
    const { client } = open(session.tokens.get('p02')!);
    await until(client, (s) => s.connection === 'connected' && s.seat !== null);
    const invalid = await client.send('profile:update', { displayName: '', language: 'en', consent: true });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const refused = await client.send('agenda:command', { type: 'start' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    const joined = await client.send('profile:update', { displayName: 'Bruno', language: 'fr', consent: true, terms: termsVersion });
    expect(joined.ok).toBe(true);
    expect(client.state.seat).toMatchObject({ name: 'Bruno', language: 'fr', consented: true });
  });

  it('leaves when the network goes and comes back with welcome and state again', async () => {
    const { client, go } = open(session.tokens.get('p03')!);
    await until(client, (s) => s.connection === 'connected' && s.view !== null);
    go(false);
    expect(client.state.connection).toBe('offline');
    expect(await client.send('hand:raise', { raised: true })).toMatchObject({ ok: false, error: { code: 'OFFLINE' } });
    const before = client.state.view;
    go(true);
    const back = await until(client, (s) => s.connection === 'connected' && s.view !== before);
    expect(back.view?.id).toBe(session.id);
    expect((await client.send('hand:raise', { raised: true })).ok).toBe(true);
  });

  it('says so when the invitation is open in too many windows, and connects by itself once one closes', async () => {
    const token = session.tokens.get('p05')!;
    const tabs = [open(token), open(token), open(token)];
    for (const tab of tabs) await until(tab.client, (s) => s.connection === 'connected');
    const fourth = open(token).client;
    await until(fourth, (s) => s.connection === 'tooManyWindows');
    expect(fourth.state.problem).toBeNull();
    tabs[0]!.client.close();
    await until(fourth, (s) => s.connection === 'connected' && s.seat !== null, 20_000);
  }, 30_000);
});
