import { nextDeadline } from '../domain/agenda';
import type { Clock } from '../domain/clock';
import type { SessionState } from '../domain/session';
import type { AgendaTimers, DueHandler } from '../sessions/agenda-timers';
import { keyPrefix, type RedisClient } from './redis';

const leaseKey = (sessionId: string) => `${keyPrefix}agenda-lease:${sessionId}`;
/** Sessions whose agenda has a deadline, scored by it: who takes over a lapsed lease looks here. */
export const deadlinesKey = `${keyPrefix}agenda-deadlines`;

/** Extends the lease only while this node still holds it. */
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
/** Gives the lease up only if it is still this node's, and drops the deadline with it. */
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if ARGV[2] == '1' then redis.call('ZREM', KEYS[2], ARGV[3]) end
  return 1
end
return 0
`;

export interface AgendaLeaseOptions {
  redis: RedisClient;
  clock: Clock;
  /** This node's name in the leases it holds. */
  nodeId: string;
  /** A lease lapses this long after its holder last renewed it (a third of it between renewals). */
  leaseMs: number;
  /** Reads the session as stored now (not a cached copy) when this node takes one over. */
  reload: (sessionId: string) => Promise<SessionState>;
  onError: (error: unknown, sessionId: string | null) => void;
}

/**
 * Agenda timers for several nodes. Of all the nodes that hear a session change, the one holding
 * the session's lease (SET NX PX, renewed) arms its deadline; the deadline is also written to a
 * sorted set, which every node sweeps, so when a holder dies its lease lapses and another node
 * takes the session over and arms it. Two nodes may still fire together (a holder that stalled
 * past its lease); the firing is a compare-and-set on the session's version, so only one of them
 * changes anything and the other decides on the new version that nothing is due.
 */
export class LeasedAgendaTimers implements AgendaTimers {
  readonly #held = new Set<string>();
  readonly #timers = new Map<string, () => void>();
  /** Per session: what it was last armed with, so arming happens one at a time in order. */
  readonly #arming = new Map<string, Promise<void>>();
  readonly #cancelRenewal: () => void;
  #ticking: Promise<void> = Promise.resolve();
  readonly #firing = new Set<Promise<void>>();
  #closed = false;

  constructor(
    private readonly opts: AgendaLeaseOptions,
    private readonly due: DueHandler,
  ) {
    const every = Math.max(10, Math.floor(opts.leaseMs / 3));
    let cancel = () => undefined as void;
    const tick = () => {
      cancel = opts.clock.setTimer(() => {
        this.#ticking = this.#renewAndSweep().finally(() => {
          if (!this.#closed) tick();
        });
      }, every);
    };
    tick();
    this.#cancelRenewal = () => cancel();
  }

  /** Sessions whose lease this node holds now. */
  get held(): ReadonlySet<string> {
    return this.#held;
  }

  arm(state: SessionState): void {
    const previous = this.#arming.get(state.id) ?? Promise.resolve();
    const next = previous.then(() => this.#arm(state)).catch((error: unknown) => this.opts.onError(error, state.id));
    this.#arming.set(state.id, next);
    void next.then(() => {
      if (this.#arming.get(state.id) === next) this.#arming.delete(state.id);
    });
  }

  async #arm(state: SessionState): Promise<void> {
    const { redis, clock, nodeId, leaseMs } = this.opts;
    this.#timers.get(state.id)?.();
    this.#timers.delete(state.id);
    if (this.#closed) return;
    const at = nextDeadline(state);
    if (at === null) {
      if (this.#held.delete(state.id)) await redis.eval(releaseScript, { keys: [leaseKey(state.id), deadlinesKey], arguments: [nodeId, '1', state.id] });
      return;
    }
    if (!this.#held.has(state.id)) {
      const taken = await redis.set(leaseKey(state.id), nodeId, { condition: 'NX', expiration: { type: 'PX', value: leaseMs } });
      if (taken !== 'OK') return; // another node holds it and arms it
      this.#held.add(state.id);
    }
    await redis.zAdd(deadlinesKey, { score: at, value: state.id });
    if (this.#closed) return;
    const cancel = clock.setTimer(() => {
      this.#timers.delete(state.id);
      if (!this.#held.has(state.id)) return;
      // Re-armed with the result even when nothing was due (a timer may fire a millisecond early).
      const firing = this.due(state.id).then(
        (s) => this.arm(s),
        (error: unknown) => this.opts.onError(error, state.id),
      );
      this.#firing.add(firing);
      void firing.finally(() => this.#firing.delete(firing));
    }, at - clock.now());
    this.#timers.set(state.id, cancel);
  }

  /** Keeps this node's leases; takes over sessions with a deadline whose lease has lapsed. */
  async #renewAndSweep(): Promise<void> {
    const { redis, nodeId, leaseMs } = this.opts;
    try {
      for (const id of [...this.#held]) {
        const kept = await redis.eval(renewScript, { keys: [leaseKey(id)], arguments: [nodeId, String(leaseMs)] });
        if (kept === 0 && this.#held.delete(id)) {
          this.#timers.get(id)?.();
          this.#timers.delete(id);
        }
      }
      const due = await redis.zRange(deadlinesKey, 0, 999);
      for (const id of due) {
        if (this.#closed || this.#held.has(id)) continue;
        if ((await redis.exists(leaseKey(id))) === 1) continue;
        // Looks free: `arm` takes it with SET NX (one node wins) from the state as stored now.
        this.arm(await this.opts.reload(id));
      }
    } catch (error) {
      this.opts.onError(error, null); // Redis away: tried again at the next tick
    }
  }

  /** Resolves once the renewal in progress and every arming asked for so far are done (for tests). */
  async settled(): Promise<void> {
    await this.#ticking;
    while (this.#arming.size > 0 || this.#firing.size > 0) await Promise.allSettled([...this.#arming.values(), ...this.#firing]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelRenewal();
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    await Promise.allSettled([...this.#arming.values()]);
    // Given back at once, so another node takes over without waiting for the lease to lapse.
    const { redis, nodeId } = this.opts;
    await Promise.allSettled(
      [...this.#held].map((id) => redis.eval(releaseScript, { keys: [leaseKey(id), deadlinesKey], arguments: [nodeId, '0', id] })),
    );
    this.#held.clear();
  }
}
