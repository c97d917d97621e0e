import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Clock } from '../domain/clock';
import type { NotesDocLink, NotesDocPeer, NotesFanout } from '../notes/notes-fanout';
import { keyPrefix, type RedisClient } from './redis';

const channelOf = (name: string) => `${keyPrefix}notes:doc:${name}`;
const lockOf = (name: string) => `${keyPrefix}notes:storer:${name}`;

const kindUpdate = 0;
const kindAwareness = 1;
const kindSyncRequest = 2;

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisNotesFanoutOptions {
  redis: RedisClient;
  subscriber: RedisClient;
  clock: Clock;
  nodeId: string;
  /** The storing node's lock lapses this long after it last renewed it; another node then stores. */
  lockMs: number;
  onError: (error: unknown) => void;
  /** Counts messages heard from other nodes, for /metrics. */
  onHeard?: (kind: 'update' | 'awareness') => void;
}

interface Joined {
  name: string;
  peer: NotesDocPeer;
  stores: boolean;
  listener: (message: Buffer) => void;
}

/**
 * Notes across nodes, as Hocuspocus' Redis extension does it: every change and awareness update
 * made through a node is published on the document's channel (one hop, no polling: a keystroke
 * reaches the other nodes' editors within a round trip), and a lock (SET NX PX, renewed) makes one
 * node the document's storer. The storer appends every update it has, its own and those it heard,
 * to the shared Redis notes store and folds them into snapshots; nobody else writes the document,
 * so a snapshot never drops an update it did not see. A node that opens a document asks the
 * others for what the store does not have yet; a node that takes the lock over (its storer died)
 * stores its whole state at once, so a crash loses at most what only the dead node had heard.
 * (y-redis keeps a stream per document compacted by a worker; that needs a worker process and a
 * reader polling each stream, and Roundtable's store already appends and compacts.)
 */
export class RedisNotesFanout implements NotesFanout {
  readonly #joined = new Map<string, Joined>();
  /** This node's id as framed (a varString), per kind: written and recognised without re-encoding it for every keystroke. */
  readonly #prefixes: Uint8Array[];
  readonly #ownId: Uint8Array;
  /**
   * Publishes without the per-command timeout the commands client has: node-redis arms an
   * AbortSignal timer for each timed command, which for a PUBLISH per keystroke cost more than
   * the publish itself. While Redis is away nothing is published (the timeout would have dropped
   * them too, 5 s later, after queueing them all).
   */
  readonly #publisher: Pick<RedisClient, 'publish'>;
  #cancelTick: () => void = () => undefined;
  #closed = false;

  constructor(private readonly opts: RedisNotesFanoutOptions) {
    this.#ownId = new TextEncoder().encode(opts.nodeId);
    this.#publisher = opts.redis.withCommandOptions({ timeout: 0 });
    this.#prefixes = [kindUpdate, kindAwareness, kindSyncRequest].map((kind) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, kind);
      encoding.writeVarString(encoder, opts.nodeId);
      return encoding.toUint8Array(encoder);
    });
    const tick = () => {
      this.#cancelTick = opts.clock.setTimer(() => {
        void this.#renew().finally(() => {
          if (!this.#closed) tick();
        });
      }, Math.max(10, Math.floor(opts.lockMs / 3)));
    };
    tick();
  }

  async join(name: string, peer: NotesDocPeer): Promise<NotesDocLink> {
    const { redis, subscriber, nodeId, lockMs } = this.opts;
    const joined: Joined = {
      name,
      peer,
      stores: false,
      listener: (message) => this.#heard(joined, message),
    };
    this.#joined.set(name, joined);
    await subscriber.subscribe(channelOf(name), joined.listener, true);
    joined.stores = (await redis.set(lockOf(name), nodeId, { condition: 'NX', expiration: { type: 'PX', value: lockMs } })) === 'OK';
    const publish = (kind: number, payload: Uint8Array) => this.#publish(name, this.#frame(kind, payload));
    return {
      get stores() {
        return joined.stores;
      },
      publishUpdate: (update) => publish(kindUpdate, update),
      publishAwareness: (update) => publish(kindAwareness, update),
      askOthers: (stateVector) => publish(kindSyncRequest, stateVector),
      leave: async () => {
        if (this.#joined.get(name) !== joined) return;
        this.#joined.delete(name);
        await subscriber.unsubscribe(channelOf(name), joined.listener, true).catch(this.opts.onError);
        if (joined.stores) await redis.eval(releaseScript, { keys: [lockOf(name)], arguments: [nodeId] }).catch(this.opts.onError);
      },
    };
  }

  #publish(name: string, frame: Buffer): void {
    if (!this.opts.redis.isReady) return;
    this.#publisher.publish(channelOf(name), frame).catch(this.opts.onError);
  }

  #frame(kind: number, payload: Uint8Array): Buffer {
    const encoder = encoding.createEncoder();
    encoding.writeUint8Array(encoder, this.#prefixes[kind]!);
    encoding.writeVarUint8Array(encoder, payload);
    const frame = encoding.toUint8Array(encoder);
    return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  }

  #heard(joined: Joined, message: Buffer): void {
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      const kind = decoding.readVarUint(decoder);
      const from = decoding.readVarUint8Array(decoder);
      if (Buffer.compare(from, this.#ownId) === 0) return; // its own, echoed by the channel
      const payload = decoding.readVarUint8Array(decoder);
      if (kind === kindUpdate) {
        joined.peer.applyUpdate(payload);
        this.opts.onHeard?.('update');
      } else if (kind === kindAwareness) {
        joined.peer.applyAwareness(payload);
        this.opts.onHeard?.('awareness');
      } else if (kind === kindSyncRequest) {
        const missing = joined.peer.missingFrom(payload);
        if (missing) this.#publish(joined.name, this.#frame(kindUpdate, missing));
      }
    } catch (error) {
      this.opts.onError(error);
    }
  }

  /** Keeps the locks this node holds; takes over documents whose storer has gone. */
  async #renew(): Promise<void> {
    const { redis, nodeId, lockMs } = this.opts;
    for (const joined of [...this.#joined.values()]) {
      try {
        if (joined.stores) {
          const kept = await redis.eval(renewScript, { keys: [lockOf(joined.name)], arguments: [nodeId, String(lockMs)] });
          if (kept === 0 && (await redis.set(lockOf(joined.name), nodeId, { condition: 'NX', expiration: { type: 'PX', value: lockMs } })) !== 'OK') {
            // Lost (the lock lapsed while Redis was away, and another node took it): it stores now.
            joined.stores = false;
            joined.peer.stopStoring();
          }
        } else if ((await redis.set(lockOf(joined.name), nodeId, { condition: 'NX', expiration: { type: 'PX', value: lockMs } })) === 'OK') {
          joined.stores = true;
          joined.peer.startStoring();
        }
      } catch (error) {
        this.opts.onError(error);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelTick();
  }
}
