import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ack, BroadcastEvent, HelpStatusEvent, WarningEvent } from '../../shared/protocol';
import { SessionView, termsVersion, type CreateSessionInput, type Seat } from '../../shared/session';
import { ManualClock } from '../support/manual-clock';
import { createSession, igfAgenda, joinScreen, liveClient, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

const minute = 60_000;

let clock: ManualClock;
let server: RunningServer;
const opened: LiveClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  server = await startServer({ clock });
});
afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await server.close();
});

/** A real socket.io client that keeps everything it receives, so a test can look back as well as wait. */
interface Person {
  /** Roster id, or "moderator". */
  id: string;
  client: LiveClient;
  seat: Seat;
  states: SessionView[];
  warnings: WarningEvent[];
  broadcasts: BroadcastEvent[];
  helpStatus: HelpStatusEvent[];
  latest(): SessionView;
  /** Resolves with the first state received (or already received) that matches. */
  state(match: (view: SessionView) => boolean): Promise<SessionView>;
  warning(match: (event: WarningEvent) => boolean): Promise<WarningEvent>;
  broadcast(match: (event: BroadcastEvent) => boolean): Promise<BroadcastEvent>;
  help(match: (event: HelpStatusEvent) => boolean): Promise<HelpStatusEvent>;
  send(event: string, payload: unknown): Promise<Ack>;
}

function person(id: string, client: LiveClient): Person {
  const waiters: Array<{ list: unknown[]; match: (x: never) => boolean; resolve: (x: never) => void }> = [];
  const received = <T>(list: T[], item: T) => {
    list.push(item);
    for (const w of [...waiters]) {
      if (w.list === list && w.match(item as never)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(item as never);
      }
    }
  };
  const waitIn = <T>(list: T[], match: (x: T) => boolean) =>
    new Promise<T>((resolve) => {
      const found = list.find(match);
      if (found !== undefined) resolve(found);
      else waiters.push({ list, match: match as (x: never) => boolean, resolve: resolve as (x: never) => void });
    });
  const p: Person = {
    id,
    client,
    seat: undefined as unknown as Seat,
    states: [],
    warnings: [],
    broadcasts: [],
    helpStatus: [],
    latest: () => p.states.at(-1)!,
    state: (match) => waitIn(p.states, match),
    warning: (match) => waitIn(p.warnings, match),
    broadcast: (match) => waitIn(p.broadcasts, match),
    help: (match) => waitIn(p.helpStatus, match),
    send: (event, payload) => (client.emitWithAck as (e: string, x: unknown) => Promise<Ack>)(event, payload),
  };
  client.on('welcome', (w) => (p.seat = w.seat));
  client.on('state', (view) => received(p.states, SessionView.parse(view)));
  client.on('warning', (event) => received(p.warnings, event));
  client.on('broadcast', (event) => received(p.broadcasts, event));
  client.on('help:status', (event) => received(p.helpStatus, event));
  return p;
}

/** Opens an invitation and resolves once the first state has arrived; without `open`, joins too, as the join screen does. */
async function join(id: string, token: string, options: { open?: boolean } = {}): Promise<Person> {
  const client = liveClient(server.url, token, { autoConnect: false });
  opened.push(client);
  const p = person(id, client);
  client.connect();
  await p.state(() => true);
  if (!options.open) await joinScreen(client, p.seat);
  return p;
}

interface Room {
  id: string;
  moderatorToken: string;
  tokens: Map<string, string>;
  moderator: Person;
  participants: Person[];
  everyone: Person[];
}

/** A session with a moderator and the roster's people connected over real sockets. */
async function room(roster = rosterCsv(12), agenda: CreateSessionInput = igfAgenda, connect?: string[]): Promise<Room> {
  const { id, moderatorToken, tokens } = await createSession(server, roster, agenda);
  const moderator = await join('moderator', moderatorToken);
  const ids = connect ?? [...tokens.keys()];
  const participants = await Promise.all(ids.map((m) => join(m, tokens.get(m)!)));
  const everyone = [moderator, ...participants];
  // Everyone has heard of everyone joining, so a command's state is the next one each receives.
  const joined = SessionView.parse(await (await server.api(`/api/sessions/${id}`)).json()).version;
  await Promise.all(everyone.map((p) => p.state((s) => s.version >= joined)));
  return { id, moderatorToken, tokens, moderator, participants, everyone };
}

/** Sends an agenda command that must succeed; resolves with the sender's view of the session after it. */
async function command(by: Person, payload: unknown): Promise<SessionView> {
  const before = by.latest().version;
  const ack = await by.send('agenda:command', payload);
  expect(ack, JSON.stringify(payload)).toMatchObject({ ok: true });
  return by.state((s) => s.version > before);
}

/** Resolves once everyone has received a state at least as new as `version`. */
async function allReach(people: Person[], version: number): Promise<void> {
  await Promise.all(people.map((p) => p.state((s) => s.version >= version)));
}

async function sessionNow(id: string): Promise<SessionView> {
  return SessionView.parse(await (await server.api(`/api/sessions/${id}`)).json());
}

/** Everyone's messages have all arrived once a later broadcast to everyone has: socket.io keeps order per connection. */
async function flush(r: Room, label: string): Promise<void> {
  expect(await r.moderator.send('broadcast:send', { text: label })).toMatchObject({ ok: true });
  await Promise.all(r.everyone.map((p) => p.broadcast((b) => b.text === label)));
}

/** Everything the server sent each person before this has arrived: a round trip on each connection. */
async function barrier(people: Person[]): Promise<void> {
  await Promise.all(people.map(async (p) => expect((await p.send('time:sync', {})).ok).toBe(true)));
}

/** Resolves once the server has seen `count` people connected (each check is one request; no fixed wait). */
async function untilConnected(id: string, count: number): Promise<void> {
  while ((await sessionNow(id)).presence.connected !== count);
}

function refusal(ack: Ack, code: string): void {
  expect(ack.ok).toBe(false);
  if (!ack.ok) {
    expect(ack.error.code).toBe(code);
    expect(ack.error.message.length).toBeGreaterThan(0);
    expect(typeof ack.serverNow).toBe('number');
  }
}

describe('a live session over real sockets', () => {
  it('brings every step change to every client exactly once and in order', async () => {
    const r = await room();
    expect(r.everyone).toHaveLength(13);
    // Presence refreshes re-send the version everyone already has.
    clock.advance(1000);
    const joined = (await sessionNow(r.id)).version; // the roster import, then each person joining
    await allReach(r.everyone, (await command(r.moderator, { type: 'start' })).version);
    clock.advance(1000);
    await allReach(r.everyone, (await command(r.moderator, { type: 'next' })).version);
    clock.advance(1000);
    await allReach(r.everyone, (await command(r.moderator, { type: 'next' })).version);
    clock.advance(1000);
    const ended = await command(r.moderator, { type: 'next' });
    expect(ended.status).toBe('ended');
    await allReach(r.everyone, ended.version);
    clock.advance(1000);
    await barrier(r.everyone);

    for (const p of r.everyone) {
      const versions: number[] = [];
      const steps: Array<number | 'ended'> = [];
      for (const s of p.states) {
        if (versions.includes(s.version) || s.version < joined) continue;
        expect(s.version, `${p.id} received an older version after a newer one`).toBeGreaterThan(versions.at(-1) ?? 0);
        versions.push(s.version);
        const step = s.status === 'ended' ? 'ended' : s.stepIndex;
        if (steps.at(-1) !== step) steps.push(step);
      }
      expect(steps, p.id).toEqual([-1, 0, 1, 2, 'ended']);
      expect(versions, p.id).toEqual([joined, joined + 1, joined + 2, joined + 3, joined + 4]);
    }
  });

  it('shows participants their own group only, without attributes, and the moderator every group with attributes', async () => {
    const r = await room();
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    await allReach(r.everyone, breakout.version);

    expect(breakout.stepIndex).toBe(1);
    const groups = breakout.groups!;
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(groups.flatMap((g) => g.members.map((m) => m.id)).sort()).toEqual(r.participants.map((p) => p.id).sort());
    for (const g of groups) {
      expect(g.members.length).toBeGreaterThanOrEqual(4);
      expect(g.members.length).toBeLessThanOrEqual(6);
      for (const m of g.members) {
        expect(m.attributes).toEqual({ country: expect.any(String), gender: expect.stringMatching(/^[fm]$/) });
        expect(m.present).toBe(true);
      }
    }
    expect(breakout.assignment).toMatchObject({ stepIndex: 1, algorithm: 'diverse-exchange', seed: expect.any(Number) });
    expect(breakout.presence.byGroup).toEqual(Object.fromEntries(groups.map((g) => [g.id, g.members.length])));

    for (const p of r.participants) {
      const view = p.latest();
      expect(view.version).toBe(breakout.version);
      const own = groups.find((g) => g.members.some((m) => m.id === p.id))!;
      expect(view.group, p.id).not.toBeNull();
      expect(view.group!.id).toBe(own.id);
      expect(view.group!.language).toBe(own.language);
      expect(view.group!.members.map((m) => [m.id, m.name, m.role])).toEqual(own.members.map((m) => [m.id, m.name, m.role]));
      for (const m of view.group!.members) {
        expect(m).not.toHaveProperty('attributes');
        expect(['facilitator', 'notetaker', 'participant']).toContain(m.role);
      }
      expect(view).not.toHaveProperty('groups');
      expect(view).not.toHaveProperty('assignment');
      expect(view).not.toHaveProperty('helpCalls');
      expect(JSON.stringify(view)).not.toContain('"country"');
    }
  });

  it('warns everyone once at 5 and 1 minutes left and once at time up, then waits on a hold step', async () => {
    const r = await room();
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    const endsAt = breakout.endsAt!;
    expect(endsAt).toBe(clock.now() + 35 * minute);

    clock.advance(30 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.minutesLeft === 5)));
    clock.advance(4 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.minutesLeft === 1)));
    clock.advance(minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.minutesLeft === 0)));
    clock.advance(10 * minute); // a hold step waits at zero; nothing more is said
    await flush(r, 'after the warnings');

    for (const p of r.everyone) {
      expect(p.warnings.map((w) => [w.stepIndex, w.minutesLeft, w.serverNow]), p.id).toEqual([
        [1, 5, endsAt - 5 * minute],
        [1, 1, endsAt - minute],
        [1, 0, endsAt],
      ]);
    }
    const waiting = await sessionNow(r.id);
    expect(waiting).toMatchObject({ status: 'running', stepIndex: 1, endsAt });
    expect(waiting.serverNow).toBe(endsAt + 10 * minute);
    const report = await command(r.moderator, { type: 'next' });
    expect(report).toMatchObject({ status: 'running', stepIndex: 2, endsAt: clock.now() + 20 * minute });
  });

  it('says a mark that shortening the step jumped over at once, once, then the next mark on time', async () => {
    const r = await room(rosterCsv(5));
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    clock.advance(20 * minute); // 15 minutes left
    const shortened = await command(r.moderator, { type: 'extend', minutes: -13 }); // 2 left: the 5-minute mark is jumped over
    expect(shortened.endsAt).toBe(breakout.endsAt! - 13 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.minutesLeft === 5)));
    clock.advance(minute / 2);
    await flush(r, 'one and a half minutes left');
    clock.advance(minute / 2);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.minutesLeft === 1)));
    await flush(r, 'after shortening');
    for (const p of r.everyone) {
      expect(p.warnings.map((w) => [w.minutesLeft, w.serverNow]), p.id).toEqual([
        [5, shortened.endsAt! - 2 * minute],
        [1, shortened.endsAt! - minute],
      ]);
    }
  });

  it('closes the rooms after a grace every room sees, which the moderator can cancel, and which survives a restart', async () => {
    const dataDir = mkdtempSync(joinPath(tmpdir(), 'roundtable-closing-'));
    await server.close();
    server = await startServer({ clock, config: { dataDir } });
    try {
      const agenda: CreateSessionInput = { ...igfAgenda, agenda: igfAgenda.agenda.map((s) => (s.kind === 'breakout' ? { ...s, closeSeconds: 45 } : s)) };
      const r = await room(rosterCsv(10), agenda);
      await command(r.moderator, { type: 'start' });
      await command(r.moderator, { type: 'next' });
      const closing = await command(r.moderator, { type: 'next' });
      expect(closing).toMatchObject({ stepIndex: 1, closing: { at: clock.now() + 45_000, toStep: 2 } });
      await allReach(r.everyone, closing.version);
      for (const p of r.participants) expect(p.latest().group, p.id).not.toBeNull();
      refusal(await r.participants[0]!.send('agenda:command', { type: 'keep-open' }), 'NOT_ALLOWED');
      const kept = await command(r.moderator, { type: 'keep-open' });
      expect(kept).toMatchObject({ stepIndex: 1, closing: null });
      refusal(await r.moderator.send('agenda:command', { type: 'keep-open' }), 'CONFLICT');
      clock.advance(2 * minute);
      await flush(r, 'still talking');
      expect((await sessionNow(r.id)).stepIndex).toBe(1);

      const again = await command(r.moderator, { type: 'next' });
      const at = again.closing!.at;
      for (const c of opened.splice(0)) c.close();
      await server.close();
      clock.advance(30_000);
      server = await startServer({ clock, config: { dataDir } });
      expect(await sessionNow(r.id)).toMatchObject({ stepIndex: 1, closing: { at, toStep: 2 } });
      clock.advance(15_000); // the deadline the restarted server armed from the stored state
      const moderator = await join('moderator', r.moderatorToken);
      const report = await moderator.state((s) => s.stepIndex === 2);
      expect(report).toMatchObject({ closing: null, endsAt: at + 20 * minute });
      const log = (await (await server.api(`/api/sessions/${r.id}/audit`)).json()) as { entries: Array<{ action: string; actor: string }> };
      expect(log.entries.filter((e) => e.action.startsWith('rooms.')).map((e) => [e.action, e.actor])).toEqual([
        ['rooms.closing', 'moderator'],
        ['rooms.keep-open', 'moderator'],
        ['rooms.closing', 'moderator'],
        ['rooms.close', 'clock'],
      ]);
    } finally {
      await server.close();
      server = await startServer({ clock });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('delivers a broadcast to everyone, and a group broadcast only to that group and the staff', async () => {
    const r = await room();
    expect(await r.moderator.send('broadcast:send', { text: 'Welcome to the dialogue' })).toMatchObject({ ok: true });
    await Promise.all(r.everyone.map((p) => p.broadcast((b) => b.text === 'Welcome to the dialogue')));
    for (const p of r.everyone) expect(p.broadcasts[0]).toMatchObject({ groupId: null, from: null, serverNow: clock.now() });

    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    await allReach(r.everyone, breakout.version);
    const [first, second] = breakout.groups!;
    expect(await r.moderator.send('broadcast:send', { text: 'Group one: 5 minutes left', groupId: first!.id })).toMatchObject({ ok: true });
    expect(await r.moderator.send('broadcast:send', { text: 'Group two: please wrap up', groupId: second!.id })).toMatchObject({ ok: true });
    refusal(await r.moderator.send('broadcast:send', { text: 'Nobody', groupId: 'g99' }), 'NOT_FOUND');
    refusal(await r.participants[0]!.send('broadcast:send', { text: 'Hello all' }), 'NOT_ALLOWED');
    await flush(r, 'Back to plenary in 5 minutes');

    const membersOf = (groupId: string) => new Set(breakout.groups!.find((g) => g.id === groupId)!.members.map((m) => m.id));
    for (const p of r.everyone) {
      const expected = ['Welcome to the dialogue'];
      if (p === r.moderator || membersOf(first!.id).has(p.id)) expected.push('Group one: 5 minutes left');
      if (p === r.moderator || membersOf(second!.id).has(p.id)) expected.push('Group two: please wrap up');
      expected.push('Back to plenary in 5 minutes');
      expect(p.broadcasts.map((b) => b.text), p.id).toEqual(expected);
    }
    expect(r.moderator.broadcasts[1]).toMatchObject({ groupId: first!.id, from: null });
  });

  it('refuses to let participants drive the agenda and changes nothing', async () => {
    const r = await room(rosterCsv(6));
    const before = await sessionNow(r.id);
    for (const p of r.participants.slice(0, 3)) {
      for (const payload of [{ type: 'start' }, { type: 'next' }, { type: 'extend', minutes: 5 }, { type: 'end' }]) {
        refusal(await p.send('agenda:command', payload), 'NOT_ALLOWED');
      }
    }
    await flush(r, 'still in the lobby');
    const after = await sessionNow(r.id);
    // The flush broadcast is the one change.
    expect(after).toMatchObject({ status: 'lobby', stepIndex: -1, endsAt: null, version: before.version + 1 });
    for (const p of r.everyone) {
      expect(p.states.every((s) => s.status === 'lobby' && s.stepIndex === -1 && s.version <= before.version + 1), p.id).toBe(true);
    }
  });

  it('limits each connection to 20 commands a second (RATE_LIMITED, nothing changes) and refills as time passes', async () => {
    const r = await room(rosterCsv(3));
    const [a, b] = r.participants;
    clock.advance(1_000); // joining took a command from each allowance
    const acks = await Promise.all(Array.from({ length: 25 }, () => a!.send('hand:raise', { raised: 'maybe' })));
    expect(acks.filter((ack) => !ack.ok && ack.error.code === 'BAD_INPUT')).toHaveLength(20);
    for (const ack of acks.slice(20)) refusal(ack, 'RATE_LIMITED');
    // Another connection has its own allowance.
    expect(await b!.send('hand:raise', { raised: true })).toMatchObject({ ok: true });
    refusal(await a!.send('hand:raise', { raised: true }), 'RATE_LIMITED');
    expect((await sessionNow(r.id)).hands.map((h) => h.id)).toEqual([b!.id]);
    clock.advance(1_000);
    expect(await a!.send('hand:raise', { raised: true })).toMatchObject({ ok: true });
  });

  it('gives the plenary floor to a raised hand, names the speaker to everyone, and takes it back', async () => {
    const r = await room(rosterCsv(4));
    await command(r.moderator, { type: 'start' });
    const [a, b, c] = r.participants;
    for (const p of [a!, b!, c!]) expect(await p.send('hand:raise', { raised: true })).toMatchObject({ ok: true });
    refusal(await a!.send('floor:give', { memberId: a!.id }), 'NOT_ALLOWED');
    refusal(await r.moderator.send('floor:give', { memberId: 'nobody' }), 'NOT_FOUND');
    refusal(await r.moderator.send('floor:give', {}), 'BAD_INPUT');
    expect(await r.moderator.send('floor:give', { memberId: b!.id })).toMatchObject({ ok: true });
    const given = await r.moderator.state((s) => s.floor?.id === b!.id);
    expect(given.hands.map((h) => h.id)).toEqual([a!.id, c!.id]);
    await allReach(r.everyone, given.version);
    for (const p of r.everyone) expect(p.latest().floor, p.id).toEqual({ id: b!.id, name: 'Person 2' });

    expect(await r.moderator.send('hands:clear', {})).toMatchObject({ ok: true });
    const cleared = await r.moderator.state((s) => s.hands.length === 0 && s.version > given.version);
    expect(cleared.floor?.id).toBe(b!.id);
    refusal(await r.moderator.send('hands:clear', {}), 'CONFLICT');
    expect(await r.moderator.send('floor:give', { memberId: null })).toMatchObject({ ok: true });
    const back = await r.moderator.state((s) => s.floor === null && s.version > cleared.version);
    await allReach(r.everyone, back.version);
    const log = (await (await server.api(`/api/sessions/${r.id}/audit`)).json()) as { entries: Array<{ action: string }> };
    expect(log.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['floor.give', 'hands.clear', 'floor.take']));
  });

  it('answers bad payloads with BAD_INPUT and changes nothing', async () => {
    const r = await room(rosterCsv(5));
    await command(r.moderator, { type: 'start' });
    const before = await sessionNow(r.id);
    const m = r.moderator;
    for (const payload of [{ type: 'fly' }, { type: 'extend', minutes: 0 }, { type: 'extend' }, { type: 'goto' }, { type: 'goto', step: 1.5 }, 'next', null, 42]) {
      refusal(await m.send('agenda:command', payload), 'BAD_INPUT');
    }
    for (const payload of [{ text: '' }, { text: '   ' }, { text: 5 }, { text: 'x'.repeat(501) }, undefined]) {
      refusal(await m.send('broadcast:send', payload), 'BAD_INPUT');
    }
    refusal(await m.send('help:update', { id: '', action: 'resolve' }), 'BAD_INPUT');
    refusal(await m.send('help:update', { id: 'h1', action: 'ignore' }), 'BAD_INPUT');
    refusal(await r.participants[0]!.send('help:call', { message: 7 }), 'BAD_INPUT');
    refusal(await r.participants[0]!.send('help:call', 'help!'), 'BAD_INPUT');
    await flush(r, 'after the bad payloads');
    const after = await sessionNow(r.id);
    // The flush broadcast is the one change.
    expect(after.version).toBe(before.version + 1);
    expect(after).toMatchObject({ status: before.status, stepIndex: before.stepIndex, endsAt: before.endsAt, helpCalls: [] });
  });

  it('brings a help call to the moderator, who acknowledges and resolves it; a participant cannot resolve', async () => {
    const r = await room(rosterCsv(10));
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    const caller = r.participants.find((p) => p.id === 'p03')!;
    const group = breakout.groups!.find((g) => g.members.some((m) => m.id === 'p03'))!;

    expect(await caller.send('help:call', { message: 'Our shared notes do not load' })).toMatchObject({ ok: true });
    const called = await r.moderator.state((s) => (s.helpCalls ?? []).length === 1);
    const call = called.helpCalls![0]!;
    expect(call).toMatchObject({
      from: { id: 'p03', name: 'Person 3', role: 'participant' },
      groupId: group.id,
      message: 'Our shared notes do not load',
      status: 'open',
      createdAt: clock.now(),
      handledBy: null,
    });
    await allReach(r.everyone, called.version);
    for (const p of r.participants) expect(p.latest()).not.toHaveProperty('helpCalls');
    refusal(await caller.send('help:call', { message: 'Again' }), 'CONFLICT');

    refusal(await caller.send('help:update', { id: call.id, action: 'resolve' }), 'NOT_ALLOWED');
    refusal(await r.participants.find((p) => p.id === 'p01')!.send('help:update', { id: call.id, action: 'acknowledge' }), 'NOT_ALLOWED');
    expect((await r.moderator.send('help:update', { id: call.id, action: 'acknowledge' })).ok).toBe(true);
    const acknowledged = await r.moderator.state((s) => s.helpCalls?.[0]?.status === 'acknowledged');
    expect(acknowledged.helpCalls![0]!.handledBy).toBe('Moderator');
    refusal(await r.moderator.send('help:update', { id: call.id, action: 'acknowledge' }), 'CONFLICT');
    expect((await r.moderator.send('help:update', { id: call.id, action: 'resolve' })).ok).toBe(true);
    await r.moderator.state((s) => s.helpCalls?.[0]?.status === 'resolved');
    refusal(await r.moderator.send('help:update', { id: call.id, action: 'resolve' }), 'CONFLICT');
    refusal(await r.moderator.send('help:update', { id: 'h999', action: 'resolve' }), 'NOT_FOUND');
    // Once resolved, the same person may call again.
    expect(await caller.send('help:call', { message: 'One more thing' })).toMatchObject({ ok: true });
    expect((await r.moderator.state((s) => (s.helpCalls ?? []).length === 2)).helpCalls![1]).toMatchObject({ status: 'open', message: 'One more thing' });
  });

  it('tells the caller, on each of their connections, that help is on the way, then resolved; the caller may cancel', async () => {
    const r = await room(rosterCsv(6));
    await command(r.moderator, { type: 'start' });
    await command(r.moderator, { type: 'next' });
    const caller = r.participants.find((p) => p.id === 'p03')!;
    const other = r.participants.find((p) => p.id === 'p04')!;
    expect(await caller.send('help:call', { message: 'No sound' })).toMatchObject({ ok: true });
    const sent = await caller.help((e) => e.call?.status === 'open');
    const id = sent.call!.id;
    refusal(await caller.send('help:call', { message: 'Again' }), 'CONFLICT');
    refusal(await other.send('help:cancel', { id }), 'NOT_FOUND');
    refusal(await caller.send('help:cancel', {}), 'BAD_INPUT');

    // A second tab, opened after the call, is told where it stands.
    const secondTab = await join('p03', r.tokens.get('p03')!);
    await secondTab.help((e) => e.call?.id === id && e.call.status === 'open');
    expect((await r.moderator.send('help:update', { id, action: 'acknowledge' })).ok).toBe(true);
    for (const tab of [caller, secondTab]) {
      expect((await tab.help((e) => e.call?.status === 'acknowledged')).call).toMatchObject({ id, handledBy: 'Moderator' });
    }
    expect((await r.moderator.send('help:update', { id, action: 'resolve' })).ok).toBe(true);
    await caller.help((e) => e.call?.status === 'resolved');

    expect(await caller.send('help:call', { message: 'Still no sound' })).toMatchObject({ ok: true });
    const again = await caller.help((e) => e.call?.status === 'open' && e.call.id !== id);
    expect(await caller.send('help:cancel', { id: again.call!.id })).toMatchObject({ ok: true });
    await caller.help((e) => e.call?.status === 'cancelled');
    const staffView = await r.moderator.state((s) => s.helpCalls?.some((c) => c.status === 'cancelled') ?? false);
    expect(staffView.helpCalls!.map((c) => c.status)).toEqual(['resolved', 'cancelled']);
    await barrier(r.everyone);
    expect(other.helpStatus).toEqual([]);
  });

  it('gives a reconnecting client the current state and the same group seat', async () => {
    const r = await room();
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    await allReach(r.everyone, breakout.version);
    const leaving = r.participants.find((p) => p.id === 'p07')!;
    const seat = leaving.latest().group!;
    leaving.client.close();
    await untilConnected(r.id, 11);
    clock.advance(1000); // lets the presence refresh go out
    await r.moderator.state((s) => s.groups!.some((g) => g.members.some((m) => m.id === 'p07' && !m.present)));

    const back = await join('p07', r.tokens.get('p07')!);
    expect(back.seat).toMatchObject({ memberId: 'p07', role: 'notetaker', sessionId: r.id });
    const view = back.states[0]!;
    expect(view).toMatchObject({ stepIndex: 1, status: 'running', endsAt: breakout.endsAt, version: breakout.version });
    expect(view.group!.id).toBe(seat.id);
    expect(view.group!.members.map((m) => m.id)).toEqual(seat.members.map((m) => m.id));
    expect((await sessionNow(r.id)).groups).toEqual(breakout.groups);
    expect((await sessionNow(r.id)).version).toBe(breakout.version);
    clock.advance(1000);
    await r.moderator.state((s) => s.groups!.some((g) => g.members.some((m) => m.id === 'p07' && m.present)));
  });

  it('seats a late joiner in a group that shares a language, moving nobody', async () => {
    const roster = `${rosterCsv(12)}p13,Late in French,fr,participant,FR,f\np14,Late bilingual,en|fr,participant,KE,m\n`;
    const r = await room(roster, igfAgenda, [...Array(12).keys()].map((i) => `p${String(i + 1).padStart(2, '0')}`));
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    const seated = new Map(breakout.groups!.map((g) => [g.id, g.members.map((m) => m.id)]));
    expect([...seated.values()].flat()).not.toContain('p13');

    const late = await join('p13', r.tokens.get('p13')!);
    const own = (await late.state((s) => s.group !== null)).group!;
    expect(own.members.map((m) => m.id)).toContain('p13');
    expect(own.language).toBe('fr');
    const bilingual = await join('p14', r.tokens.get('p14')!);
    const theirs = (await bilingual.state((s) => s.group !== null)).group!;
    expect(['en', 'fr']).toContain(theirs.language);
    expect(theirs.members.length).toBeGreaterThan(1);

    const after = await r.moderator.state((s) => s.groups!.flatMap((g) => g.members).some((m) => m.id === 'p14'));
    for (const [groupId, members] of seated) {
      const now = after.groups!.find((g) => g.id === groupId)!.members.map((m) => m.id);
      expect(now.slice(0, members.length)).toEqual(members);
    }
    expect(after.groups!.flatMap((g) => g.members.map((m) => m.id)).sort()).toEqual([...r.tokens.keys()].sort());
  });

  it('counts and seats a person only once they joined; opening the invitation takes no seat; the consent is audited', async () => {
    const r = await room(rosterCsv(12), igfAgenda, [...Array(10).keys()].map((i) => `p${String(i + 1).padStart(2, '0')}`));
    const looking = await join('p11', r.tokens.get('p11')!, { open: true });
    expect(looking.seat.consented).toBe(false);
    clock.advance(1000);
    await barrier(r.everyone);
    expect((await sessionNow(r.id)).presence).toMatchObject({ connected: 10, roster: 12 });
    await command(r.moderator, { type: 'start' });
    const breakout = await command(r.moderator, { type: 'next' });
    expect(breakout.groups!.flatMap((g) => g.members.map((m) => m.id))).not.toContain('p11');
    // Still only looking during the breakout: no seat, and the counts say so.
    const peeking = await join('p12', r.tokens.get('p12')!, { open: true });
    await barrier([peeking, looking]);
    expect(peeking.latest().group).toBeNull();
    expect((await sessionNow(r.id)).groups!.flatMap((g) => g.members.map((m) => m.id))).not.toContain('p12');

    refusal(await looking.send('profile:update', { displayName: 'Eleven', language: 'en', consent: true }), 'BAD_INPUT');
    expect(await looking.send('profile:update', { displayName: 'Eleven', language: 'en', consent: true, terms: termsVersion })).toMatchObject({ ok: true });
    const seated = await looking.state((s) => s.group?.members.some((m) => m.id === 'p11') ?? false);
    expect(seated.group!.members.find((m) => m.id === 'p11')).toMatchObject({ name: 'Eleven', present: true });
    clock.advance(1000);
    await r.moderator.state((s) => s.presence.connected === 11);
    const log = (await (await server.api(`/api/sessions/${r.id}/audit`)).json()) as { entries: Array<{ action: string; at: number; detail: Record<string, unknown> }> };
    const consent = log.entries.filter((e) => e.action === 'join' && e.detail.memberId === 'p11');
    expect(consent).toEqual([expect.objectContaining({ at: clock.now() - 1000, detail: { memberId: 'p11', language: 'en', consent: { at: clock.now() - 1000, terms: termsVersion, language: 'en' } } })]);
    expect(log.entries.some((e) => e.detail.memberId === 'p12')).toBe(false);
  });

  it('shows the moderator who is missing and hands out their invitation again, which opens their seat', async () => {
    const r = await room(rosterCsv(5), igfAgenda, ['p01', 'p02', 'p03']);
    clock.advance(1000);
    await barrier(r.everyone);
    const view = await r.moderator.state((s) => (s.missing ?? []).length === 2);
    expect(view.missing).toEqual([
      { id: 'p04', name: 'Person 4', role: 'participant', status: 'not-joined' },
      { id: 'p05', name: 'Person 5', role: 'participant', status: 'not-joined' },
    ]);
    for (const p of r.participants) expect(p.latest()).not.toHaveProperty('missing');
    refusal(await r.participants[0]!.send('invites:link', { memberId: 'p04' }), 'NOT_ALLOWED');
    refusal(await r.moderator.send('invites:link', { memberId: 'p99' }), 'NOT_FOUND');
    refusal(await r.moderator.send('invites:link', {}), 'BAD_INPUT');
    const ack = (await r.moderator.send('invites:link', { memberId: 'p04' })) as Ack<{ link: string }>;
    expect(ack.ok).toBe(true);
    const link = ack.ok ? ack.result!.link : '';
    expect(link).toMatch(/\/join#/);
    const p04 = await join('p04', link.split('#')[1]!);
    expect(p04.seat).toMatchObject({ memberId: 'p04', sessionId: r.id });
    clock.advance(1000);
    await r.moderator.state((s) => s.missing?.map((m) => m.id).join() === 'p05');
    // Gone again: listed as joined earlier, not connected now.
    p04.client.close();
    await untilConnected(r.id, 3);
    clock.advance(1000);
    const away = await r.moderator.state((s) => s.missing?.some((m) => m.id === 'p04' && m.status === 'away') ?? false);
    expect(away.missing!.map((m) => m.id)).toEqual(['p04', 'p05']);
  });

  it('refuses connections with a wrong protocol, a bad token or a revoked invitation', async () => {
    const { id, tokens } = await createSession(server, rosterCsv(3));
    const refused = async (token: string, protocol?: number) => {
      const client = liveClient(server.url, token, protocol === undefined ? {} : { protocol });
      opened.push(client);
      return new Promise<{ message: string; data?: { code?: string; message?: string } }>((resolve) => client.on('connect_error', resolve));
    };
    const mismatch = await refused(tokens.get('p01')!, 999);
    expect(mismatch.data?.code).toBe('PROTOCOL_MISMATCH');
    expect(mismatch.message.length).toBeGreaterThan(0);
    expect((await refused('not-a-token')).data?.code).toBe('UNAUTHORIZED');
    expect((await refused(`${tokens.get('p01')!.slice(0, -4)}AAAA`)).data?.code).toBe('UNAUTHORIZED');

    const revoke = await server.api(`/api/sessions/${id}/invites/revoke`, { method: 'POST', body: JSON.stringify({ memberId: 'p02' }) });
    expect(revoke.status).toBe(200);
    expect((await refused(tokens.get('p02')!)).data?.code).toBe('UNAUTHORIZED');
    // Others' links still work.
    expect((await join('p03', tokens.get('p03')!)).seat.memberId).toBe('p03');
  });

  it('closes the open connection of an invitation the organizer revokes', async () => {
    const r = await room(rosterCsv(5));
    await command(r.moderator, { type: 'start' });
    await allReach(r.everyone, (await command(r.moderator, { type: 'next' })).version);
    const revoked = r.participants.find((p) => p.id === 'p02')!;
    expect(revoked.latest().group).not.toBeNull();
    const closed = new Promise<string>((resolve) => revoked.client.once('disconnect', resolve));
    const res = await server.api(`/api/sessions/${r.id}/invites/revoke`, { method: 'POST', body: JSON.stringify({ memberId: 'p02' }) });
    expect(res.status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    // The others stay.
    await barrier(r.everyone.filter((p) => p !== revoked));
    expect(r.everyone.filter((p) => p !== revoked).every((p) => p.client.connected)).toBe(true);
  });

  it('applies a role changed by a roster import to open connections at once', async () => {
    const r = await room(rosterCsv(5, { moderators: 1 }));
    const co = r.participants.find((p) => p.id === 'm1')!;
    const promoted = r.participants.find((p) => p.id === 'p03')!;
    expect(co.latest().helpCalls).toEqual([]);
    refusal(await promoted.send('agenda:command', { type: 'start' }), 'NOT_ALLOWED');

    const res = await server.api(`/api/sessions/${r.id}/roster`, {
      method: 'POST',
      body: 'id,name,language,role\nm1,Moderator 1,en,participant\np03,Person 3,en|fr,moderator\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    const demoted = await co.state((s) => !('helpCalls' in s));
    expect(demoted).not.toHaveProperty('groups');
    refusal(await co.send('agenda:command', { type: 'start' }), 'NOT_ALLOWED');
    expect((await promoted.send('agenda:command', { type: 'start' })).ok).toBe(true);
    const staffView = await promoted.state((s) => s.stepIndex === 0);
    expect(staffView.helpCalls).toEqual([]);
    expect(staffView.groups).toEqual([]);
  });

  it('answers time:sync with the server clock', async () => {
    const r = await room(rosterCsv(1));
    const p = r.participants[0]!;
    const first = (await p.send('time:sync', { clientSentAt: 1234 })) as Ack<{ clientSentAt: number | null }>;
    expect(first).toEqual({ ok: true, serverNow: clock.now(), result: { clientSentAt: 1234 } });
    clock.advance(90_000);
    const second = (await p.send('time:sync', {})) as Ack<{ clientSentAt: number | null }>;
    expect(second).toEqual({ ok: true, serverNow: clock.now(), result: { clientSentAt: null } });
    expect(second.serverNow - first.serverNow).toBe(90_000);
  });

  it('moves an auto step on by itself at its deadline, timing the next step from that deadline', async () => {
    const agenda: CreateSessionInput = {
      ...igfAgenda,
      agenda: [
        { kind: 'plenary', title: 'Opening', minutes: 10, advance: 'auto' },
        { kind: 'breakout', title: 'Groups', minutes: 10, advance: 'auto' },
        { kind: 'plenary', title: 'Report-back', minutes: 10, advance: 'hold' },
      ],
    };
    const r = await room(rosterCsv(10), agenda);
    const t0 = clock.now();
    const opening = await command(r.moderator, { type: 'start' });
    expect(opening.endsAt).toBe(t0 + 10 * minute);

    clock.advance(5 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 0 && w.minutesLeft === 5)));
    clock.advance(4 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 0 && w.minutesLeft === 1)));
    clock.advance(1.5 * minute); // past the deadline
    const groups = await r.moderator.state((s) => s.stepIndex === 1);
    expect(groups).toMatchObject({ status: 'running', endsAt: t0 + 20 * minute });
    await allReach(r.everyone, groups.version);
    for (const p of r.participants) expect(p.latest().group?.members.some((m) => m.id === p.id)).toBe(true);

    clock.advance(10 * minute); // past the breakout's deadline in one go
    // Its rooms are told they close in a minute (the default grace), counted from the deadline.
    const closing = await r.moderator.state((s) => s.closing !== null);
    expect(closing).toMatchObject({ stepIndex: 1, closing: { at: t0 + 21 * minute, toStep: 2 } });
    await allReach(r.everyone, closing.version);
    for (const p of r.participants) expect(p.latest().closing, p.id).toEqual({ at: t0 + 21 * minute, toStep: 2 });
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 1 && w.minutesLeft === 0)));
    clock.advance(minute);
    const report = await r.moderator.state((s) => s.stepIndex === 2);
    expect(report).toMatchObject({ status: 'running', endsAt: t0 + 31 * minute, closing: null });
    const reportEndsAt = report.endsAt!;
    clock.advance(reportEndsAt - 5 * minute - clock.now());
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 2 && w.minutesLeft === 5)));
    clock.advance(4 * minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 2 && w.minutesLeft === 1)));
    clock.advance(minute);
    await Promise.all(r.everyone.map((p) => p.warning((w) => w.stepIndex === 2 && w.minutesLeft === 0)));
    clock.advance(30 * minute); // a hold step stays at zero
    await flush(r, 'waiting for the moderator');
    const waiting = await sessionNow(r.id);
    expect(waiting).toMatchObject({ status: 'running', stepIndex: 2, endsAt: reportEndsAt });
    for (const p of r.everyone) {
      expect(p.warnings.map((w) => [w.stepIndex, w.minutesLeft, w.serverNow]), p.id).toEqual([
        [0, 5, t0 + 5 * minute],
        [0, 1, t0 + 9 * minute],
        // The clock jumped past the breakout's marks and deadline at once: nothing is said late,
        // but that its time is up, as its rooms are told they close.
        [1, 0, t0 + 20.5 * minute],
        [2, 5, reportEndsAt - 5 * minute],
        [2, 1, reportEndsAt - minute],
        [2, 0, reportEndsAt],
      ]);
    }
    const ended = await command(r.moderator, { type: 'next' });
    expect(ended.status).toBe('ended');
    await allReach(r.everyone, ended.version);
  });
});
