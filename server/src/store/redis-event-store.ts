import { keyPrefix, type RedisClient } from '../cluster/redis';
import { conflict, notFound } from '../domain/errors';
import type { EventAuditEntry, PoolMember, StudyEvent, SurveyAnswer } from '../study/event';
import { answerKey, type EventStore } from './event-store';

const eventKey = (id: string) => `${keyPrefix}event:${id}`;
const sessionsKey = (id: string) => `${keyPrefix}event-sessions:${id}`;
const poolKey = (id: string) => `${keyPrefix}event-pool:${id}`;
const answersKey = (id: string) => `${keyPrefix}event-answers:${id}`;
const auditKey = (id: string) => `${keyPrefix}event-audit:${id}`;
/** Which event each session belongs to: one field per session, so a session is claimed once. */
const sessionEventKey = `${keyPrefix}session-event`;

/** KEYS: event hash, audit list. ARGV: version, event, entries…. */
const createScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'CONFLICT' end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'event', ARGV[2])
for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return 'OK'
`;

/** KEYS: event hash, audit list. ARGV: expected version, version, event, entries…. */
const saveScript = `
local stored = redis.call('HGET', KEYS[1], 'version')
if not stored then return 'NOT_FOUND' end
if tonumber(stored) ~= tonumber(ARGV[1]) then return 'CONFLICT' end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'event', ARGV[3])
for i = 4, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return 'OK'
`;

/** KEYS: event hash, audit list, session list, session→event hash. ARGV: event id, session count, sessions…, entries…. */
const attachScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOT_FOUND' end
local n = tonumber(ARGV[2])
for i = 3, 2 + n do
  local owner = redis.call('HGET', KEYS[4], ARGV[i])
  if owner and owner ~= ARGV[1] then return 'CONFLICT:' .. ARGV[i] .. ':' .. owner end
end
for i = 3, 2 + n do
  if redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[3], ARGV[i]) end
end
for i = 3 + n, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return 'OK'
`;

/** KEYS: event hash, audit list, pool hash. ARGV: pool count, (id, entry)…, entries…. */
const poolScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOT_FOUND' end
redis.call('DEL', KEYS[3])
local n = tonumber(ARGV[1])
for i = 0, n - 1 do redis.call('HSET', KEYS[3], ARGV[2 + 2 * i], ARGV[3 + 2 * i]) end
for i = 2 + 2 * n, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return 'OK'
`;

/** KEYS: event hash, answers hash. ARGV: field, answer. */
const answerScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOT_FOUND' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 'OK'
`;

/** KEYS: event hash, audit list, answers hash, pool hash. ARGV: person id, answer field prefix, entries…. */
const eraseScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local gone = 0
local prefix = ARGV[2]
for _, field in ipairs(redis.call('HKEYS', KEYS[3])) do
  if string.sub(field, 1, #prefix) == prefix then
    redis.call('HDEL', KEYS[3], field)
    gone = gone + 1
  end
end
redis.call('HDEL', KEYS[4], ARGV[1])
for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return gone
`;

/** Events in Redis, for several nodes; each change and its audit entries are one Lua script. */
export class RedisEventStore implements EventStore {
  constructor(private readonly redis: RedisClient) {}

  async create(event: StudyEvent, audit: EventAuditEntry[]): Promise<void> {
    const entries = audit.map((e) => JSON.stringify(e));
    const result = await this.redis.eval(createScript, {
      keys: [eventKey(event.id), auditKey(event.id)],
      arguments: [String(event.version), JSON.stringify({ ...event, sessions: [] }), ...entries],
    });
    if (result === 'CONFLICT') throw conflict(`Event ${event.id} already exists.`);
  }

  async load(id: string): Promise<StudyEvent | undefined> {
    const text = await this.redis.hGet(eventKey(id), 'event');
    if (text == null) return undefined;
    const sessions = await this.redis.lRange(sessionsKey(id), 0, -1);
    return { ...(JSON.parse(text) as StudyEvent), sessions };
  }

  async save(event: StudyEvent, expectedVersion: number, audit: EventAuditEntry[]): Promise<void> {
    const entries = audit.map((e) => JSON.stringify(e));
    const result = await this.redis.eval(saveScript, {
      keys: [eventKey(event.id), auditKey(event.id)],
      arguments: [String(expectedVersion), String(event.version), JSON.stringify({ ...event, sessions: [] }), ...entries],
    });
    if (result === 'NOT_FOUND') throw notFound(`There is no event ${event.id}.`);
    if (result === 'CONFLICT') throw conflict('The event changed meanwhile; try again.');
  }

  async attachSessions(eventId: string, sessionIds: readonly string[], audit: EventAuditEntry[]): Promise<void> {
    const entries = audit.map((e) => JSON.stringify(e));
    const result = String(
      await this.redis.eval(attachScript, {
        keys: [eventKey(eventId), auditKey(eventId), sessionsKey(eventId), sessionEventKey],
        arguments: [eventId, String(sessionIds.length), ...sessionIds, ...entries],
      }),
    );
    if (result === 'NOT_FOUND') throw notFound(`There is no event ${eventId}.`);
    if (result.startsWith('CONFLICT:')) {
      const [, session, owner] = result.split(':');
      throw conflict(`Session ${session} already belongs to event ${owner}.`);
    }
  }

  async eventOfSession(sessionId: string): Promise<string | undefined> {
    return (await this.redis.hGet(sessionEventKey, sessionId)) ?? undefined;
  }

  async setPool(eventId: string, pool: readonly PoolMember[], audit: EventAuditEntry[]): Promise<void> {
    const entries = audit.map((e) => JSON.stringify(e));
    const rows = pool.flatMap((p, i) => [p.id, JSON.stringify([i, p])]);
    const result = await this.redis.eval(poolScript, {
      keys: [eventKey(eventId), auditKey(eventId), poolKey(eventId)],
      arguments: [String(pool.length), ...rows, ...entries],
    });
    if (result === 'NOT_FOUND') throw notFound(`There is no event ${eventId}.`);
  }

  async pool(eventId: string): Promise<PoolMember[]> {
    const rows = Object.values(await this.redis.hGetAll(poolKey(eventId))).map((text) => JSON.parse(text) as [number, PoolMember]);
    return rows.sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }

  async saveAnswer(answer: SurveyAnswer): Promise<void> {
    const result = await this.redis.eval(answerScript, {
      keys: [eventKey(answer.eventId), answersKey(answer.eventId)],
      arguments: [answerKey(answer), JSON.stringify(answer)],
    });
    if (result === 'NOT_FOUND') throw notFound(`There is no event ${answer.eventId}.`);
  }

  async answers(eventId: string): Promise<SurveyAnswer[]> {
    const answers = Object.values(await this.redis.hGetAll(answersKey(eventId))).map((text) => JSON.parse(text) as SurveyAnswer);
    // A hash keeps no order: the order of giving, as the other stores return them.
    return answers.sort((a, b) => a.at - b.at);
  }

  async erase(eventId: string, personId: string, audit: EventAuditEntry[]): Promise<number> {
    const entries = audit.map((e) => JSON.stringify(e));
    const prefix = `${JSON.stringify([personId]).slice(0, -1)},`;
    const gone = Number(
      await this.redis.eval(eraseScript, {
        keys: [eventKey(eventId), auditKey(eventId), answersKey(eventId), poolKey(eventId)],
        arguments: [personId, prefix, ...entries],
      }),
    );
    if (gone < 0) throw notFound(`There is no event ${eventId}.`);
    return gone;
  }

  async audit(eventId: string): Promise<EventAuditEntry[]> {
    return (await this.redis.lRange(auditKey(eventId), 0, -1)).map((text) => JSON.parse(text) as EventAuditEntry);
  }

  /** The connection belongs to the node: it closes it. */
  async close(): Promise<void> {}
}
