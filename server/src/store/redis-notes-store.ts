import { binary, keyPrefix, type BinaryRedis, type RedisClient } from '../cluster/redis';
import { docNameOf, parseDocName } from '../notes/doc-name';
import { compareNotesKeys, type NotesKey, type NotesStore, type NotesVersion, type StoredNotes } from './notes-store';

const seqKey = `${keyPrefix}notes:seq`;
const updatesKey = (doc: string) => `${keyPrefix}notes:updates:${doc}`;
const snapshotKey = (doc: string) => `${keyPrefix}notes:snapshot:${doc}`;
const versionsKey = (doc: string) => `${keyPrefix}notes:versions:${doc}`;
const docsKey = (sessionId: string) => `${keyPrefix}notes:docs:${sessionId}`;

/**
 * KEYS: the sequence, then per update its document's sorted set and its session's set of documents.
 * ARGV: per update its document's name and bytes. Each update is stored under a sequence number
 * (its score; also its member's prefix, which keeps equal bytes apart). All or nothing.
 */
const appendScript = `
local seq = 0
for i = 1, #ARGV, 2 do
  seq = redis.call('INCR', KEYS[1])
  redis.call('ZADD', KEYS[i + 1], seq, seq .. ':' .. ARGV[i + 1])
  redis.call('SADD', KEYS[i + 2], ARGV[i])
end
return seq
`;

/** KEYS: snapshot, updates, session's documents. ARGV: snapshot, through, name. */
const compactScript = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
`;

const copy = (b: Buffer): Uint8Array => new Uint8Array(b);
const colon = 0x3a;

/**
 * The groups' notes in Redis, so that any node can open any document: per document a sorted set
 * of updates by sequence number and a snapshot, written by Lua scripts (all or nothing, like the
 * SQLite store's transactions). Bytes only, as the NotesStore contract says.
 */
export class RedisNotesStore implements NotesStore {
  readonly #bytes: BinaryRedis;

  constructor(private readonly redis: RedisClient) {
    this.#bytes = binary(redis);
  }

  async append(batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>): Promise<number> {
    if (batch.length === 0) return Number(await this.redis.get(seqKey) ?? 0);
    const keys = [seqKey];
    const args: Array<string | Buffer> = [];
    for (const { key, update } of batch) {
      const name = docNameOf(key);
      keys.push(updatesKey(name), docsKey(key.sessionId));
      args.push(name, Buffer.from(update));
    }
    return Number(await this.redis.eval(appendScript, { keys, arguments: args }));
  }

  async load(key: NotesKey): Promise<StoredNotes | null> {
    const name = docNameOf(key);
    const [snapshot, members] = await Promise.all([
      this.#bytes.get(snapshotKey(name)),
      this.#bytes.zRangeWithScores(updatesKey(name), 0, -1),
    ]);
    if (snapshot == null && members.length === 0) return null;
    return {
      snapshot: snapshot == null ? null : copy(snapshot),
      updates: members.map(({ value }: { value: Buffer }) => copy(value.subarray(value.indexOf(colon) + 1))),
      through: members.at(-1)?.score ?? 0,
    };
  }

  async compact(key: NotesKey, snapshot: Uint8Array, through: number): Promise<void> {
    const name = docNameOf(key);
    await this.redis.eval(compactScript, {
      keys: [snapshotKey(name), updatesKey(name), docsKey(key.sessionId)],
      arguments: [Buffer.from(snapshot), String(through), name],
    });
  }

  async keepVersion(key: NotesKey, version: NotesVersion): Promise<void> {
    const name = docNameOf(key);
    const meta = JSON.stringify({ at: version.at, meta: version.meta });
    await this.redis.multi()
      .hSet(versionsKey(name), { [`meta:${version.label}`]: meta, [`state:${version.label}`]: Buffer.from(version.state) })
      .sAdd(docsKey(key.sessionId), name)
      .exec();
  }

  async version(key: NotesKey, label: string): Promise<NotesVersion | null> {
    const [meta, state] = await this.#bytes.hmGet(versionsKey(docNameOf(key)), [`meta:${label}`, `state:${label}`]);
    if (meta == null || state == null) return null;
    const parsed = JSON.parse(meta.toString()) as { at: number; meta: Record<string, unknown> };
    return { label, at: parsed.at, state: copy(state), meta: parsed.meta };
  }

  async list(sessionId: string): Promise<NotesKey[]> {
    return (await this.redis.sMembers(docsKey(sessionId)))
      .map(parseDocName)
      .filter((k): k is NotesKey => k !== null)
      .sort(compareNotesKeys);
  }

  /** The connection belongs to the node: it closes it. */
  async close(): Promise<void> {}
}
