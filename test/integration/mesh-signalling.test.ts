import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaTicket, MeshPeers, MeshSignal } from '../../shared/media';
import type { Ack } from '../../shared/protocol';
import { SessionView } from '../../shared/session';
import { SpeakingBalance, SpeakingExport } from '../../shared/speaking';
import { ManualClock } from '../support/manual-clock';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

let clock: ManualClock;
let server: RunningServer;
const opened: LiveClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  server = await startServer({ clock, speakingIntervalMs: 1000, config: { meshPlenaryLimit: 12 } });
});
afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await server.close();
});

const send = (client: LiveClient, event: string, payload?: unknown) =>
  (client.emitWithAck as (e: string, x: unknown) => Promise<Ack>)(event, payload);

/** Connects with an invite token and joins as the join screen does; resolves once the first state has arrived and the seat is taken. */
async function join(token: string): Promise<{ client: LiveClient }> {
  const client = liveClient(server.url, token, { autoConnect: false });
  opened.push(client);
  const welcome = nextEvent(client, 'welcome');
  const first = nextEvent(client, 'state');
  client.connect();
  await first;
  await joinScreen(client, (await welcome).seat);
  return { client };
}

async function ticket(client: LiveClient, request: unknown = {}): Promise<MediaTicket> {
  const ack = await send(client, 'media:token', request);
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return MediaTicket.parse(ack.ok ? ack.result : undefined);
}

function refused(ack: Ack, code: string): void {
  expect(ack.ok, JSON.stringify(ack)).toBe(false);
  if (!ack.ok) expect(ack.error.code).toBe(code);
}

/** Ten people and a moderator; the breakout forms two tables of five. */
async function breakout() {
  const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(10));
  const moderator = await join(moderatorToken);
  const people = new Map(await Promise.all([...tokens].map(async ([memberId, token]) => [memberId, await join(token)] as const)));
  expect((await send(moderator.client, 'agenda:command', { type: 'start' })).ok).toBe(true);
  const opened = nextEvent(moderator.client, 'state', (v) => v.stepIndex === 1);
  expect((await send(moderator.client, 'agenda:command', { type: 'next' })).ok).toBe(true);
  const view = SessionView.parse(await opened);
  const groups = view.groups!.map((g) => g.members.map((m) => m.id));
  expect(groups).toHaveLength(2);
  return { id, moderator, people, groups, groupIds: view.groups!.map((g) => g.id) };
}

/** Everyone of a table takes a mesh ticket and joins; resolves with their peer ids once each sees the whole table. */
async function joinTable(people: Map<string, { client: LiveClient }>, members: string[]) {
  const peerIds = new Map<string, string>();
  for (const m of members) {
    const t = await ticket(people.get(m)!.client);
    if (t.mode !== 'mesh') throw new Error(`expected a mesh ticket, got ${t.mode}`);
    expect(t.iceServers).toEqual([]);
    peerIds.set(m, t.peerId);
  }
  const full = members.map((m) => nextEvent(people.get(m)!.client, 'media:peers', (p) => p.peers.length === members.length));
  for (const m of members) expect((await send(people.get(m)!.client, 'media:join', { peerId: peerIds.get(m) })).ok).toBe(true);
  const rosters = (await Promise.all(full)).map((p) => MeshPeers.parse(p));
  return { peerIds, rosters };
}

describe('mesh signalling over the live socket', () => {
  it('gives each table its own room and relays SDP only within it; another table is refused', async () => {
    const { id, people, groups } = await breakout();
    const [a, b] = groups as [string[], string[]];
    const tableA = await joinTable(people, a);
    const tableB = await joinTable(people, b);
    expect(new Set(tableA.rosters.map((r) => r.room)).size).toBe(1);
    expect(tableA.rosters[0]!.room).toMatch(new RegExp(`^${id}\\.1\\.`));
    expect(tableA.rosters[0]!.room).not.toBe(tableB.rosters[0]!.room);
    expect(tableA.rosters[0]!.peers.map((p) => p.memberId).sort()).toEqual([...a].sort());
    expect(tableA.rosters[0]!.peers.every((p) => p.canPublish && !p.hidden)).toBe(true);

    // Within the table: relayed as sent, stamped with the sender's peer id.
    const [a1, a2] = a as [string, string];
    const relayed = nextEvent(people.get(a2)!.client, 'media:signal');
    const offer = { type: 'offer', sdp: 'v=0\r\n' };
    expect((await send(people.get(a1)!.client, 'media:signal', { to: tableA.peerIds.get(a2), description: offer })).ok).toBe(true);
    expect(MeshSignal.parse(await relayed)).toEqual({ from: tableA.peerIds.get(a1), description: offer });

    // To the other table: refused, and nothing reaches it.
    const b1 = b[0]!;
    let crossed = false;
    people.get(b1)!.client.on('media:signal', () => (crossed = true));
    refused(await send(people.get(a1)!.client, 'media:signal', { to: tableB.peerIds.get(b1), description: offer }), 'NOT_ALLOWED');
    refused(
      await send(people.get(b1)!.client, 'media:signal', { to: tableA.peerIds.get(a1), candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } }),
      'NOT_ALLOWED',
    );
    // A malformed signal changes nothing.
    refused(await send(people.get(a1)!.client, 'media:signal', { to: tableA.peerIds.get(a2), description: offer, candidate: null }), 'BAD_INPUT');
    refused(await send(people.get(a1)!.client, 'media:signal', { to: '../x', description: offer }), 'BAD_INPUT');
    // Someone else's peer id cannot be borrowed to join.
    refused(await send(people.get(b1)!.client, 'media:join', { peerId: tableA.peerIds.get(a1) }), 'NOT_ALLOWED');
    await send(people.get(b1)!.client, 'time:sync', {});
    expect(crossed).toBe(false);
  });

  it('leaves the room when the connection closes, and moves everyone on when the phase changes', async () => {
    const { moderator, people, groups } = await breakout();
    const a = groups[0]!;
    const table = await joinTable(people, a);
    const [leaver, stayer] = a as [string, string];
    const shrunk = nextEvent(people.get(stayer)!.client, 'media:peers', (p) => p.peers.length === a.length - 1);
    people.get(leaver)!.client.close();
    expect(MeshPeers.parse(await shrunk).peers.map((p) => p.peerId)).not.toContain(table.peerIds.get(leaver));

    // Back to plenary: a new grant, so the client is told to ask again, and the new ticket names the plenary.
    const changed = nextEvent(people.get(stayer)!.client, 'media:changed');
    expect((await send(moderator.client, 'agenda:command', { type: 'next' })).ok).toBe(true);
    await changed;
    const plenary = await ticket(people.get(stayer)!.client);
    expect(plenary).toMatchObject({ mode: 'mesh', grant: { canPublish: false, canSubscribe: true } });
    if (plenary.mode === 'mesh') expect(plenary.grant.room).toMatch(/\.plenary$/);
    // Its peer id stays the connection's own, and its old table is not reachable any more.
    if (plenary.mode === 'mesh') expect(plenary.peerId).toBe(table.peerIds.get(stayer));
    refused(await send(people.get(stayer)!.client, 'media:signal', { to: table.peerIds.get(a[2]!), description: { type: 'offer', sdp: 'v=0' } }), 'NOT_ALLOWED');
  });

  it('lets a moderator listen in on a table unseen, then speak there', async () => {
    const { moderator, people, groups, groupIds } = await breakout();
    const a = groups[0]!;
    await joinTable(people, a);
    const visit = await ticket(moderator.client, { visitGroupId: groupIds[0] });
    expect(visit).toMatchObject({ mode: 'mesh', grant: { hidden: true, canPublish: false } });
    if (visit.mode !== 'mesh') return;
    expect(visit.grant.room).toMatch(new RegExp(`\\.1\\.${groupIds[0]}$`));
    const seen = nextEvent(people.get(a[0]!)!.client, 'media:peers', (p) => p.peers.length === a.length + 1);
    expect((await send(moderator.client, 'media:join', { peerId: visit.peerId })).ok).toBe(true);
    const visitor = MeshPeers.parse(await seen).peers.find((p) => p.peerId === visit.peerId)!;
    expect(visitor).toMatchObject({ hidden: true, canPublish: false, memberId: null });
    // Choosing to speak: visible and heard, in the same room with the same peer id.
    const speaking = nextEvent(people.get(a[0]!)!.client, 'media:peers', (p) => p.peers.some((x) => x.peerId === visit.peerId && x.canPublish));
    expect(await ticket(moderator.client, { visitGroupId: groupIds[0], speak: true })).toMatchObject({ peerId: visit.peerId, grant: { hidden: false, canPublish: true } });
    expect(MeshPeers.parse(await speaking).peers.find((p) => p.peerId === visit.peerId)).toMatchObject({ hidden: false });
    // A participant may not visit another table.
    refused(await send(people.get(a[0]!)!.client, 'media:token', { visitGroupId: groupIds[1] }), 'NOT_ALLOWED');
  });

  it('carries the plenary by the mesh only up to its limit', async () => {
    const { moderatorToken, tokens } = await createSession(server, rosterCsv(13));
    const moderator = await join(moderatorToken);
    const first = await Promise.all([...tokens.values()].slice(0, 12).map((t) => join(t)));
    expect(await ticket(moderator.client)).toMatchObject({ mode: 'mesh', grant: { canPublish: true } });
    expect(await ticket(first[0]!.client)).toMatchObject({ mode: 'mesh', grant: { canPublish: false } });
    // A thirteenth person makes the plenary larger than this server's mesh limit (12).
    const changed = nextEvent(moderator.client, 'media:changed');
    await join([...tokens.values()][12]!);
    clock.advance(100); // the presence refresh
    await changed;
    expect(await ticket(moderator.client)).toEqual({ mode: 'none', reason: 'mesh-plenary-full' });
  });
});

describe('speaking balance over the live socket', () => {
  it('takes each member’s own time for their own table, tells the moderator, and keeps it for the report', async () => {
    const { id, moderator, people, groups, groupIds } = await breakout();
    const [a] = groups as [string[], string[]];
    const [a1, a2] = a as [string, string];
    const [ga, gb] = groupIds as [string, string];
    expect((await send(people.get(a1)!.client, 'speaking:report', { stepIndex: 1, groupId: ga, seconds: 90 })).ok).toBe(true);
    expect((await send(people.get(a2)!.client, 'speaking:report', { stepIndex: 1, groupId: ga, seconds: 10 })).ok).toBe(true);
    // Another table, another step, bad figures, the moderator: refused.
    refused(await send(people.get(a1)!.client, 'speaking:report', { stepIndex: 1, groupId: gb, seconds: 5 }), 'NOT_ALLOWED');
    refused(await send(people.get(a1)!.client, 'speaking:report', { stepIndex: 0, groupId: ga, seconds: 5 }), 'CONFLICT');
    refused(await send(people.get(a2)!.client, 'speaking:report', { stepIndex: 1, groupId: 'g1', seconds: -1 }), 'BAD_INPUT');
    refused(await send(moderator.client, 'speaking:report', { stepIndex: 1, groupId: 'g1', seconds: 5 }), 'NOT_ALLOWED');
    // Reports come every few seconds: a flood is refused.
    refused(await send(people.get(a1)!.client, 'speaking:report', { stepIndex: 1, groupId: ga, seconds: 91 }), 'RATE_LIMITED');

    const balance = nextEvent(moderator.client, 'speaking:balance');
    // Each table's facilitator (p01 or p06 in this roster) hears of their own table only.
    const facilitator = a.find((m) => m === 'p01' || m === 'p06')!;
    const ownTable = nextEvent(people.get(facilitator)!.client, 'speaking:balance');
    let participantHeard = false;
    people.get(a2)!.client.on('speaking:balance', () => (participantHeard = a2 !== facilitator));
    clock.advance(1000);
    const seen = SpeakingBalance.parse(await balance);
    expect(SpeakingBalance.parse(await ownTable).groups.map((g) => g.groupId)).toEqual([ga]);
    await send(people.get(a2)!.client, 'time:sync', {});
    expect(participantHeard).toBe(false);
    const table = seen.groups.find((g) => g.groupId === ga)!;
    expect(table.seconds[a1]).toBe(90);
    expect(table.seconds[a2]).toBe(10);
    expect(seen.shareLimit).toBe(0.4);

    const report = SpeakingExport.parse(await (await server.api(`/api/sessions/${id}/speaking`)).json());
    expect(report.entries.filter((e) => e.seconds > 0).map((e) => [e.memberId, e.seconds]).sort()).toEqual([[a1, 90], [a2, 10]].sort());
    expect((await server.api(`/api/sessions/${id}/speaking`, { token: null })).status).toBe(401);
  });
});
