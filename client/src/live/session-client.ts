import { io, type Socket } from 'socket.io-client';
import { z, type ZodType } from 'zod';
import {
  AgendaCommand,
  BroadcastCommand,
  GroupsLockCommand,
  GroupsMoveCommand,
  GroupsPreviewCommand,
  FloorGiveCommand,
  HandCommand,
  HandLowerCommand,
  VoiceOnlyCommand,
  HandsClearCommand,
  HelpCallCommand,
  HelpCancelCommand,
  HelpUpdateCommand,
  InviteLinkRequest,
  ProfileCommand,
  ReportPresentCommand,
  ReportQueueCommand,
} from '../../../shared/commands';
import { ErrorBody } from '../../../shared/errors';
import { MediaPresence } from '../../../shared/media';
import { NotesActivity, NotesGrant, NotesScrollCommand, NotesScrollEvent, NotesTokenRequest } from '../../../shared/notes';
import {
  BroadcastEvent,
  HelpStatusEvent,
  MovedEvent,
  PROTOCOL_VERSION,
  ResyncResult,
  StateRevision,
  WarningEvent,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../shared/protocol';
import { Seat, SessionView, type OwnHelpCall } from '../../../shared/session';
import { SpeakingBalance } from '../../../shared/speaking';
import { ContributionSubmitCommand, ContributionWithdrawCommand, OwnVotes, QuestionTakeCommand, QuestionUpvoteCommand, VoteCastCommand } from '../../../shared/votes';
import { offsetFrom, type ClockSample } from './clock';
import { applyStatePatch, type HeldView } from './view-patches';

/** `tooManyWindows`: the invitation is open in as many windows as it may be; this one keeps trying. */
export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'tooManyWindows';

/** Why the session cannot be shown: the page says so instead of staying blank. */
export type Problem =
  | { kind: 'unauthorized' }
  | { kind: 'expired' }
  | { kind: 'protocol' }
  | { kind: 'missing-link' };

export interface Banner {
  id: string;
  text: string;
  from: string | null;
  groupId: string | null;
}

export interface LiveState {
  connection: Connection;
  problem: Problem | null;
  seat: Seat | null;
  view: SessionView | null;
  /** Add to Date.now() to read the server's clock. */
  offsetMs: number;
  /** The tightest round trip of the last clock sync (ms), null until measured: how far the server is. */
  rttMs: number | null;
  /** Moderators' broadcasts, newest last. */
  broadcasts: Banner[];
  /** The latest time warning of the current step. */
  warning: WarningEvent | null;
  /** Where the presenting rapporteur last brought everyone in the notes; `seq` counts the requests. */
  notesScroll: (NotesScrollEvent & { seq: number }) | null;
  /** Staff and observers: the latest activity of the breakout's notes, per group. */
  notesActivity: NotesActivity | null;
  /** Staff, with a media server: who is really connected to each call. */
  mediaPresence: MediaPresence | null;
  /** Staff, observers and facilitators: speaking time per member of the tables they watch. */
  speaking: SpeakingBalance | null;
  /** This person's own call for help and what became of it. */
  helpCall: OwnHelpCall | null;
  /** The moderator moved this person to another room of the current breakout. */
  moved: { from: string; to: string } | null;
  /** What this person gave: the questions they upvoted, their ballot in each vote (null until known). */
  ownVotes: OwnVotes | null;
}

/** Requests and events of the call, which the lazily loaded media code checks against its own schemas. */
export type MediaRequest = 'media:token' | 'media:join' | 'media:leave' | 'media:signal' | 'speaking:report';
export type MediaEvent = 'media:changed' | 'media:peers' | 'media:signal';

/** Every command the client sends, with the schema the server validates it against. */
const commands = {
  'agenda:command': AgendaCommand,
  'broadcast:send': BroadcastCommand,
  'help:call': HelpCallCommand,
  'help:update': HelpUpdateCommand,
  'help:cancel': HelpCancelCommand,
  'groups:preview': GroupsPreviewCommand,
  'groups:move': GroupsMoveCommand,
  'groups:lock': GroupsLockCommand,
  'profile:update': ProfileCommand,
  'hand:raise': HandCommand,
  'hand:lower': HandLowerCommand,
  'hands:clear': HandsClearCommand,
  'floor:give': FloorGiveCommand,
  'report:queue': ReportQueueCommand,
  'report:present': ReportPresentCommand,
  'member:voice-only': VoiceOnlyCommand,
  'notes:scroll': NotesScrollCommand,
  'contribution:send': ContributionSubmitCommand,
  'contribution:withdraw': ContributionWithdrawCommand,
  'question:upvote': QuestionUpvoteCommand,
  'question:take': QuestionTakeCommand,
  'vote:cast': VoteCastCommand,
} as const satisfies Partial<Record<keyof ClientToServerEvents, ZodType>>;
export type CommandName = keyof typeof commands;
export type CommandInput<N extends CommandName> = z.input<(typeof commands)[N]>;

const AckReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), serverNow: z.number(), result: z.unknown().optional() }),
  z.object({ ok: z.literal(false), serverNow: z.number(), error: ErrorBody }),
]);
const ProfileResult = z.object({ seat: Seat });
const SyncResult = z.object({ clientSentAt: z.number().nullable() });
const InviteLinkResult = z.object({ link: z.url() });
const Welcome = z.object({ seat: Seat, protocol: z.number().int(), serverNow: z.number() });

/** A refused or failed command: the server's code, or OFFLINE/TIMEOUT when it never got an answer. */
export interface CommandError {
  code: ErrorBody['code'] | 'OFFLINE' | 'TIMEOUT';
  message: string;
}
export type CommandResult = { ok: true; result: unknown } | { ok: false; error: CommandError };

const commandTimeoutMs = 10_000;
const syncSamples = 5;
const resyncEveryMs = 5 * 60_000;
const keptBroadcasts = 5;
const retryRefusedMs = 3000;

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One person's live session: the socket.io connection with its invite token, every message checked
 * against the shared zod contract, and the server clock offset measured with `time:sync`. Screens
 * read `state` and call `send`; after a drop socket.io reconnects and the server sends welcome and
 * state again, so the page follows the session without a reload.
 */
export class SessionClient {
  #state: LiveState = { connection: 'connecting', problem: null, seat: null, view: null, offsetMs: 0, rttMs: null, broadcasts: [], warning: null, notesScroll: null, notesActivity: null, speaking: null, mediaPresence: null, helpCall: null, moved: null, ownVotes: null };
  readonly #listeners = new Set<() => void>();
  readonly #socket: LiveSocket;
  readonly #window: Window;
  #measured = false;
  /** The view shown and the revision of its room it was built from; patches apply to it. */
  #held: HeldView | null = null;
  #resyncing = false;
  #resync: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #started = false;

  constructor(
    readonly url: string,
    readonly token: string,
    win: Window = window,
  ) {
    this.#window = win;
    this.#socket = io(url, {
      auth: { token, protocol: PROTOCOL_VERSION },
      transports: ['websocket', 'polling'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      autoConnect: false,
    });
    const socket = this.#socket;
    socket.on('connect', () => {
      this.#set({ connection: 'connected' });
      void this.syncClock();
    });
    socket.on('disconnect', (reason) => {
      if (this.#closed || this.#state.problem) return;
      this.#set({ connection: this.#window.navigator.onLine === false ? 'offline' : 'reconnecting' });
      // socket.io does not come back by itself from a disconnection the server chose (a revoked
      // link, a failed join): ask again, and the handshake says whether this link still opens the session.
      if (reason === 'io server disconnect') setTimeout(() => !this.#closed && !socket.active && socket.connect(), retryRefusedMs / 3);
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const body = ErrorBody.safeParse(error.data);
      if (body.success) {
        const code = body.data.code;
        if (code === 'PROTOCOL_MISMATCH') return this.#fail({ kind: 'protocol' });
        if (code === 'LINK_EXPIRED') return this.#fail({ kind: 'expired' });
        if (code === 'UNAUTHORIZED' || code === 'BAD_INPUT' || code === 'NOT_FOUND') return this.#fail({ kind: 'unauthorized' });
      }
      // A network failure: socket.io tries again by itself. A refusal it does not retry (the server
      // busy or failing, or this invitation open in too many windows) is tried again after a pause.
      if (!socket.active) setTimeout(() => !this.#closed && !socket.active && socket.connect(), retryRefusedMs);
      const tooManyWindows = body.success && body.data.code === 'CONFLICT';
      this.#set({ connection: this.#window.navigator.onLine === false ? 'offline' : tooManyWindows ? 'tooManyWindows' : 'reconnecting' });
    });
    socket.on('welcome', (payload) => {
      const welcome = Welcome.safeParse(payload);
      if (!welcome.success) return console.error('Roundtable: unexpected welcome', welcome.error);
      if (welcome.data.protocol !== PROTOCOL_VERSION) return this.#fail({ kind: 'protocol' });
      this.#set({ seat: welcome.data.seat, ...(this.#measured ? {} : { offsetMs: welcome.data.serverNow - Date.now() }) });
      // Upvotes and ballots are one's own, not in the shared view: asked for on every (re)join.
      void this.#ask('votes:mine', {}, OwnVotes).then((reply) => reply.ok && this.#set({ ownVotes: reply.result }));
    });
    socket.on('state', (payload, revision) => {
      const view = SessionView.safeParse(payload);
      if (!view.success) return console.error('Roundtable: unexpected state', view.error);
      const rev = StateRevision.safeParse(revision);
      // Without a revision no patch can follow it: the next one asks for the whole view again.
      this.#show({ view: view.data, rev: rev.success ? rev.data.rev : -1 });
    });
    socket.on('state:patch', (payload) => {
      if (this.#resyncing) return; // the whole view on its way includes this change
      const outcome = applyStatePatch(this.#held, payload);
      if (outcome.kind === 'applied') this.#show(outcome.held);
      else if (outcome.kind === 'resync') void this.resync();
    });
    socket.on('warning', (payload) => {
      const warning = WarningEvent.safeParse(payload);
      if (!warning.success) return console.error('Roundtable: unexpected warning', warning.error);
      this.#set({ warning: warning.data });
    });
    socket.on('broadcast', (payload) => {
      const event = BroadcastEvent.safeParse(payload);
      if (!event.success) return console.error('Roundtable: unexpected broadcast', event.error);
      const { id, text, from, groupId } = event.data;
      this.#set({ broadcasts: [...this.#state.broadcasts.filter((b) => b.id !== id), { id, text, from, groupId }].slice(-keptBroadcasts) });
    });
    socket.on('help:status', (payload) => {
      const event = HelpStatusEvent.safeParse(payload);
      if (!event.success) return console.error('Roundtable: unexpected help:status', event.error);
      this.#set({ helpCall: event.data.call });
    });
    socket.on('groups:moved', (payload) => {
      const event = MovedEvent.safeParse(payload);
      if (!event.success) return console.error('Roundtable: unexpected groups:moved', event.error);
      this.#set({ moved: { from: event.data.from, to: event.data.to } });
    });
    socket.on('notes:scroll', (payload) => {
      const event = NotesScrollEvent.safeParse(payload);
      if (!event.success) return console.error('Roundtable: unexpected notes:scroll', event.error);
      this.#set({ notesScroll: { ...event.data, seq: (this.#state.notesScroll?.seq ?? 0) + 1 } });
    });
    socket.on('notes:activity', (payload) => {
      const activity = NotesActivity.safeParse(payload);
      if (!activity.success) return console.error('Roundtable: unexpected notes:activity', activity.error);
      this.#set({ notesActivity: activity.data });
    });
    socket.on('media:presence', (payload) => {
      const presence = MediaPresence.safeParse(payload);
      if (!presence.success) return console.error('Roundtable: unexpected media:presence', presence.error);
      this.#set({ mediaPresence: presence.data });
    });
    socket.on('speaking:balance', (payload) => {
      const balance = SpeakingBalance.safeParse(payload);
      if (!balance.success) return console.error('Roundtable: unexpected speaking:balance', balance.error);
      this.#set({ speaking: balance.data });
    });
    this.#window.addEventListener('offline', this.#goneOffline);
    this.#window.addEventListener('online', this.#backOnline);
  }

  /** A request of the call (its payload is checked by the media code that sends it); resolves with the ack's result. */
  async mediaRequest(name: MediaRequest, payload: unknown): Promise<CommandResult> {
    if (!this.#socket.connected) return { ok: false, error: { code: 'OFFLINE', message: '' } };
    let raw: unknown;
    try {
      raw = await this.#socket.timeout(commandTimeoutMs).emitWithAck(name as 'media:join', payload);
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: '' } };
    }
    const reply = AckReply.safeParse(raw);
    if (!reply.success) return { ok: false, error: { code: 'INTERNAL', message: '' } };
    return reply.data.ok ? { ok: true, result: reply.data.result } : { ok: false, error: reply.data.error };
  }

  /** Listens to an event of the call, or to the live connection coming (back) up; returns the way to stop. */
  onMedia(event: MediaEvent | 'connect', listener: (payload: unknown) => void): () => void {
    const socket = this.#socket as unknown as { on(e: string, l: (p: unknown) => void): void; off(e: string, l: (p: unknown) => void): void };
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Opens the connection (once: the page may start it before the screens are shown). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#socket.connect();
    this.#resync = setInterval(() => void this.syncClock(), resyncEveryMs);
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#resync);
    this.#window.removeEventListener('offline', this.#goneOffline);
    this.#window.removeEventListener('online', this.#backOnline);
    this.#socket.disconnect();
  }

  get state(): LiveState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The server's clock now, as well as this client can tell. */
  serverNow(): number {
    return Date.now() + this.#state.offsetMs;
  }

  dismissMoved(): void {
    this.#set({ moved: null });
  }

  dismissBroadcast(id: string): void {
    this.#set({ broadcasts: this.#state.broadcasts.filter((b) => b.id !== id) });
  }

  /** Sends a command checked against the same schema the server applies; resolves with its ack. */
  async send<N extends CommandName>(name: N, payload: CommandInput<N>): Promise<CommandResult> {
    const parsed = (commands[name] as ZodType).safeParse(payload);
    if (!parsed.success) return { ok: false, error: { code: 'BAD_INPUT', message: parsed.error.issues.map((i) => i.message).join('; ') } };
    if (!this.#socket.connected) return { ok: false, error: { code: 'OFFLINE', message: '' } };
    let raw: unknown;
    try {
      // Every command event has the same (payload, ack) signature; one name stands for all of them.
      raw = await this.#socket.timeout(commandTimeoutMs).emitWithAck(name as 'agenda:command', parsed.data);
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: '' } };
    }
    const reply = AckReply.safeParse(raw);
    if (!reply.success) return { ok: false, error: { code: 'INTERNAL', message: '' } };
    if (!reply.data.ok) return { ok: false, error: reply.data.error };
    if (name === 'profile:update') {
      const profile = ProfileResult.safeParse(reply.data.result);
      if (profile.success) this.#set({ seat: profile.data.seat });
    }
    if (name === 'question:upvote' || name === 'vote:cast') {
      const mine = OwnVotes.safeParse(reply.data.result);
      if (mine.success) this.#set({ ownVotes: mine.data });
    }
    return { ok: true, result: reply.data.result };
  }

  /** Asks for a token to open one group's notes (the caller's own by default); the server decides read or write. */
  async notesGrant(request: z.input<typeof NotesTokenRequest>): Promise<{ ok: true; grant: NotesGrant } | { ok: false; error: CommandError }> {
    const reply = await this.#ask('notes:token', NotesTokenRequest.parse(request), NotesGrant);
    return reply.ok ? { ok: true, grant: reply.result } : reply;
  }

  /** A missing person's invitation link, issued again for the moderator to send them. */
  async inviteLink(memberId: string): Promise<{ ok: true; link: string } | { ok: false; error: CommandError }> {
    const reply = await this.#ask('invites:link', InviteLinkRequest.parse({ memberId }), InviteLinkResult);
    return reply.ok ? { ok: true, link: reply.result.link } : reply;
  }

  /** A request whose answer the client reads: acked, checked against `result`, errors by code. */
  async #ask<T>(event: 'notes:token' | 'invites:link' | 'votes:mine', payload: unknown, result: ZodType<T>): Promise<{ ok: true; result: T } | { ok: false; error: CommandError }> {
    if (!this.#socket.connected) return { ok: false, error: { code: 'OFFLINE', message: '' } };
    let raw: unknown;
    try {
      // These requests have the same (payload, ack) signature; one name stands for them.
      raw = await this.#socket.timeout(commandTimeoutMs).emitWithAck(event as 'notes:token', payload);
    } catch {
      return { ok: false, error: { code: 'TIMEOUT', message: '' } };
    }
    const reply = AckReply.safeParse(raw);
    if (!reply.success) return { ok: false, error: { code: 'INTERNAL', message: '' } };
    if (!reply.data.ok) return { ok: false, error: reply.data.error };
    const parsed = result.safeParse(reply.data.result);
    return parsed.success ? { ok: true, result: parsed.data } : { ok: false, error: { code: 'INTERNAL', message: '' } };
  }

  /**
   * Asks for the whole view again (after a missed or failed patch); patches that arrive meanwhile
   * are dropped, as the view that comes back includes them. Resolves once it is shown or refused.
   */
  async resync(): Promise<void> {
    if (this.#resyncing || !this.#socket.connected) return;
    this.#resyncing = true;
    try {
      const raw = await this.#socket.timeout(commandTimeoutMs).emitWithAck('state:resync', {});
      const reply = AckReply.safeParse(raw);
      if (!reply.success || !reply.data.ok) return;
      const result = ResyncResult.safeParse(reply.data.result);
      // A whole view of a newer revision (a change of audience) may have come in the meantime.
      if (result.success && (!this.#held || result.data.rev >= this.#held.rev)) this.#show(result.data);
    } catch {
      // No answer: the next patch finds the view behind and asks again.
    } finally {
      this.#resyncing = false;
    }
  }

  /** A new view: a new step starts with a clean slate, as the last step's warning and messages no longer apply. */
  #show(held: HeldView): void {
    const previous = this.#state.view;
    this.#held = held;
    const stepMoved = previous !== null && previous.stepIndex !== held.view.stepIndex;
    this.#set({ view: held.view, ...(stepMoved ? { warning: null, broadcasts: [], notesScroll: null, notesActivity: null, speaking: null, moved: null } : {}) });
  }

  /** Measures the server clock offset with a few round trips and keeps the tightest. */
  async syncClock(): Promise<void> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < syncSamples && this.#socket.connected; i++) {
      const sentAt = Date.now();
      let raw: unknown;
      try {
        raw = await this.#socket.timeout(commandTimeoutMs).emitWithAck('time:sync', { clientSentAt: sentAt });
      } catch {
        return;
      }
      const receivedAt = Date.now();
      const reply = AckReply.safeParse(raw);
      if (!reply.success || !reply.data.ok || !SyncResult.safeParse(reply.data.result).success) continue;
      samples.push({ sentAt, receivedAt, serverNow: reply.data.serverNow });
    }
    const best = offsetFrom(samples);
    if (!best) return;
    this.#measured = true;
    this.#set({ offsetMs: Math.round(best.offsetMs), rttMs: Math.round(best.rttMs) });
  }

  readonly #goneOffline = () => {
    // Browsers keep a dead WebSocket open for a while; leave now and come back when the network does.
    if (this.#closed || this.#state.problem) return;
    this.#socket.disconnect();
    this.#set({ connection: 'offline' });
  };

  readonly #backOnline = () => {
    if (this.#closed || this.#state.problem) return;
    if (!this.#socket.connected) {
      this.#set({ connection: 'reconnecting' });
      this.#socket.connect();
    }
  };

  #fail(problem: Problem): void {
    this.#socket.disconnect();
    this.#set({ problem, connection: 'offline' });
  }

  #set(patch: Partial<LiveState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
