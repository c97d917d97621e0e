import { createHash } from 'node:crypto';
import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import { wholeDelta, type SessionDelta } from '../domain/session-parts';
import type { AuditEntry, DomainEvent } from '../domain/transition';
import { keyPrefix, type RedisClient } from '../cluster/redis';
import { assembleSession, deltaRows, sizeOf, type CommitSize, type DeltaRows } from './session-rows';
import type { CommittedChange, SessionStore } from './session-store';

const sessionKey = (id: string) => `${keyPrefix}session:${id}`;
const membersKey = (id: string) => `${keyPrefix}session:${id}:members`;
const orderKey = (id: string) => `${keyPrefix}session:${id}:roster-order`;
const auditKey = (id: string) => `${keyPrefix}audit:${id}`;
const activeKey = `${keyPrefix}sessions:active`;
const keysOf = (id: string) => [sessionKey(id), membersKey(id), orderKey(id), auditKey(id), activeKey];
/** Every commit of every node is announced here, from inside the commit. */
export const changesChannel = `${keyPrefix}session-changes`;
/** The session hash's counter of roster positions (no part of a session starts with "~"). */
const positionField = '~position';
/** Where sessions stored before parts existed kept the whole session as one JSON document. */
const wholeField = 'state';

/**
 * KEYS: session hash (a field per part, JSON), members hash (a field per member), roster order
 * (a sorted set by position), audit list, active set. ARGV from 6: the parts written (count, then
 * name and JSON), the parts removed (count, names), the members written (count, id and JSON), the
 * members removed (count, ids), then the audit entries. Returns the index of the first audit entry
 * and how many records it wrote.
 */
const writeRows = `
local function write(i)
  local written = 0
  local count = tonumber(ARGV[i]); i = i + 1
  if count > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, i, i + 2 * count - 1)) end
  written = written + count; i = i + 2 * count
  count = tonumber(ARGV[i]); i = i + 1
  for j = 1, count do written = written + redis.call('HDEL', KEYS[1], ARGV[i]); i = i + 1 end
  count = tonumber(ARGV[i]); i = i + 1
  for j = 1, count do
    if redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
      redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[1], '${positionField}', 1), ARGV[i])
    end
    written = written + 1; i = i + 2
  end
  count = tonumber(ARGV[i]); i = i + 1
  for j = 1, count do
    written = written + redis.call('HDEL', KEYS[2], ARGV[i]); redis.call('ZREM', KEYS[3], ARGV[i]); i = i + 1
  end
  if i <= #ARGV then redis.call('RPUSH', KEYS[4], unpack(ARGV, i, #ARGV)) end
  written = written + #ARGV - i + 1
  if ARGV[3] == 'ended' then redis.call('SREM', KEYS[5], ARGV[1]) elseif ARGV[3] ~= '' then redis.call('SADD', KEYS[5], ARGV[1]) end
  return written
end
`;

/** ARGV 1: id, 3: status. Fails when the session exists: an id is never reused. */
const createScript = `${writeRows}
if redis.call('EXISTS', KEYS[1]) == 1 then return 'CONFLICT' end
return write(6)
`;

/**
 * ARGV 1: id, 2: expected version, 3: status ('' when unchanged), 4: channel, 5: announcement
 * ('' none). The version check, the changed parts and members, the audit entries and the
 * announcement are one step: no other client runs between them, so every node hears the commits
 * of a session in the order they were made, each exactly once. A session still stored whole is
 * refused as changed meanwhile: loading it (which splits it) comes first.
 */
const commitScript = `${writeRows}
local stored = redis.call('HMGET', KEYS[1], 'version', '${wholeField}')
if not stored[1] then return 'NOT_FOUND' end
if stored[2] or tonumber(stored[1]) ~= tonumber(ARGV[2]) then return 'CONFLICT' end
local written = write(6)
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return written
`;

/** ARGV 1: id, 2: the version stored whole. Rewrites that session as parts (ARGV from 6), once. */
const splitScript = `${writeRows}
local stored = redis.call('HMGET', KEYS[1], 'version', '${wholeField}')
if not stored[2] or tonumber(stored[1]) ~= tonumber(ARGV[2]) then return 'CONFLICT' end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return write(6)
`;

/** A Lua script run by its digest, sent whole only when Redis does not know it yet. */
class Script {
  readonly #sha: string;
  constructor(readonly text: string) {
    this.#sha = createHash('sha1').update(text).digest('hex');
  }
  async run(redis: RedisClient, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.evalSha(this.#sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.text, { keys, arguments: args });
    }
  }
}
const scripts = { create: new Script(createScript), commit: new Script(commitScript), split: new Script(splitScript) };

function rowArguments(rows: DeltaRows): string[] {
  return [
    String(rows.parts.length),
    ...rows.parts.flat(),
    String(rows.dropped.length),
    ...rows.dropped,
    String(rows.members.length),
    ...rows.members.flat(),
    String(rows.gone.length),
    ...rows.gone,
    ...rows.audit,
  ];
}

/**
 * Sessions in Redis, for several nodes: each session a hash with a field per part, a hash of its
 * members with their roster order beside it, and its audit log a list, all written in one Lua
 * script that checks the version, so a commit writes and announces only what changed. Durable as
 * Redis is configured: with AOF and `appendfsync always` an acknowledged commit survives a Redis
 * crash (the README says so).
 */
export class RedisSessionStore implements SessionStore {
  /** Only with a subscriber: a store that hears no announcements leaves telling to its host. */
  readonly changes?: SessionStore['changes'];

  constructor(
    private readonly redis: RedisClient,
    private readonly subscriber?: RedisClient,
  ) {
    if (subscriber) this.changes = (listener, resync) => this.#follow(subscriber, listener, resync);
  }

  async create(state: SessionState, audit: AuditEntry[]): Promise<void> {
    // Serialized before anything is sent: an entry that cannot be written stops the whole commit.
    const rows = deltaRows(state, undefined, audit);
    const result = await scripts.create.run(this.redis, keysOf(state.id), [state.id, '', state.status, '', '', ...rowArguments(rows)]);
    if (result === 'CONFLICT') throw conflict(`Session ${state.id} already exists.`);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const [parts, members, order] = (await this.redis
      .multi()
      .hGetAll(sessionKey(id))
      .hGetAll(membersKey(id))
      .zRange(orderKey(id), 0, -1)
      .exec()) as unknown as [Record<string, string>, Record<string, string>, string[]];
    if (Object.keys(parts).length === 0) return undefined;
    const whole = parts[wholeField];
    if (whole !== undefined) return this.#split(id, JSON.parse(whole) as SessionState);
    return assembleSession(
      Object.entries(parts).filter(([name]) => name !== positionField),
      order.map((memberId): [string, string] => [memberId, members[memberId]!]),
    );
  }

  /** A session stored whole by an earlier version of Roundtable: from now on kept in parts. */
  async #split(id: string, state: SessionState): Promise<SessionState | undefined> {
    const rows = deltaRows(state, undefined, []);
    const result = await scripts.split.run(this.redis, keysOf(id), [id, String(state.version), state.status, '', '', ...rowArguments(rows)]);
    // Another node split it (or committed) first: read what it wrote.
    return result === 'CONFLICT' ? this.load(id) : state;
  }

  async listActive(): Promise<string[]> {
    return (await this.redis.sMembers(activeKey)).sort();
  }

  async commit(
    state: SessionState,
    expectedVersion: number,
    audit: AuditEntry[],
    events: readonly DomainEvent[] = [],
    changed?: SessionDelta,
  ): Promise<CommitSize> {
    const rows = deltaRows(state, changed, audit);
    const delta = changed ?? wholeDelta(state);
    const statusChanged = changed === undefined || Object.hasOwn(changed.parts, 'status');
    const announcement: CommittedChange | null = this.subscriber
      ? { id: state.id, fromVersion: expectedVersion, version: state.version, events: [...events], changed: delta }
      : null;
    const result = await scripts.commit.run(this.redis, keysOf(state.id), [
      state.id,
      String(expectedVersion),
      statusChanged ? state.status : '',
      changesChannel,
      announcement ? JSON.stringify(announcement) : '',
      ...rowArguments(rows),
    ]);
    if (result === 'NOT_FOUND') throw notFound(`Session ${state.id} does not exist.`);
    if (result === 'CONFLICT') throw conflict('The session changed meanwhile; try again.');
    return sizeOf(rows, Number(result) + 1);
  }

  #follow(subscriber: RedisClient, listener: (change: CommittedChange) => void, resync: () => void): () => void {
    const onMessage = (message: string) => listener(JSON.parse(message) as CommittedChange);
    // A subscription lost with the connection is made again on reconnect; what was said meanwhile is not.
    let wasReady = subscriber.isReady;
    const onReady = () => {
      if (wasReady) return;
      wasReady = true;
      resync();
    };
    const onDown = () => {
      wasReady = false;
    };
    subscriber.on('ready', onReady);
    subscriber.on('reconnecting', onDown);
    void subscriber.subscribe(changesChannel, onMessage);
    return () => {
      subscriber.off('ready', onReady);
      subscriber.off('reconnecting', onDown);
      if (subscriber.isOpen) void subscriber.unsubscribe(changesChannel, onMessage).catch(() => undefined);
    };
  }

  async audit(sessionId: string): Promise<AuditEntry[]> {
    return (await this.redis.lRange(auditKey(sessionId), 0, -1)).map((text) => JSON.parse(text) as AuditEntry);
  }

  /** The connections belong to the node: it closes them. */
  async close(): Promise<void> {}
}
