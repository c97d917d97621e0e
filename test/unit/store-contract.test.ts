import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../server/src/domain/errors';
import Database from 'better-sqlite3';
import { newSession, type Member, type SessionState } from '../../server/src/domain/session';
import { applyDelta } from '../../server/src/domain/session-parts';
import { change, type AuditEntry } from '../../server/src/domain/transition';
import { MemorySessionStore } from '../../server/src/store/memory-store';
import type { SessionStore } from '../../server/src/store/session-store';
import { RedisSessionStore } from '../../server/src/store/redis-store';
import { SqliteSessionStore } from '../../server/src/store/sqlite-store';
import { redisForThisFile } from '../support/redis-server';

const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);

function session(id: string): SessionState {
  const state = newSession({
    id,
    title: `Citizens' dialogue ${id}`,
    languages: ['en', 'fr'],
    agenda: [
      { kind: 'plenary', title: 'Opening', minutes: 5, advance: 'hold', warnings: [5, 1], speakers: [] },
      { kind: 'breakout', title: 'Groups', minutes: 35, advance: 'hold', warnings: [5, 1], questions: ['Why?'], groupSize: 5, groups: 'new' },
    ],
    now: t0,
  });
  state.roster = {
    p01: { id: 'p01', name: 'Ama', languages: ['en'], role: 'facilitator', attributes: { country: 'GH' }, tokenVersion: 1 },
  };
  return state;
}

function entry(state: SessionState, action: string, fromVersion: number, toVersion: number, detail: Record<string, unknown> = {}): AuditEntry {
  return { sessionId: state.id, at: state.updatedAt, actor: 'organizer', action, fromVersion, toVersion, detail };
}

/** The next version of `state`, as a command would produce it. */
function advanced(state: SessionState, patch: Partial<SessionState>): SessionState {
  return { ...structuredClone(state), ...patch, version: state.version + 1, updatedAt: state.updatedAt + 1000 };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the promise should have rejected').toBeInstanceOf(DomainError);
  return error as DomainError;
}

interface StoreFactory {
  /** A fresh, empty store. */
  open(): SessionStore;
  /** The same store opened again after `close()`, when the store is durable. */
  reopen?: () => SessionStore;
  cleanup?: () => void | Promise<void>;
  /** Writes `state` the way stores kept a session before parts existed: one JSON document (store closed). */
  storeWhole?: (state: SessionState) => void | Promise<void>;
}

const organizer = { role: 'organizer', memberId: null, name: 'organizer' } as const;

function member(i: number): Member {
  const id = `m${String(i).padStart(5, '0')}`;
  return { id, name: `Citizen ${i}`, languages: ['fr'], role: 'participant', attributes: { country: 'FR' }, tokenVersion: 1 };
}

/** A session of `count` members after its facilitator, in roster order. */
function crowded(id: string, count: number): SessionState {
  const state = session(id);
  for (let i = 1; i <= count; i++) state.roster[member(i).id] = member(i);
  return state;
}

/** The contract every SessionStore keeps; each implementation runs the same suite. */
function storeContract(name: string, options: { durable: boolean }, makeFactory: () => StoreFactory): void {
  describe(`${name} keeps the SessionStore contract`, () => {
    let factory: StoreFactory;
    let store: SessionStore;

    beforeEach(() => {
      factory = makeFactory();
      store = factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it('loads what was created, as an equal but separate object', async () => {
      const state = session('s1');
      await store.create(state, [entry(state, 'session.create', 0, 1, { title: state.title })]);
      const loaded = await store.load('s1');
      expect(loaded).toEqual(state);
      expect(loaded).not.toBe(state);
      loaded!.title = 'changed by the caller';
      expect((await store.load('s1'))!.title).toBe(state.title);
      expect(await store.audit('s1')).toEqual([entry(state, 'session.create', 0, 1, { title: state.title })]);
    });

    it('returns undefined for a session it does not have, and an empty audit log', async () => {
      expect(await store.load('nobody')).toBeUndefined();
      expect(await store.audit('nobody')).toEqual([]);
    });

    it('rejects a second create with the same id with CONFLICT and keeps the first', async () => {
      const first = session('dup');
      await store.create(first, [entry(first, 'session.create', 0, 1)]);
      const second = { ...session('dup'), title: 'Impostor' };
      const error = await rejection(store.create(second, [entry(second, 'session.create', 0, 1)]));
      expect(error.code).toBe('CONFLICT');
      expect((await store.load('dup'))!.title).toBe(first.title);
      expect(await store.audit('dup')).toHaveLength(1);
    });

    it('commits at the expected version and appends the audit entries with it', async () => {
      const v1 = session('s2');
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const v2 = advanced(v1, { status: 'running', stepIndex: 0, endsAt: t0 + 5 * 60_000 });
      await store.commit(v2, 1, [entry(v2, 'start', 1, 2, { toStep: 0 })]);
      const v3 = advanced(v2, { announced: [1] });
      await store.commit(v3, 2, [entry(v3, 'warning', 2, 3, { minutesLeft: 1 }), entry(v3, 'note', 2, 3)]);
      expect(await store.load('s2')).toEqual(v3);
      const audit = await store.audit('s2');
      expect(audit.map((e) => [e.action, e.fromVersion, e.toVersion])).toEqual([
        ['session.create', 0, 1],
        ['start', 1, 2],
        ['warning', 2, 3],
        ['note', 2, 3],
      ]);
      expect(audit[1]!.detail).toEqual({ toStep: 0 });
    });

    it('rejects a commit at a stale version with CONFLICT and writes neither state nor audit', async () => {
      const v1 = session('s3');
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const v2 = advanced(v1, { status: 'running', stepIndex: 0 });
      await store.commit(v2, 1, [entry(v2, 'start', 1, 2)]);
      // A second writer that also read version 1.
      const stale = advanced(v1, { status: 'ended' });
      const error = await rejection(store.commit(stale, 1, [entry(stale, 'end', 1, 2)]));
      expect(error.code).toBe('CONFLICT');
      expect(await store.load('s3')).toEqual(v2);
      expect((await store.audit('s3')).map((e) => e.action)).toEqual(['session.create', 'start']);
      // A version from the future is just as stale.
      const ahead = advanced(v2, { status: 'ended' });
      expect((await rejection(store.commit(ahead, 7, [entry(ahead, 'end', 7, 8)]))).code).toBe('CONFLICT');
      expect(await store.load('s3')).toEqual(v2);
      expect(await store.audit('s3')).toHaveLength(2);
    });

    it('rejects a commit for a session it does not have with NOT_FOUND', async () => {
      const ghost = advanced(session('ghost'), {});
      expect((await rejection(store.commit(ghost, 1, [entry(ghost, 'start', 1, 2)]))).code).toBe('NOT_FOUND');
      expect(await store.load('ghost')).toBeUndefined();
      expect(await store.audit('ghost')).toEqual([]);
    });

    it('writes state and audit together or not at all when the audit cannot be written', async () => {
      const v1 = session('s4');
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const v2 = advanced(v1, { status: 'running', stepIndex: 0 });
      const unwritable = {
        get problem(): never {
          throw new Error('this audit detail cannot be stored');
        },
      };
      await expect(store.commit(v2, 1, [entry(v2, 'start', 1, 2, unwritable)])).rejects.toThrow();
      expect(await store.load('s4')).toEqual(v1);
      expect(await store.audit('s4')).toHaveLength(1);
      // The session is still writable at its old version.
      await store.commit(v2, 1, [entry(v2, 'start', 1, 2)]);
      expect(await store.load('s4')).toEqual(v2);

      const fresh = session('s5');
      await expect(store.create(fresh, [entry(fresh, 'session.create', 0, 1, unwritable)])).rejects.toThrow();
      expect(await store.load('s5')).toBeUndefined();
      expect(await store.listActive()).not.toContain('s5');
    });

    it('lists the sessions that have not ended', async () => {
      const lobby = session('a-lobby');
      const running = session('b-running');
      const ended = session('c-ended');
      for (const s of [lobby, running, ended]) await store.create(s, [entry(s, 'session.create', 0, 1)]);
      await store.commit(advanced(running, { status: 'running', stepIndex: 0 }), 1, []);
      const paused = advanced(advanced(running, { status: 'running' }), { status: 'paused' });
      await store.commit(paused, 2, []);
      await store.commit(advanced(ended, { status: 'ended' }), 1, []);
      expect((await store.listActive()).sort()).toEqual(['a-lobby', 'b-running']);
    });

    it('keeps the audit log of each session apart', async () => {
      const a = session('one');
      const b = session('two');
      await store.create(a, [entry(a, 'session.create', 0, 1)]);
      await store.create(b, [entry(b, 'session.create', 0, 1)]);
      await store.commit(advanced(b, {}), 1, [entry(b, 'roster.import', 1, 2)]);
      expect((await store.audit('one')).map((e) => e.action)).toEqual(['session.create']);
      expect((await store.audit('two')).map((e) => e.action)).toEqual(['session.create', 'roster.import']);
      expect((await store.audit('two')).every((e) => e.sessionId === 'two')).toBe(true);
    });

    it('writes only the member a command changed, and only the hand it raised', async () => {
      const v1 = crowded('big', 500);
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const profile = change(v1, { now: t0 + 1000 }, organizer, 'profile.update', (d) => {
        d.roster['m00042']!.displayName = 'Quarante-deux';
      });
      const written = await store.commit(profile.state, 1, profile.audit, [], profile.changed);
      expect(written.parts.sort()).toEqual(['updatedAt', 'version']);
      expect(written.members).toBe(1);
      // The session row (its version), two parts, one member, one audit entry.
      expect(written.rows).toBe(5);
      expect(written.bytes).toBeLessThan(600);
      const hand = change(profile.state, { now: t0 + 2000 }, organizer, 'hand.raise', (d) => {
        d.hands.push('m00007');
      });
      const raised = await store.commit(hand.state, 2, hand.audit, [], hand.changed);
      expect(raised.parts.sort()).toEqual(['hands', 'updatedAt', 'version']);
      expect(raised.members).toBe(0);
      expect(raised.bytes).toBeLessThan(400);
      const loaded = (await store.load('big'))!;
      expect(loaded).toEqual(hand.state);
      expect(Object.keys(loaded.roster)).toEqual(Object.keys(v1.roster));
      // The whole session, as a commit without a delta writes it, costs the roster.
      const whole = await store.commit(advanced(hand.state, {}), 3, []);
      expect(whole.members).toBe(501);
      expect(whole.bytes).toBeGreaterThan(50 * raised.bytes);
    });

    it('removes the members and parts a commit took away, and puts newcomers last', async () => {
      const v1 = crowded('leaving', 5);
      v1.endedAt = t0;
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const t = change(v1, { now: t0 + 1000 }, organizer, 'roster.change', (d) => {
        delete d.roster['m00002'];
        d.roster['m00009'] = member(9);
        d.roster['m00001']!.name = 'Renamed';
        delete d.endedAt;
      });
      expect(t.changed).toMatchObject({ dropped: ['endedAt'], gone: ['m00002'] });
      const written = await store.commit(t.state, 1, t.audit, [], t.changed);
      expect(written.members).toBe(3);
      const loaded = (await store.load('leaving'))!;
      expect(loaded).toEqual(t.state);
      expect('endedAt' in loaded).toBe(false);
      expect(Object.keys(loaded.roster)).toEqual(['p01', 'm00001', 'm00003', 'm00004', 'm00005', 'm00009']);
      expect(applyDelta(v1, t.changed!)).toEqual(loaded);
    });

    it('still refuses a stale commit of a single member, writing nothing', async () => {
      const v1 = crowded('race', 10);
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const first = change(v1, { now: t0 + 1 }, organizer, 'a', (d) => void (d.roster['m00001']!.name = 'First'));
      const second = change(v1, { now: t0 + 2 }, organizer, 'b', (d) => void (d.roster['m00002']!.name = 'Second'));
      await store.commit(first.state, 1, first.audit, [], first.changed);
      expect((await rejection(store.commit(second.state, 1, second.audit, [], second.changed))).code).toBe('CONFLICT');
      const loaded = (await store.load('race'))!;
      expect(loaded).toEqual(first.state);
      expect(loaded.roster['m00002']!.name).toBe('Citizen 2');
      expect((await store.audit('race')).map((e) => e.action)).toEqual(['session.create', 'a']);
    });

    it('writes no part of a commit when one of its members cannot be written', async () => {
      const v1 = crowded('partial', 10);
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const t = change(v1, { now: t0 + 1 }, organizer, 'two', (d) => {
        d.hands.push('m00001');
        d.roster['m00001']!.name = 'Written?';
      });
      const unwritable = { ...member(2) };
      Object.defineProperty(unwritable, 'name', {
        enumerable: true,
        get(): never {
          throw new Error('this member cannot be stored');
        },
      });
      t.changed!.members['m00002'] = unwritable;
      t.state.roster['m00002'] = unwritable;
      await expect(store.commit(t.state, 1, t.audit, [], t.changed)).rejects.toThrow();
      expect(await store.load('partial')).toEqual(v1);
      expect(await store.audit('partial')).toHaveLength(1);
    });

    if (options.durable) it('loads a session stored whole by an earlier version, and goes on from it in parts', async () => {
      const v1 = crowded('old', 20);
      await store.close();
      await factory.storeWhole!(v1);
      store = factory.reopen!();
      const loaded = (await store.load('old'))!;
      expect(loaded).toEqual(v1);
      expect(Object.keys(loaded.roster)).toEqual(Object.keys(v1.roster));
      expect(await store.listActive()).toContain('old');
      const t = change(loaded, { now: t0 + 1000 }, organizer, 'hand.raise', (d) => void d.hands.push('m00003'));
      const written = await store.commit(t.state, 1, t.audit, [], t.changed);
      expect(written.members).toBe(0);
      await store.close();
      store = factory.reopen!();
      expect(await store.load('old')).toEqual(t.state);
    });

    if (options.durable) it('keeps sessions and audit across close and reopen', async () => {
      const v1 = session('durable');
      await store.create(v1, [entry(v1, 'session.create', 0, 1)]);
      const v2 = advanced(v1, { status: 'running', stepIndex: 1, endsAt: t0 + 35 * 60_000 });
      await store.commit(v2, 1, [entry(v2, 'next', 1, 2, { seed: 42 })]);
      await store.close();
      store = factory.reopen!();
      expect(await store.load('durable')).toEqual(v2);
      expect(await store.audit('durable')).toEqual([entry(v1, 'session.create', 0, 1), entry(v2, 'next', 1, 2, { seed: 42 })]);
      expect(await store.listActive()).toEqual(['durable']);
      // And it goes on from the stored version.
      const v3 = advanced(v2, { status: 'ended' });
      await store.commit(v3, 2, [entry(v3, 'end', 2, 3)]);
      expect(await store.listActive()).toEqual([]);
    });
  });
}

storeContract('MemorySessionStore', { durable: false }, () => ({ open: () => new MemorySessionStore() }));

storeContract('SqliteSessionStore', { durable: true }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-store-'));
  return {
    open: () => new SqliteSessionStore(dir),
    reopen: () => new SqliteSessionStore(dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    storeWhole: (state) => {
      const db = new Database(join(dir, 'roundtable.sqlite'));
      db.prepare('INSERT INTO sessions (id, version, status, state, updated_at) VALUES (?, ?, ?, ?, ?)').run(
        state.id,
        state.version,
        state.status,
        JSON.stringify(state),
        state.updatedAt,
      );
      db.close();
    },
  };
});

// A real redis-server of this file's own (no persistence: durability is Redis' configuration, and
// the cluster tests restart one with AOF on). "Reopen" is a new store on the same Redis.
const redis = redisForThisFile();

storeContract('RedisSessionStore', { durable: true }, () => ({
  open: () => new RedisSessionStore(redis.client),
  reopen: () => new RedisSessionStore(redis.client),
  cleanup: async () => {
    await redis.client.flushDb();
  },
  storeWhole: async (state) => {
    await redis.client.hSet(`rt:session:${state.id}`, { version: String(state.version), status: state.status, state: JSON.stringify(state) });
    await redis.client.sAdd('rt:sessions:active', state.id);
  },
}));

describe('RedisSessionStore on several nodes', () => {
  it('announces every commit with its events, in order, to each node, and nothing for a refused one', async () => {
    const subscribers = [redis.client.duplicate(), redis.client.duplicate()];
    await Promise.all(subscribers.map((s) => s.connect()));
    const heard: Array<Array<[number, string[]]>> = [[], []];
    const allHeard = new Promise<void>((resolve) => {
      subscribers.forEach((sub, i) => {
        new RedisSessionStore(redis.client, sub).changes!(
          ({ version, events }) => {
            heard[i]!.push([version, events.map((e) => e.type)]);
            if (heard.every((h) => h.length === 2)) resolve();
          },
          () => undefined,
        );
      });
    });
    // Subscribed once a round trip on each subscriber has completed.
    await Promise.all(subscribers.map((s) => s.ping()));
    const writer = new RedisSessionStore(redis.client, subscribers[0]);
    const v1 = session('announced');
    await writer.create(v1, [entry(v1, 'session.create', 0, 1)]);
    const v2 = advanced(v1, { status: 'running' });
    await writer.commit(v2, 1, [entry(v2, 'start', 1, 2)], []);
    await expect(writer.commit(advanced(v1, {}), 1, [], [])).rejects.toThrow();
    const v3 = advanced(v2, {});
    await writer.commit(v3, 2, [], [{ type: 'warning', stepIndex: 0, minutesLeft: 1 }]);
    await allHeard;
    expect(heard).toEqual([
      [[2, []], [3, ['warning']]],
      [[2, []], [3, ['warning']]],
    ]);
    await Promise.all(subscribers.map((s) => s.close()));
    await redis.client.flushDb();
  });

  it('announces nothing without a subscriber: its host tells its own listeners', () => {
    expect(new RedisSessionStore(redis.client).changes).toBeUndefined();
  });
});
