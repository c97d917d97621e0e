/**
 * What one commit costs in a session of 10,000 members: a raised hand, a profile update and a step
 * change, each committed the whole-document way (the whole session serialized into one value, as
 * sessions were stored before parts: the baseline, measured in the same run) and in parts (only
 * the changed parts and members), on SQLite (full sync, in a temporary directory) and on a real
 * redis-server started on a free port (with the announcement to the other nodes, as in a cluster).
 * Prints bytes written per commit, commit time, and Redis commands per change (INFO commandstats).
 *
 * Run: npm run bench -- commits   (BENCH_COMMITS_MEMBERS=10000, BENCH_COMMITS_REPEATS=20)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createClient } from 'redis';
import { AgendaStep } from '../../shared/agenda';
import type { RosterEntry } from '../../shared/roster';
import { termsVersion } from '../../shared/session';
import { driveAgenda } from '../../server/src/domain/agenda';
import { raiseHand } from '../../server/src/domain/plenary';
import { updateProfile } from '../../server/src/domain/profile';
import type { Actor } from '../../server/src/domain/roles';
import { importRoster } from '../../server/src/domain/roster';
import { newSession, type SessionState } from '../../server/src/domain/session';
import type { Context, Transition } from '../../server/src/domain/transition';
import { seededRandomAssigner } from '../../server/src/grouping/random';
import type { RedisClient } from '../../server/src/cluster/redis';
import { RedisSessionStore } from '../../server/src/store/redis-store';
import { SqliteSessionStore } from '../../server/src/store/sqlite-store';
import type { SessionStore } from '../../server/src/store/session-store';
import { startRedis } from '../support/redis-server';

const MEMBERS = Number.parseInt(process.env.BENCH_COMMITS_MEMBERS ?? '10000', 10) || 10_000;
const REPEATS = Number.parseInt(process.env.BENCH_COMMITS_REPEATS ?? '20', 10) || 20;
const BUDGET_MS = 240_000;

const organizer: Actor = { role: 'organizer', memberId: null, name: 'Organizer' };
const participant = (id: string): Actor => ({ role: 'participant', memberId: id, name: id });
const t0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const ctx = (now: number): Context => ({ now, present: new Set(), assigner: seededRandomAssigner });

function people(n: number): RosterEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${String(i + 1).padStart(5, '0')}`,
    name: `Citizen ${i + 1}`,
    languages: i % 3 === 0 ? ['en', 'fr'] : ['en'],
    role: i % 5 === 0 ? 'facilitator' : 'participant',
    attributes: { country: `C${i % 83}`, gender: i % 2 ? 'f' : 'm', age: String(18 + (i % 60)) },
  }));
}

type Kind = 'raised hand' | 'profile update' | 'step change';
const kinds: Kind[] = ['raised hand', 'profile update', 'step change'];

/** A running plenary of MEMBERS people, with enough plenary steps for every step change. */
function plenary(id: string): SessionState {
  const agenda = Array.from({ length: REPEATS + 2 }, (_, i) => AgendaStep.parse({ kind: 'plenary', title: `Part ${i + 1}`, minutes: 10 }));
  const fresh = newSession({ id, title: 'Ten thousand citizens', languages: ['en', 'fr'], agenda, now: t0 });
  const seated = importRoster(fresh, organizer, people(MEMBERS), ctx(t0)).state;
  return driveAgenda(seated, organizer, { type: 'start' }, ctx(t0)).state;
}

/** REPEATS commands of one kind, each on the state the previous one left. */
function series(start: SessionState, kind: Kind): Transition[] {
  const out: Transition[] = [];
  let state = start;
  for (let i = 0; i < REPEATS; i++) {
    const now = t0 + (i + 1) * 1000;
    const who = `c${String(2 + i * 7).padStart(5, '0')}`;
    const t =
      kind === 'raised hand'
        ? raiseHand(state, participant(who), { raised: true }, ctx(now))
        : kind === 'profile update'
          ? updateProfile(state, participant(who), { displayName: `Name ${i}`, language: 'fr', consent: true, terms: termsVersion }, ctx(now))
          : driveAgenda(state, organizer, { type: 'next' }, ctx(now));
    out.push(t);
    state = t.state;
  }
  return out;
}

/** How a store writes one commit; resolves with the bytes it wrote. */
interface Way {
  create(state: SessionState): Promise<void>;
  commit(t: Transition, expected: number): Promise<number>;
  close(): Promise<void>;
}

/** Sessions stored before parts existed: the whole state as one JSON value, in one row. */
function wholeSqlite(dir: string): Way {
  const db = new Database(join(dir, 'whole.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER NOT NULL, detail TEXT NOT NULL);`);
  const insert = db.prepare('INSERT INTO sessions (id, version, status, state, updated_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE sessions SET version = ?, status = ?, state = ?, updated_at = ? WHERE id = ? AND version = ?');
  const audit = db.prepare('INSERT INTO audit (session_id, at, actor, action, from_version, to_version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return {
    async create(state) {
      insert.run(state.id, state.version, state.status, JSON.stringify(state), state.updatedAt);
    },
    async commit({ state, audit: entries }, expected) {
      const text = JSON.stringify(state);
      const details = entries.map((e) => JSON.stringify(e.detail));
      db.transaction(() => {
        if (update.run(state.version, state.status, text, state.updatedAt, state.id, expected).changes !== 1) throw new Error('conflict');
        entries.forEach((e, i) => audit.run(e.sessionId, e.at, e.actor, e.action, e.fromVersion, e.toVersion, details[i]));
      })();
      return Buffer.byteLength(text) + details.reduce((n, d) => n + Buffer.byteLength(d), 0);
    },
    async close() {
      db.close();
    },
  };
}

/** The whole-document Lua commit of before: version check, the whole state, audit, and the whole state announced. */
const wholeCommitScript = `
local stored = redis.call('HGET', KEYS[1], 'version')
if tonumber(stored) ~= tonumber(ARGV[2]) then return 'CONFLICT' end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'status', ARGV[4], 'state', ARGV[5])
if ARGV[4] == 'ended' then redis.call('SREM', KEYS[3], ARGV[1]) else redis.call('SADD', KEYS[3], ARGV[1]) end
for i = 8, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PUBLISH', ARGV[6], ARGV[7] .. ARGV[5] .. '}')
return 'OK'
`;

function wholeRedis(redis: RedisClient): Way {
  const key = (id: string) => `bench:whole:${id}`;
  return {
    async create(state) {
      await redis.hSet(key(state.id), { version: String(state.version), status: state.status, state: JSON.stringify(state) });
    },
    async commit({ state, audit, events }, expected) {
      const text = JSON.stringify(state);
      const entries = audit.map((e) => JSON.stringify(e));
      const head = `{"events":${JSON.stringify(events)},"state":`;
      const result = await redis.eval(wholeCommitScript, {
        keys: [key(state.id), `bench:whole-audit:${state.id}`, 'bench:whole-active'],
        arguments: [state.id, String(expected), String(state.version), state.status, text, 'bench:whole-changes', head, ...entries],
      });
      if (result !== 'OK') throw new Error(String(result));
      return Buffer.byteLength(text) + entries.reduce((n, d) => n + Buffer.byteLength(d), 0);
    },
    async close() {},
  };
}

/** The store is the run's: it stays open from one change to the next. */
function inParts(store: SessionStore): Way {
  return {
    create: (state) => store.create(state, []),
    async commit(t, expected) {
      return (await store.commit(t.state, expected, t.audit, t.events, t.changed)).bytes;
    },
    async close() {},
  };
}

async function commandCalls(redis: RedisClient): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

interface Row {
  store: string;
  way: string;
  kind: Kind;
  bytes: number;
  meanMs: number;
  p50Ms: number;
  ops: number | null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(
  store: string,
  way: string,
  open: () => Way,
  start: SessionState,
  work: Record<Kind, Transition[]>,
  rows: Row[],
  redis?: RedisClient,
): Promise<void> {
  for (const kind of kinds) {
    const target = open();
    const id = `${store}-${way}-${kind}`.replace(/\W+/g, '-');
    const state = { ...start, id };
    await target.create(state);
    const times: number[] = [];
    let bytes = 0;
    const opsBefore = redis ? await commandCalls(redis) : 0;
    let expected = state.version;
    for (const t of work[kind]) {
      const began = performance.now();
      bytes += await target.commit({ ...t, state: { ...t.state, id }, audit: t.audit.map((e) => ({ ...e, sessionId: id })) }, expected);
      times.push(performance.now() - began);
      expected = t.state.version;
    }
    // Less the INFO that read the count before.
    const ops = redis ? ((await commandCalls(redis)) - opsBefore - 1) / work[kind].length : null;
    await target.close();
    rows.push({ store, way, kind, bytes: bytes / work[kind].length, meanMs: times.reduce((a, b) => a + b, 0) / times.length, p50Ms: median(times), ops });
  }
}

function print(rows: Row[]): void {
  const kb = (n: number) => (n >= 10_000 ? `${(n / 1024).toFixed(0)} KiB` : `${n.toFixed(0)} B`);
  console.log(`  ${'store'.padEnd(7)} ${'way'.padEnd(15)} ${'change'.padEnd(15)} ${'bytes/commit'.padStart(13)} ${'mean ms'.padStart(9)} ${'p50 ms'.padStart(8)} ${'redis ops'.padStart(10)}`);
  for (const r of rows) {
    console.log(
      `  ${r.store.padEnd(7)} ${r.way.padEnd(15)} ${r.kind.padEnd(15)} ${kb(r.bytes).padStart(13)} ${r.meanMs.toFixed(2).padStart(9)} ${r.p50Ms.toFixed(2).padStart(8)} ${(r.ops === null ? '-' : r.ops.toFixed(1)).padStart(10)}`,
    );
  }
  for (const store of new Set(rows.map((r) => r.store))) {
    for (const kind of kinds) {
      const whole = rows.find((r) => r.store === store && r.kind === kind && r.way === 'whole document');
      const parts = rows.find((r) => r.store === store && r.kind === kind && r.way === 'parts');
      if (whole && parts) {
        console.log(`  ${store} ${kind}: ${(whole.bytes / parts.bytes).toFixed(0)}× fewer bytes, ${(whole.meanMs / parts.meanMs).toFixed(1)}× faster in parts`);
      }
    }
  }
}

export async function run(): Promise<void> {
  const began = Date.now();
  const start = plenary('bench');
  console.log(`  a running plenary of ${MEMBERS} members (${(Buffer.byteLength(JSON.stringify(start)) / 2 ** 20).toFixed(2)} MiB as one document); ${REPEATS} commits of each change`);
  const work = Object.fromEntries(kinds.map((k) => [k, series(start, k)])) as Record<Kind, Transition[]>;
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-bench-commits-'));
  const server = await startRedis();
  const redis: RedisClient = createClient({ url: server.url });
  const subscriber: RedisClient = redis.duplicate();
  try {
    await Promise.all([redis.connect(), subscriber.connect()]);
    // Heard like a node hears them, so the announcements cost what they cost in a cluster.
    await subscriber.subscribe(['bench:whole-changes', 'rt:session-changes'], () => undefined);
    const parts = new SqliteSessionStore(join(dir, 'parts'));
    const steps: Array<[string, string, () => Way, RedisClient?]> = [
      ['sqlite', 'whole document', () => wholeSqlite(dir)],
      ['sqlite', 'parts', () => inParts(parts)],
      ['redis', 'whole document', () => wholeRedis(redis), redis],
      ['redis', 'parts', () => inParts(new RedisSessionStore(redis, subscriber)), redis],
    ];
    for (const [store, way, open, client] of steps) {
      if (Date.now() - began > BUDGET_MS) {
        console.log(`  out of time (${BUDGET_MS / 1000} s): ${store} ${way} not measured`);
        continue;
      }
      await measure(store, way, open, start, work, rows, client);
    }
    await parts.close();
  } finally {
    print(rows);
    await subscriber.quit().catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
