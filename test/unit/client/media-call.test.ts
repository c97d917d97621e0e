import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaTicket } from '../../../shared/media';
import { SessionClient } from '../../../client/src/live/session-client';
import { callFor, roomLoaders, type CallState } from '../../../client/src/media/media-call';
import type { DeviceChoice, MediaRoom, MediaRoomEvents } from '../../../client/src/media/media-room';
import { deviceError } from '../../../client/src/media/livekit-room';
import { send } from '../../support/notes';
import { createSession, liveClient, nextEvent, startServer, type LiveClient, type RunningServer } from '../../support/test-server';

/**
 * The client's call following the session, in Node against a real server in LiveKit mode: the
 * room underneath is a recording stand-in (the real one is exercised in Chromium), so what is
 * checked here is when the call asks again, moves rooms, or stays where it is.
 */
class RecordingRoom implements MediaRoom {
  readonly mode = 'livekit' as const;
  static opened: RecordingRoom[] = [];
  ticket: MediaTicket | null = null;
  microphone: boolean[] = [];
  disconnected = false;
  readonly #state = new Set<MediaRoomEvents['state']>();
  constructor() {
    RecordingRoom.opened.push(this);
  }
  async connect(ticket: Exclude<MediaTicket, { mode: 'none' }>, _devices: DeviceChoice): Promise<void> {
    this.ticket = ticket;
    for (const l of this.#state) l('connected');
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async setMicrophone(on: boolean): Promise<void> {
    this.microphone.push(on);
  }
  async setCamera(): Promise<void> {}
  on<E extends keyof MediaRoomEvents>(event: E, listener: MediaRoomEvents[E]): () => void {
    if (event === 'state') this.#state.add(listener as MediaRoomEvents['state']);
    return () => this.#state.delete(listener as MediaRoomEvents['state']);
  }
}

let server: RunningServer;
let moderator: LiveClient;
let client: SessionClient;
let sessionId: string;
const others: LiveClient[] = [];

function fakeWindow(): Window {
  return Object.assign(new EventTarget(), { navigator: { onLine: true } }) as unknown as Window;
}

function callUntil(match: (state: CallState) => boolean, timeoutMs = 5000): Promise<CallState> {
  const call = callFor(client);
  return new Promise((resolve, reject) => {
    if (match(call.state)) return resolve(call.state);
    const timer = setTimeout(() => reject(new Error(`timed out; call: ${JSON.stringify(call.state)}`)), timeoutMs);
    const off = call.subscribe(() => {
      if (!match(call.state)) return;
      clearTimeout(timer);
      off();
      resolve(call.state);
    });
  });
}

beforeAll(async () => {
  roomLoaders.livekit = async () => new RecordingRoom();
  // No LiveKit server listens there: permission updates fail and are logged; tokens need none.
  server = await startServer({ config: { livekit: { url: 'ws://127.0.0.1:9', apiKey: 'key', apiSecret: 'x'.repeat(32) } } });
  const roster = ['id,name,language,role', ...Array.from({ length: 6 }, (_, i) => `p${i + 1},Person ${i + 1},en,participant`)].join('\n');
  const session = await createSession(server, `${roster}\n`, {
    title: 'Calls',
    languages: ['en'],
    agenda: [
      { kind: 'plenary', title: 'Opening', minutes: 10 },
      { kind: 'breakout', title: 'Tables', minutes: 10, groupSize: 3 },
      { kind: 'plenary', title: 'Back', minutes: 10 },
    ],
  });
  sessionId = session.id;
  moderator = liveClient(server.url, session.moderatorToken);
  await nextEvent(moderator, 'state');
  client = new SessionClient(server.url, session.tokens.get('p1')!, fakeWindow());
  client.start();
  // The others are present too, so the breakout seats everyone.
  for (let i = 2; i <= 6; i++) {
    const other = liveClient(server.url, session.tokens.get(`p${i}`)!);
    others.push(other);
    await nextEvent(other, 'state');
  }
  await new Promise<void>((resolve) => {
    const off = client.subscribe(() => client.state.view && (off(), resolve()));
  });
});
afterAll(async () => {
  client?.close();
  moderator?.close();
  for (const other of others) other.close();
  await server?.close();
});

describe('a call that follows the session', () => {
  it('joins the plenary, moves to its table and back by itself, and stays put when only the floor changes', async () => {
    const call = callFor(client);
    expect(callFor(client)).toBe(call);
    await call.join({ video: false });
    const lobby = await callUntil((s) => s.status === 'connected');
    expect(lobby.grant).toMatchObject({ room: `${sessionId}.plenary`, canPublish: false });
    const first = RecordingRoom.opened.at(-1)!;

    expect((await send(moderator, 'agenda:command', { type: 'start' })).ok).toBe(true);
    expect((await send(moderator, 'agenda:command', { type: 'next' })).ok).toBe(true);
    const table = await callUntil((s) => s.status === 'connected' && s.grant?.room !== `${sessionId}.plenary`);
    expect(table.grant).toMatchObject({ canPublish: true });
    expect(table.grant?.room).toMatch(new RegExp(`^${sessionId}\\.1\\.g\\d$`));
    expect(first.disconnected).toBe(true);
    const seated = RecordingRoom.opened.at(-1)!;
    expect(seated.ticket?.mode === 'livekit' && seated.ticket.grant.room).toBe(table.grant?.room);

    expect((await send(moderator, 'agenda:command', { type: 'next' })).ok).toBe(true);
    await callUntil((s) => s.status === 'connected' && s.grant?.room === `${sessionId}.plenary`);
    expect(seated.disconnected).toBe(true);
    const back = RecordingRoom.opened.at(-1)!;
    const opened = RecordingRoom.opened.length;

    // The floor: same room, new permissions; nothing reconnects, and losing it turns the microphone off.
    expect((await send(moderator, 'floor:give', { memberId: 'p1' })).ok).toBe(true);
    await callUntil((s) => s.grant?.canPublish === true);
    expect((await send(moderator, 'floor:give', { memberId: null })).ok).toBe(true);
    await callUntil((s) => s.grant?.canPublish === false);
    await expect.poll(() => back.microphone).toEqual([false]);
    expect(RecordingRoom.opened.length).toBe(opened);
    expect(back.disconnected).toBe(false);

    await call.leave();
    expect(call.state.status).toBe('idle');
    expect(back.disconnected).toBe(true);
  });
});

describe('device problems in words the screens translate', () => {
  const named = (name: string) => Object.assign(new Error(name), { name });
  it('a denied or missing microphone or camera has its own code', () => {
    expect(deviceError(named('NotAllowedError'), 'microphone').code).toBe('MICROPHONE_DENIED');
    expect(deviceError(named('NotFoundError'), 'microphone').code).toBe('MICROPHONE_MISSING');
    expect(deviceError(named('NotAllowedError'), 'camera').code).toBe('CAMERA_DENIED');
    expect(deviceError(named('NotReadableError'), 'microphone').code).toBe('DEVICE_BUSY');
    expect(deviceError(new Error('failed to publish track, insufficient permissions'), 'microphone').code).toBe('NOT_ALLOWED');
  });
});
