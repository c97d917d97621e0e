import { afterEach, describe, expect, it } from 'vitest';
import { CreateSessionBody } from '../../shared/session';
import type { Actor } from '../../server/src/domain/roles';
import { importRoster } from '../../server/src/domain/roster';
import type { SessionState } from '../../server/src/domain/session';
import { change } from '../../server/src/domain/transition';
import { seededRandomAssigner } from '../../server/src/grouping/random';
import { SessionHost, type SessionChange } from '../../server/src/sessions/session-host';
import { LocalPresence } from '../../server/src/sessions/presence';
import { RedisSessionStore } from '../../server/src/store/redis-store';
import { ManualClock } from '../support/manual-clock';
import { redisForThisFile } from '../support/redis-server';

const redis = redisForThisFile();
const organizer: Actor = { role: 'organizer', memberId: null, name: 'Organizer' };
const body = CreateSessionBody.parse({
  title: 'Assembly',
  languages: ['en'],
  agenda: [{ kind: 'plenary', title: 'Opening', minutes: 5 }],
});
const people = Array.from({ length: 50 }, (_, i) => ({ id: `p${i + 1}`, name: `Person ${i + 1}`, languages: ['en'], role: 'participant' as const, attributes: {} }));

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
  await redis.client.flushDb();
});

/** A node: its own subscriber connection, store and host on the test's Redis. */
async function node(clock: ManualClock): Promise<{ host: SessionHost; heard: SessionChange[]; next: () => Promise<SessionChange> }> {
  const subscriber = redis.client.duplicate();
  await subscriber.connect();
  const host = new SessionHost({ store: new RedisSessionStore(redis.client, subscriber), clock, assigner: seededRandomAssigner, presence: new LocalPresence() });
  // Subscribed once a round trip on the subscriber has completed.
  await subscriber.ping();
  const heard: SessionChange[] = [];
  const waiting: Array<(c: SessionChange) => void> = [];
  host.subscribe((c) => {
    heard.push(c);
    waiting.shift()?.(c);
  });
  closing.push(async () => {
    await host.close();
    await subscriber.close();
  });
  return { host, heard, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

const rename = (id: string, name: string) => (s: SessionState, ctx: { now: number }) =>
  change(s, ctx, organizer, 'rename', (d) => {
    d.roster[id]!.name = name;
  });

describe('SessionHost on a shared store', () => {
  it('applies what another node changed to the version it holds, sharing every member it did not change', async () => {
    const clock = new ManualClock();
    const a = await node(clock);
    const b = await node(clock);
    const created = await a.host.create(body, organizer);
    const imported = (await a.host.execute(created.id, (s, ctx) => importRoster(s, organizer, people, ctx))).state;
    // b reads the session only now: it follows it from here.
    const before = await b.host.get(created.id);
    expect(before.version).toBe(imported.version);

    const heard = b.next();
    const renamed = (await a.host.execute(created.id, rename('p7', 'Renamed'))).state;
    const change = await heard;
    expect(change.state).toEqual(renamed);
    expect(change.state.roster.p7!.name).toBe('Renamed');
    // Applied to the state b held, not read again: the others are the very members it had.
    expect(change.state.roster.p8).toBe(before.roster.p8);
    expect(await b.host.get(created.id)).toBe(change.state);
  });

  it('reads the session again when an announcement does not follow the version it told, and goes on from there', async () => {
    const clock = new ManualClock();
    const a = await node(clock);
    const b = await node(clock);
    const created = await a.host.create(body, organizer);
    await a.host.execute(created.id, (s, ctx) => importRoster(s, organizer, people, ctx));
    const v2 = await b.host.get(created.id);
    // A commit announced to nobody (a writer without the feed): b misses version 3.
    const silent = new RedisSessionStore(redis.client);
    const v3 = rename('p1', 'Missed')(v2, { now: clock.now() });
    await silent.commit(v3.state, v2.version, v3.audit, v3.events, v3.changed);
    const caughtUp = b.next();
    // a's cache is at version 2 too: its command is decided again on version 3, then announced as 4.
    await a.host.execute(created.id, rename('p2', 'Heard'));
    const told = await caughtUp;
    expect(told.state.version).toBe(4);
    expect(told.state.roster.p1!.name).toBe('Missed');
    expect(told.state.roster.p2!.name).toBe('Heard');
    // And the next one applies on top of it.
    const next = b.next();
    await a.host.execute(created.id, rename('p3', 'Next'));
    const applied = await next;
    expect(applied.state.version).toBe(5);
    expect(applied.state).toEqual(await silent.load(created.id));
    expect(b.heard.map((c) => c.state.version)).toEqual([4, 5]);
  });
});
