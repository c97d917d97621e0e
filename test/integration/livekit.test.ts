import { createHash } from 'node:crypto';
import { AccessToken, RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MediaTicket } from '../../shared/media';
import type { Ack } from '../../shared/protocol';
import type { RunningLivekit } from '../../server/src/media/livekit-binary';
import { freePort } from '../support/free-port';
import { startTestLivekit, testLivekitSecret } from '../support/livekit';
import { send } from '../support/notes';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

/**
 * Roundtable beside a real LiveKit server on loopback: tickets over the live session, grants that
 * follow the agenda, and webhooks verified against the exact body.
 */
const apiKey = 'roundtable-test';
let livekit: RunningLivekit;
let server: RunningServer;
const sockets: LiveClient[] = [];

beforeAll(async () => {
  const port = await freePort();
  server = await startServer({
    config: { livekit: { url: `ws://127.0.0.1:${port}`, apiKey, apiSecret: testLivekitSecret } },
    livekit: { reconcileDelayMs: 50 },
    mediaPresenceIntervalMs: 20,
  });
  livekit = await startTestLivekit({ port, webhookUrl: `${server.url}/api/livekit/webhook` });
}, 60_000);
afterAll(async () => {
  await livekit?.stop();
  await server?.close();
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** Connects with an invite token and joins as the join screen does: only people who joined are seated. */
async function connect(token: string): Promise<LiveClient> {
  const socket = liveClient(server.url, token, { autoConnect: false });
  sockets.push(socket);
  const welcome = nextEvent(socket, 'welcome');
  const first = nextEvent(socket, 'state');
  socket.connect();
  await first;
  await joinScreen(socket, (await welcome).seat);
  return socket;
}

async function ticket(socket: LiveClient, request: object = {}): Promise<MediaTicket> {
  const reply = (await send(socket, 'media:token', request)) as Ack<MediaTicket>;
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result!;
}

const verify = (token: string) => new TokenVerifier(apiKey, testLivekitSecret).verify(token);

/** A webhook as LiveKit signs it: a JWT from the API key whose sha256 claim is the body's. */
async function signed(body: string, secret = testLivekitSecret): Promise<string> {
  const token = new AccessToken(apiKey, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
}

function postWebhook(body: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/webhook+json' };
  if (authorization) headers.authorization = authorization;
  return fetch(`${server.url}/api/livekit/webhook`, { method: 'POST', body, headers });
}

const joinedEvent = (id: string, room: string) =>
  JSON.stringify({
    event: 'participant_joined',
    id,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: 'RM_test', name: room },
    participant: { sid: `PA_${id}`, identity: 'p03', name: 'Person 3', state: 'ACTIVE' },
  });

describe('media tickets with LiveKit', () => {
  it('mints a short-lived token saying exactly what the domain granted, with the member as identity', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(6));
    const listener = await connect(tokens.get('p03')!);
    const moderator = await connect(moderatorToken);

    const heard = await ticket(listener);
    expect(heard).toMatchObject({ mode: 'livekit', url: livekit.url, grant: { room: `${id}.plenary`, canPublish: false, hidden: false } });
    if (heard.mode !== 'livekit') throw new Error('not a LiveKit ticket');
    const claims = await verify(heard.token);
    expect(claims.sub).toBe('p03');
    expect(claims.name).toBe('Person 3');
    expect(claims.video).toMatchObject({ roomJoin: true, room: `${id}.plenary`, canPublish: false, canSubscribe: true, canPublishData: false, hidden: false });
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(600);

    const leading = await ticket(moderator);
    if (leading.mode !== 'livekit') throw new Error('not a LiveKit ticket');
    expect((await verify(leading.token)).video).toMatchObject({ room: `${id}.plenary`, canPublish: true, canPublishSources: ['microphone', 'camera', 'screen_share'] });
  });

  it('tells a connection when its grant changes with the agenda, and only then', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(10));
    const moderator = await connect(moderatorToken);
    const member = await connect(tokens.get('p03')!);
    await ticket(member);
    await ticket(moderator);
    const toModerator: unknown[] = [];
    moderator.on('media:changed', (e) => void toModerator.push(e));

    expect((await send(moderator, 'agenda:command', { type: 'start' })).ok).toBe(true);
    const changed = nextEvent(member, 'media:changed');
    expect((await send(moderator, 'agenda:command', { type: 'next' })).ok).toBe(true);
    await changed;
    const seated = await ticket(member);
    if (seated.mode !== 'livekit') throw new Error('not a LiveKit ticket');
    const grant = seated.grant;
    expect(grant).toMatchObject({ canPublish: true, hidden: false });
    expect(grant.room).toMatch(new RegExp(`^${id}\\.1\\.g\\d+$`));

    // A moderator visiting the table: hidden and listening, then visible once they speak.
    const groupId = grant.room.split('.')[2]!;
    expect((await ticket(moderator, { visitGroupId: groupId })).mode === 'livekit' && 'ok').toBe('ok');
    const speaking = await ticket(moderator, { visitGroupId: groupId, speak: true });
    if (speaking.mode !== 'livekit') throw new Error('not a LiveKit ticket');
    expect((await verify(speaking.token)).video).toMatchObject({ room: grant.room, hidden: false, canPublish: true });

    // The breakout ends: the member and the visitor both go back to the plenary room.
    const back = nextEvent(member, 'media:changed');
    const visitorBack = nextEvent(moderator, 'media:changed');
    expect((await send(moderator, 'agenda:command', { type: 'next' })).ok).toBe(true);
    await Promise.all([back, visitorBack]);
    expect(await ticket(member)).toMatchObject({ grant: { room: `${id}.plenary`, canPublish: false } });
    expect(await ticket(moderator)).toMatchObject({ grant: { room: `${id}.plenary`, canPublish: true } });
    expect(toModerator).toHaveLength(1);
  });

  it('refuses what the domain refuses, with its code', async () => {
    const { moderatorToken, tokens } = await createSession(server, rosterCsv(6));
    await connect(moderatorToken);
    const member = await connect(tokens.get('p03')!);
    await expect(ticket(member, { visitGroupId: 'g1' })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    await expect(ticket(member, { visitGroupId: 'not a group!' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('LiveKit webhooks', () => {
  it('records a real event from the real server', async () => {
    const before = server.roundtable.livekit!.connections.recorded.get('room_started') ?? 0;
    const rooms = new RoomServiceClient(livekit.httpUrl, apiKey, testLivekitSecret);
    await rooms.createRoom({ name: `webhook-${Date.now()}`, emptyTimeout: 5 });
    await expect.poll(() => server.roundtable.livekit!.connections.recorded.get('room_started') ?? 0, { timeout: 15_000 }).toBeGreaterThan(before);
  });

  it('answers 401 and records nothing for an unsigned, forged or tampered webhook', async () => {
    const { id } = await createSession(server, rosterCsv(6));
    const room = `${id}.plenary`;
    const body = joinedEvent('EV_forgery', room);
    const recorded = () => server.roundtable.livekit!.connections.recorded.get('participant_joined') ?? 0;
    const before = recorded();

    const unsigned = await postWebhook(body);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect((await postWebhook(body, await signed(body, 'another-secret-of-enough-length-0123456789'))).status).toBe(401);
    expect((await postWebhook(body.replace('Person 3', 'Person 4'), await signed(body))).status).toBe(401);
    expect((await postWebhook(body, 'Bearer nonsense')).status).toBe(401);
    expect(recorded()).toBe(before);
    expect(server.roundtable.livekit!.presence(id)).toEqual({});
  });

  it('counts an event once by its id, then trusts the server’s own list of the room', async () => {
    const { id, moderatorToken } = await createSession(server, rosterCsv(6));
    const staff = await connect(moderatorToken);
    const room = `${id}.plenary`;
    const body = joinedEvent('EV_once', room);
    const recorded = () => server.roundtable.livekit!.connections.recorded.get('participant_joined') ?? 0;
    const before = recorded();
    const shown = nextEvent(staff, 'media:presence', (p) => (p.rooms.plenary ?? []).length === 1);
    expect((await postWebhook(body, await signed(body))).status).toBe(204);
    expect((await postWebhook(body, await signed(body))).status).toBe(204);
    expect(recorded()).toBe(before + 1);
    expect((await shown).rooms.plenary).toEqual([{ id: 'p03', name: 'Person 3', hidden: false, publishing: [] }]);
    // LiveKit itself has nobody in that room: reading it back corrects what the webhook said.
    const corrected = await nextEvent(staff, 'media:presence', (p) => !p.rooms.plenary);
    expect(corrected.rooms).toEqual({});
  });
});

describe('media without LiveKit', () => {
  it('answers a mesh ticket and has no webhook', async () => {
    const mesh = await startServer();
    try {
      const { id, tokens } = await createSession(mesh, rosterCsv(6));
      const socket = liveClient(mesh.url, tokens.get('p03')!);
      sockets.push(socket);
      await nextEvent(socket, 'state');
      const reply = (await send(socket, 'media:token', {})) as Ack<MediaTicket>;
      expect(reply.ok && reply.result).toMatchObject({ mode: 'mesh', grant: { room: `${id}.plenary`, canPublish: false } });
      expect((await fetch(`${mesh.url}/api/livekit/webhook`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await mesh.close();
    }
  });
});
