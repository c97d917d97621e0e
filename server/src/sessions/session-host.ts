import { randomBytes } from 'node:crypto';
import type { CreateSessionBody } from '../../../shared/session';
import { letTimePass, nextDeadline } from '../domain/agenda';
import type { Clock } from '../domain/clock';
import { notFound } from '../domain/errors';
import type { Actor } from '../domain/roles';
import { newSession, rosterRecord, type SessionState } from '../domain/session';
import { actorLabel, type AuditEntry, type Context, type DomainEvent, type Transition } from '../domain/transition';
import type { GroupAssigner } from '../grouping/types';
import type { SessionStore } from '../store/session-store';
import type { PresenceTracker } from './presence';

/** What one command did: the state after it, what it wrote to the audit log (nothing if it changed nothing), what it reported. */
export interface Applied {
  state: SessionState;
  audit: AuditEntry[];
  result: Record<string, unknown>;
}

export interface SessionChange {
  state: SessionState;
  events: DomainEvent[];
}

type Listener = (change: SessionChange) => void;

export interface SessionHostOptions {
  store: SessionStore;
  clock: Clock;
  assigner: GroupAssigner;
  presence: PresenceTracker;
  onError?: (error: unknown, sessionId: string) => void;
}

/**
 * Runs sessions: applies domain transitions one at a time per session, makes each durable before
 * anyone hears of it, and keeps each session's next deadline armed. It knows no transport.
 */
export class SessionHost {
  readonly #opts: SessionHostOptions;
  readonly #cache = new Map<string, SessionState>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #timers = new Map<string, () => void>();
  readonly #listeners = new Set<Listener>();
  #closed = false;

  constructor(opts: SessionHostOptions) {
    this.#opts = opts;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  context(sessionId: string): Context {
    return { now: this.#opts.clock.now(), present: this.#opts.presence.present(sessionId), assigner: this.#opts.assigner };
  }

  async create(body: CreateSessionBody, actor: Actor): Promise<SessionState> {
    const now = this.#opts.clock.now();
    const state = newSession({ id: randomBytes(9).toString('base64url'), ...body, now });
    await this.#opts.store.create(state, [
      { sessionId: state.id, at: now, actor: actorLabel(actor), action: 'session.create', fromVersion: 0, toVersion: state.version, detail: { title: state.title } },
    ]);
    this.#cache.set(state.id, state);
    return state;
  }

  /** The latest committed state, or NOT_FOUND. */
  async get(sessionId: string): Promise<SessionState> {
    const cached = this.#cache.get(sessionId);
    if (cached) return cached;
    const loaded = await this.#opts.store.load(sessionId);
    if (!loaded) throw notFound(`There is no session ${sessionId}.`);
    loaded.roster = rosterRecord(loaded.roster);
    this.#cache.set(sessionId, loaded);
    return loaded;
  }

  /**
   * Runs `decide` on the current state, after every earlier command of this session has finished.
   * A refusal (thrown DomainError) changes nothing. Resolves with the state after the command.
   */
  execute(sessionId: string, decide: (state: SessionState, ctx: Context) => Transition | null): Promise<Applied> {
    const previous = this.#queues.get(sessionId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#apply(sessionId, decide));
    const tail = run.catch(() => undefined);
    this.#queues.set(sessionId, tail);
    void tail.then(() => {
      if (this.#queues.get(sessionId) === tail) this.#queues.delete(sessionId);
    });
    return run;
  }

  async #apply(sessionId: string, decide: (state: SessionState, ctx: Context) => Transition | null): Promise<Applied> {
    const state = await this.get(sessionId);
    const transition = decide(state, this.context(sessionId));
    // A command that changed nothing is neither stored nor sent to anyone.
    if (!transition || transition.state === state) return { state, audit: [], result: transition?.result ?? {} };
    await this.#opts.store.commit(transition.state, state.version, transition.audit);
    this.#cache.set(sessionId, transition.state);
    this.#arm(transition.state);
    const change: SessionChange = { state: transition.state, events: transition.events };
    for (const listener of this.#listeners) listener(change);
    return { state: transition.state, audit: transition.audit, result: transition.result ?? {} };
  }

  auditLog(sessionId: string): Promise<AuditEntry[]> {
    return this.#opts.store.audit(sessionId);
  }

  /** After a restart: catch every unfinished session up with the time that passed, then arm its clock. */
  async resumeAll(): Promise<number> {
    const ids = await this.#opts.store.listActive();
    for (const id of ids) this.#arm((await this.execute(id, (state, ctx) => letTimePass(state, ctx))).state);
    return ids.length;
  }

  #arm(state: SessionState): void {
    this.#timers.get(state.id)?.();
    this.#timers.delete(state.id);
    if (this.#closed) return;
    const at = nextDeadline(state);
    if (at === null) return;
    const cancel = this.#opts.clock.setTimer(() => {
      this.#timers.delete(state.id);
      // Re-armed even when nothing was due: a timer may fire a millisecond early.
      this.execute(state.id, (s, ctx) => letTimePass(s, ctx))
        .then(({ state: s }) => this.#arm(s))
        .catch((error: unknown) => this.#opts.onError?.(error, state.id));
    }, at - this.#opts.clock.now());
    this.#timers.set(state.id, cancel);
  }

  /** Stops the clocks and waits for commands in flight to be stored. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    await Promise.all([...this.#queues.values()]);
  }
}
