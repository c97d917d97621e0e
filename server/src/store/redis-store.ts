import { conflict, notFound } from '../domain/errors';
import type { SessionState } from '../domain/session';
import type { AuditEntry, DomainEvent } from '../domain/transition';
import { keyPrefix, type RedisClient } from '../cluster/redis';
import type { CommittedChange, SessionStore } from './session-store';

const sessionKey = (id: string) => `${keyPrefix}session:${id}`;
const auditKey = (id: string) => `${keyPrefix}audit:${id}`;
const activeKey = `${keyPrefix}sessions:active`;
/** Every commit of every node is announced here, from inside the commit. */
export const changesChannel = `${keyPrefix}session-changes`;

/**
 * KEYS: session hash, audit list, active set. ARGV: id, version, status, state, JSON entries….
 * Fails when the session exists: an id is never reused.
 */
const createScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'CONFLICT' end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'status', ARGV[3], 'state', ARGV[4])
if ARGV[3] ~= 'ended' then redis.call('SADD', KEYS[3], ARGV[1]) end
for i = 5, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return 'OK'
`;

/**
 * KEYS: session hash, audit list, active set. ARGV: id, expected version, version, status, state,
 * channel, announcement head (empty: none), JSON entries…. The version check, the new state, its
 * audit entries and the announcement are one step: no other client runs between them, so every
 * node hears the commits of a session in the order they were made, each exactly once.
 */
const commitScript = `
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored then return 'NOT_FOUND' end
if tonumber(stored) ~= tonumber(ARGV[2]) then return 'CONFLICT' end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'status', ARGV[4], 'state', ARGV[5])
if ARGV[4] == 'ended' then redis.call('SREM', KEYS[3], ARGV[1]) else redis.call('SADD', KEYS[3], ARGV[1]) end
for i = 8, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[6], ARGV[7] .. ARGV[5] .. '}') end
return 'OK'
`;

/**
 * Sessions in Redis, for several nodes: each session a hash (state, version, status), its audit
 * log a list, written with the state in one Lua script. Durable as Redis is configured: with AOF
 * and `appendfsync always` an acknowledged commit survives a Redis crash (the README says so).
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
    const entries = audit.map((e) => JSON.stringify(e));
    const result = await this.redis.eval(createScript, {
      keys: [sessionKey(state.id), auditKey(state.id), activeKey],
      arguments: [state.id, String(state.version), state.status, JSON.stringify(state), ...entries],
    });
    if (result === 'CONFLICT') throw conflict(`Session ${state.id} already exists.`);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const text = await this.redis.hGet(sessionKey(id), 'state');
    return text == null ? undefined : (JSON.parse(text) as SessionState);
  }

  async listActive(): Promise<string[]> {
    return (await this.redis.sMembers(activeKey)).sort();
  }

  async commit(state: SessionState, expectedVersion: number, audit: AuditEntry[], events: readonly DomainEvent[] = []): Promise<void> {
    // Serialized before anything is sent: an entry that cannot be written stops the whole commit.
    const entries = audit.map((e) => JSON.stringify(e));
    const head = this.subscriber ? `{"events":${JSON.stringify(events)},"state":` : '';
    const result = await this.redis.eval(commitScript, {
      keys: [sessionKey(state.id), auditKey(state.id), activeKey],
      arguments: [state.id, String(expectedVersion), String(state.version), state.status, JSON.stringify(state), changesChannel, head, ...entries],
    });
    if (result === 'NOT_FOUND') throw notFound(`Session ${state.id} does not exist.`);
    if (result === 'CONFLICT') throw conflict('The session changed meanwhile; try again.');
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
