import { randomBytes } from 'node:crypto';
import type { CreateSessionBody } from '../../../shared/session';
import { letTimePass } from '../domain/agenda';
import type { Clock } from '../domain/clock';
import { DomainError, notFound } from '../domain/errors';
import type { Actor } from '../domain/roles';
import { newSession, rosterRecord, type SessionState } from '../domain/session';
import { applyDelta, sessionDelta } from '../domain/session-parts';
import { actorLabel, type AuditEntry, type Context, type DomainEvent, type Transition } from '../domain/transition';
import type { GroupAssigner } from '../grouping/types';
import type { CommitSize, CommittedChange, SessionStore } from '../store/session-store';
import { LocalAgendaTimers, type AgendaTimers, type DueHandler } from './agenda-timers';
import type { PresenceTracker } from './presence';

/** How many times a command is decided again when another node committed the session first. */
const maxCommitAttempts = 10;

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
  /** How deadlines are kept armed; in-process timers unless several nodes share the sessions. */
  timers?: (due: DueHandler) => AgendaTimers;
  /** Called after each commit this node made with what it wrote, for /metrics. */
  onCommit?: (written: CommitSize) => void;
}

/**
 * Runs sessions: applies domain transitions one at a time per session, makes each durable before
 * anyone hears of it, and keeps each session's next deadline armed. It knows no transport.
 */
export class SessionHost {
  readonly #opts: SessionHostOptions;
  readonly #cache = new Map<string, SessionState>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #listeners = new Set<Listener>();
  readonly #timers: AgendaTimers;
  /**
   * Per session, the last state handed to the listeners: each is told of every version once, in
   * order. A change announced by the shared store applies to it (the cache may be ahead of it).
   */
  readonly #told = new Map<string, SessionState>();
  /** Sessions being read again because an announcement did not follow the version told: later ones wait. */
  readonly #catchingUp = new Map<string, Promise<void>>();
  readonly #unfollow: () => void;
  #closed = false;

  constructor(opts: SessionHostOptions) {
    this.#opts = opts;
    const due: DueHandler = async (id) => (await this.execute(id, (state, ctx) => letTimePass(state, ctx))).state;
    this.#timers = opts.timers?.(due) ?? new LocalAgendaTimers(opts.clock, due, (error, id) => opts.onError?.(error, id));
    // A store shared by several nodes announces every node's commits, ours included: the cache and
    // the listeners follow that one ordered feed, so a change made on another node reaches this
    // node's clients, in order, once. Without it (one process), a commit is told as it is made.
    this.#unfollow = opts.store.changes?.((change) => this.#heard(change), () => void this.#resync()) ?? (() => undefined);
  }

  get shared(): boolean {
    return this.#opts.store.changes !== undefined;
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
    this.#told.set(state.id, state);
    return state;
  }

  /** The latest committed state, or NOT_FOUND. */
  async get(sessionId: string): Promise<SessionState> {
    const cached = this.#cache.get(sessionId);
    if (cached) return cached;
    return this.#reload(sessionId);
  }

  /** The session as stored now (a cached copy may be behind when the link to a shared store was lost). */
  refresh(sessionId: string): Promise<SessionState> {
    return this.#reload(sessionId);
  }

  /** Reads the session from the store again, keeping whichever of it and the cached one is newer. */
  async #reload(sessionId: string): Promise<SessionState> {
    const loaded = await this.#opts.store.load(sessionId);
    if (!loaded) throw notFound(`There is no session ${sessionId}.`);
    const cached = this.#cache.get(sessionId);
    if (cached && cached.version >= loaded.version) return cached;
    loaded.roster = rosterRecord(loaded.roster);
    this.#cache.set(sessionId, loaded);
    if (!this.#told.has(sessionId)) this.#told.set(sessionId, loaded);
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
    let state = await this.get(sessionId);
    let transition = decide(state, this.context(sessionId));
    // A command that changed nothing is neither stored nor sent to anyone.
    if (!transition || transition.state === state) return { state, audit: [], result: transition?.result ?? {} };
    let written: CommitSize;
    for (let attempt = 1; ; attempt++) {
      try {
        const changed = transition.changed ?? sessionDelta(state, transition.state);
        written = await this.#opts.store.commit(transition.state, state.version, transition.audit, transition.events, changed);
        break;
      } catch (error) {
        // Only another node commits this session behind this node's queue, and the feed brings its
        // change a moment later: rather than wait for it, read the newer version and decide once more
        // on it (the command is judged on what is true now). Several nodes may each be committing
        // (everyone joining at once, spread over them), so this goes on for a few rounds; a command
        // that still loses after that goes to the caller.
        if (!(error instanceof DomainError) || error.code !== 'CONFLICT' || !this.shared || attempt >= maxCommitAttempts) throw error;
        state = await this.#reload(sessionId);
        transition = decide(state, this.context(sessionId));
        if (!transition || transition.state === state) return { state, audit: [], result: transition?.result ?? {} };
      }
    }
    this.#opts.onCommit?.(written);
    if ((this.#cache.get(sessionId)?.version ?? 0) < transition.state.version) this.#cache.set(sessionId, transition.state);
    if (!this.shared) this.#tell({ state: transition.state, events: transition.events });
    return { state: transition.state, audit: transition.audit, result: transition.result ?? {} };
  }

  /**
   * A commit announced by the shared store (this node's or another's): only what changed, applied
   * to the version last told. A session this node never read is nobody's concern here; one whose
   * announcement does not follow on is read again (and later announcements wait for that).
   */
  #heard(change: CommittedChange): void {
    if (this.#closed || !this.#told.has(change.id)) return;
    if (this.#catchingUp.has(change.id)) this.#afterCatchingUp(change.id, () => this.#follow(change));
    else {
      const reading = this.#follow(change);
      if (reading) this.#afterCatchingUp(change.id, () => reading);
    }
  }

  /** Applies an announcement that follows on; otherwise reads the session again (the promise). */
  #follow(change: CommittedChange): Promise<void> | undefined {
    const told = this.#told.get(change.id)!;
    if (told.version >= change.version) return undefined;
    if (told.version !== change.fromVersion) {
      // Missed: the session as stored now is told, with this announcement's events if it is that version.
      return this.#reload(change.id).then((state) => {
        if (!this.#closed) this.#tell({ state, events: state.version === change.version ? change.events : [] });
      });
    }
    const cached = this.#cache.get(change.id);
    // This node's own commit is in the cache already, as the very object it committed.
    const state = cached?.version === change.version ? cached : applyDelta(told, change.changed);
    if ((cached?.version ?? 0) < state.version) this.#cache.set(change.id, state);
    this.#tell({ state, events: change.events });
    return undefined;
  }

  #afterCatchingUp(id: string, work: () => Promise<void> | undefined): void {
    const previous = this.#catchingUp.get(id) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => this.#opts.onError?.(error, id));
    this.#catchingUp.set(id, next);
    void next.then(() => {
      if (this.#catchingUp.get(id) === next) this.#catchingUp.delete(id);
    });
  }

  /** The link to the shared store was lost and is back: catch up on what the feed may have dropped. */
  async #resync(): Promise<void> {
    for (const id of [...this.#cache.keys()]) {
      try {
        const before = this.#told.get(id)?.version ?? 0;
        const state = await this.#reload(id);
        if (state.version > before) this.#tell({ state, events: [] });
      } catch (error) {
        this.#opts.onError?.(error, id);
      }
    }
  }

  /** Hands a change to the listeners and re-arms the session's clock, once per version, in order. */
  #tell(change: SessionChange): void {
    const { state } = change;
    if ((this.#told.get(state.id)?.version ?? 0) >= state.version) return;
    this.#told.set(state.id, state);
    this.#timers.arm(state);
    for (const listener of this.#listeners) listener(change);
  }

  auditLog(sessionId: string): Promise<AuditEntry[]> {
    return this.#opts.store.audit(sessionId);
  }

  /** After a restart: catch every unfinished session up with the time that passed, then arm its clock. */
  async resumeAll(): Promise<number> {
    const ids = await this.#opts.store.listActive();
    for (const id of ids) this.#timers.arm((await this.execute(id, (state, ctx) => letTimePass(state, ctx))).state);
    return ids.length;
  }

  /** Stops the clocks (giving up their leases) and waits for commands in flight to be stored. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unfollow();
    await this.#timers.close();
    await Promise.all([...this.#queues.values()]);
  }
}
