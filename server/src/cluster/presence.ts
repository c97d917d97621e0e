import type { Clock } from '../domain/clock';
import { LocalPresence, type PresenceTracker } from '../sessions/presence';
import { keyPrefix, type RedisClient } from './redis';

const nodesKey = `${keyPrefix}presence-nodes`;
const nodeKey = (nodeId: string) => `${keyPrefix}presence:${nodeId}`;
const channel = `${keyPrefix}presence-changes`;
const entry = (sessionId: string, memberId: string) => `${sessionId}\u0000${memberId}`;

interface Delta {
  node: string;
  sessionId: string;
  memberId: string;
  here: boolean;
}

export interface SharedPresenceOptions {
  redis: RedisClient;
  subscriber: RedisClient;
  clock: Clock;
  nodeId: string;
  /** A node not heard of for this long is gone: the people it served are no longer counted here. */
  nodeTimeoutMs: number;
  onError: (error: unknown) => void;
}

/**
 * Who is here, over every node. Each node counts its own connections (as one process does), and
 * tells the others when one of its people arrives or leaves; it keeps, in memory, who is on which
 * node, so `present` stays synchronous (the domain reads it while it decides). Each node's people
 * are also kept in Redis (a set per node, and a heartbeat), so a node that starts learns who is
 * already here, and a node that dies stops counting once its heartbeat is old.
 */
export class SharedPresence implements PresenceTracker {
  readonly #local = new LocalPresence();
  /** Per session, per member: the nodes where they are connected. */
  readonly #where = new Map<string, Map<string, Set<string>>>();
  readonly #present = new Map<string, Set<string>>();
  readonly #listeners = new Set<(sessionId: string) => void>();
  #cancelBeat: () => void = () => undefined;
  #closed = false;

  constructor(private readonly opts: SharedPresenceOptions) {}

  /** Subscribes, learns who is on the nodes alive now, and starts this node's heartbeat. */
  async start(): Promise<void> {
    const { redis, subscriber, nodeId } = this.opts;
    await subscriber.subscribe(channel, (message) => {
      const delta = JSON.parse(message) as Delta;
      if (delta.node !== nodeId) this.#apply(delta, true);
    });
    await this.#beat();
    for (const node of await redis.zRange(nodesKey, 0, -1)) {
      if (node === nodeId) continue;
      for (const e of await redis.sMembers(nodeKey(node))) {
        const [sessionId, memberId] = e.split('\u0000') as [string, string];
        this.#apply({ node, sessionId, memberId, here: true }, true);
      }
    }
    const every = Math.max(10, Math.floor(this.opts.nodeTimeoutMs / 3));
    const tick = () => {
      this.#cancelBeat = this.opts.clock.setTimer(() => {
        void this.#beat()
          .catch(this.opts.onError)
          .finally(() => {
            if (!this.#closed) tick();
          });
      }, every);
    };
    tick();
  }

  /** Says this node is alive, and forgets the people of nodes that are not. */
  async #beat(): Promise<void> {
    const { redis, nodeId, nodeTimeoutMs } = this.opts;
    const now = this.opts.clock.now();
    await redis.zAdd(nodesKey, { score: now, value: nodeId });
    await redis.pExpire(nodeKey(nodeId), nodeTimeoutMs * 10);
    const gone = await redis.zRangeByScore(nodesKey, '-inf', now - nodeTimeoutMs);
    for (const node of gone) {
      if (node === nodeId) continue;
      await redis.zRem(nodesKey, node);
      await redis.del(nodeKey(node));
      this.#forgetNode(node);
    }
  }

  #forgetNode(node: string): void {
    for (const [sessionId, members] of this.#where) {
      for (const [memberId, nodes] of members) if (nodes.has(node)) this.#apply({ node, sessionId, memberId, here: false }, true);
    }
  }

  /** Records where someone is; tells the listeners when someone arrived or left this session. */
  #apply({ node, sessionId, memberId, here }: Delta, remote: boolean): void {
    const members = this.#where.get(sessionId) ?? new Map<string, Set<string>>();
    this.#where.set(sessionId, members);
    const nodes = members.get(memberId) ?? new Set<string>();
    members.set(memberId, nodes);
    const before = nodes.size > 0;
    if (here) nodes.add(node);
    else nodes.delete(node);
    if (nodes.size === 0) members.delete(memberId);
    const after = nodes.size > 0;
    if (before === after) return;
    const present = this.#present.get(sessionId) ?? new Set<string>();
    this.#present.set(sessionId, present);
    if (after) present.add(memberId);
    else present.delete(memberId);
    if (remote) for (const listener of this.#listeners) listener(sessionId);
  }

  #tell(delta: Delta): void {
    if (this.#closed) return;
    const key = nodeKey(delta.node);
    const member = entry(delta.sessionId, delta.memberId);
    const step = this.opts.redis.multi();
    (delta.here ? step.sAdd(key, member) : step.sRem(key, member)).publish(channel, JSON.stringify(delta));
    step.exec().catch(this.opts.onError);
  }

  /** This node's first connection of someone arrived, or its last one left: the others are told. */
  #here(sessionId: string, memberId: string, here: boolean): void {
    const delta = { node: this.opts.nodeId, sessionId, memberId, here };
    this.#apply(delta, false);
    this.#tell(delta);
  }

  connect(sessionId: string, memberId: string): boolean {
    const first = this.#local.connect(sessionId, memberId);
    if (first) this.#here(sessionId, memberId, true);
    return first;
  }

  disconnect(sessionId: string, memberId: string): boolean {
    const last = this.#local.disconnect(sessionId, memberId);
    if (last) this.#here(sessionId, memberId, false);
    return last;
  }

  present(sessionId: string): ReadonlySet<string> {
    return this.#present.get(sessionId) ?? new Set();
  }

  onRemoteChange(listener: (sessionId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** This node's people leave with it. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelBeat();
    const { redis, nodeId } = this.opts;
    await Promise.allSettled([redis.zRem(nodesKey, nodeId), redis.del(nodeKey(nodeId))]);
  }
}
