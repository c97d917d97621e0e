import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { ZodType } from 'zod';
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
import { MediaTokenRequest, MeshJoin, MeshSignalOut, type MediaPresence } from '../../../shared/media';
import { SpeakingReport } from '../../../shared/speaking';
import { NotesScrollCommand, NotesTokenRequest, type NotesActivity, type NotesGrant } from '../../../shared/notes';
import { PROTOCOL_VERSION, Handshake, ResyncRequest, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/protocol';
import type { Invites } from '../access/invites';
import { driveAgenda } from '../domain/agenda';
import { sendBroadcast } from '../domain/broadcasts';
import { systemClock, type Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';
import { lockGroups, moveMember, previewGroups } from '../domain/group-preview';
import { callForHelp, cancelHelpCall, handleHelpCall, isClosed, ownHelpCall } from '../domain/help-calls';
import { scrollNotes } from '../domain/notes-access';
import { markVoiceOnly } from '../domain/voice-only';
import { giveFloor, lowerAllHands, lowerHand, raiseHand } from '../domain/plenary';
import { updateProfile } from '../domain/profile';
import { orderReportQueue, presentGroup } from '../domain/report-back';
import { arrive, hasJoined } from '../domain/presence';
import { inviteLinkSubject } from '../domain/attendance';
import { TokenBucket } from '../access/token-bucket';
import { InvitationLimits, defaultLiveLimits } from '../access/invitation-limits';
import { admit, type LinkClaims } from '../domain/admission';
import type { Actor } from '../domain/roles';
import { memberOf, type SessionState } from '../domain/session';
import { moderatorLinkId } from '../domain/roster';
import type { Context, Transition } from '../domain/transition';
import { SessionRendering, seatOf, type Audience } from '../domain/views';
import { sendContribution, takeQuestion, upvoteQuestion, withdrawContribution } from '../domain/contributions';
import { castVote, ownVotes } from '../domain/votes';
import { ContributionSubmitCommand, ContributionWithdrawCommand, QuestionTakeCommand, QuestionUpvoteCommand, VoteCastCommand } from '../../../shared/votes';
import { inBreakout } from '../domain/session';
import { watchesSpeaking } from '../domain/speaking-balance';
import type { LivekitMedia } from '../media/livekit-media';
import type { MeshMedia } from '../media/mesh-media';
import type { MeshConnection } from '../media/mesh-signalling';
import type { SpeakingLedger } from '../media/speaking-ledger';
import type { PresenceTracker } from '../sessions/presence';
import type { SessionChange, SessionHost } from '../sessions/session-host';
import { isUnexpected, toErrorBody } from './errors';
import { ViewRevisions } from './view-revisions';

interface SocketData {
  sessionId: string;
  actor: Actor;
  /** What the link said: checked against the roster again on every change and command. */
  claims: LinkClaims;
  audience: Audience | null;
  /** Whether this connection counts in presence: only once its person has joined. */
  counted: boolean;
  /** The language this socket reads the agenda in (null: every language, for staff and observers). */
  language: string | null;
  /** When the link stops working, and the timer that then closes the connection. */
  expiry?: { at: number; cancel: () => void };
  /**
   * What its admission and audience were last decided from: while its roster entry is the same
   * object and the session's placement the same, a change decides nothing anew for this socket.
   */
  decidedFrom?: { member: unknown; placement: string };
}
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface LiveDeps {
  host: SessionHost;
  invites: Invites;
  presence: PresenceTracker;
  clock: Clock;
  logger: Logger;
  /** Presence-only changes are coalesced into one re-render per session per this many ms. */
  presenceIntervalMs?: number;
  /** Command budgets and connection caps, shared with the REST API (defaults when absent). */
  allowance?: InvitationLimits<object>;
  /**
   * After a change is sent, later changes of the session within this many ms go out together, as
   * one patch per audience when the window closes (0: each change at once).
   */
  stateWindowMs?: number;
  /** The timer of that window: wall-clock time, whatever clock the session itself runs on. */
  stateWindowClock?: Pick<Clock, 'setTimer'>;
  /** Notes activity is coalesced into one message per session per this many ms. */
  notesActivityIntervalMs?: number;
  /**
   * Several nodes: the socket.io adapter that carries rooms and broadcasts between them (with
   * connection state recovery on). Each node renders a change for its own sockets only.
   */
  cluster?: { adapter: NonNullable<ServerOptions['adapter']> };
  /** Counts what is sent, for /metrics. */
  onDelivered?: (event: string, sockets: number) => void;
  /** The groups' shared notes: tokens to open them, and what happens in them (for the staff). */
  notes?: {
    grant(sessionId: string, actor: Actor, request: NotesTokenRequest): Promise<NotesGrant>;
    activity(state: SessionState): Pick<NotesActivity, 'stepIndex' | 'groups'> | null;
    onActivity(listener: (sessionId: string) => void): () => void;
  };
  /** Calls by a browser mesh (no media server): tickets and the signalling between peers. */
  mesh?: MeshMedia;
  /** Speaking time per table: members report their own, watchers hear the balance. */
  speaking?: SpeakingLedger;
  /** Calls by a LiveKit server (when configured): tickets, grants kept current, who is connected. */
  livekit?: Pick<LivekitMedia, 'ticket' | 'forget' | 'onChanged' | 'presence' | 'onPresence'>;
  /** Media presence is coalesced into one message per session per this many ms. */
  mediaPresenceIntervalMs?: number;
}

/** How long after a change others of the same session are held back to go out together. */
export const defaultStateWindowMs = 40;
/** A patch of more operations than this goes out as the whole view instead. */
const maxPatchOps = 500;

const everyone = (sessionId: string) => `s:${sessionId}`;
/**
 * What, beside a person's own roster entry, decides whether their link still opens the session and
 * what they see: the moderator link's version, the languages, whether (and when) the session ended
 * (links expire some days after), and during a breakout who sits where.
 */
const placementKey = (state: SessionState) =>
  `${state.moderatorTokenVersion}|${state.languages.join(',')}|${state.status === 'ended' ? `ended@${state.endedAt ?? state.updatedAt}` : 'on'}|${inBreakout(state) ? state.groups.map((g) => `${g.id}:${g.members.join(',')}`).join(';') : 'plenary'}`;
const audienceRoom = (sessionId: string, audience: Audience) => `s:${sessionId}:${audience}`;
/** Within an audience, those who read the agenda in one language. */
const languageRoom = (sessionId: string, audience: Audience, language: string | null) => `${audienceRoom(sessionId, audience)}@${language ?? '*'}`;
/** Audiences that see every group, and so the notes' activity. */
const seesAllGroups = (audience: Audience | null) => audience === 'staff' || audience === 'observers';

/**
 * The live session over socket.io: join with an invite token, receive the session as one view per
 * audience after every change, send commands with acks. Every rule is the domain's.
 */
export function attachLive(httpServer: HttpServer, deps: LiveDeps): { io: Server; close: () => Promise<void> } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    // Other upgrades on this HTTP server (the notes' y-websocket path) are not socket.io's to drop.
    destroyUpgrade: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 25_000,
    ...(deps.cluster
      ? {
          adapter: deps.cluster.adapter,
          // A client that drops for a moment gets back its rooms and what it missed, on any node.
          connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
        }
      : {}),
  });
  const delivered = deps.onDelivered ?? (() => undefined);
  const sockets = new Map<string, Set<LiveSocket>>();
  const presenceTimers = new Map<string, () => void>();
  const presenceInterval = deps.presenceIntervalMs ?? 500;
  const activityTimers = new Map<string, () => void>();
  const activityInterval = deps.notesActivityIntervalMs ?? 2000;
  const allowance = deps.allowance ?? new InvitationLimits<object>(deps.clock, defaultLiveLimits);
  const tooManyConnections = (subject: string) =>
    new DomainError(
      'CONFLICT',
      `This invitation is already open in ${allowance.capOf(subject)} windows or devices; close one of them and this one connects by itself.`,
    );
  const mediaTimers = new Map<string, () => void>();
  const mediaInterval = deps.mediaPresenceIntervalMs ?? 1000;
  const revisions = new ViewRevisions();
  const stateWindow = deps.stateWindowMs ?? defaultStateWindowMs;
  const windowClock = deps.stateWindowClock ?? systemClock;
  /** Sessions whose last change went out less than a window ago, with the newest state held back since. */
  const windows = new Map<string, { held: SessionState | null; cancel: () => void }>();
  /** The version each session was last sent at from this node. */
  const published = new Map<string, number>();

  io.use(async (socket, next) => {
    try {
      const handshake = Handshake.safeParse(socket.handshake.auth);
      if (!handshake.success) throw new DomainError('BAD_INPUT', 'Connect with { token, protocol } in the handshake auth.');
      if (handshake.data.protocol !== PROTOCOL_VERSION) {
        throw new DomainError('PROTOCOL_MISMATCH', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update the app.`);
      }
      const claims = await deps.invites.claimsOf(handshake.data.token);
      const state = await deps.host.get(claims.sid);
      const actor = deps.invites.admitted(state, claims);
      if (!allowance.mayConnect(claims.sid, claims.sub)) throw tooManyConnections(claims.sub);
      socket.data = { sessionId: claims.sid, actor, claims, audience: null, counted: false, language: null };
      next();
    } catch (error) {
      const body = toErrorBody(error);
      if (isUnexpected(error)) deps.logger.error({ err: error }, 'socket handshake failed');
      next(Object.assign(new Error(body.message), { data: body }));
    }
  });

  io.on('connection', (socket: LiveSocket) => {
    const { sessionId, actor, claims } = socket.data;
    // Checked again now that it counts: connections of one invitation may have raced through the handshake.
    if (!allowance.connected(sessionId, claims.sub, socket)) {
      deps.logger.info({ sessionId }, 'connection over the invitation\'s cap closed');
      socket.disconnect(true);
      return;
    }
    const members = sockets.get(sessionId) ?? new Set();
    sockets.set(sessionId, members);
    members.add(socket);
    void socket.join(everyone(sessionId));

    socket.on('disconnect', () => {
      socket.data.expiry?.cancel();
      allowance.disconnected(sessionId, claims.sub, socket);
      deps.mesh?.forget(socket.id);
      members.delete(socket);
      if (members.size === 0) {
        sockets.delete(sessionId);
        published.delete(sessionId);
      }
      deps.livekit?.forget(socket.id);
      if (socket.data.counted && deps.presence.disconnect(sessionId, actor.memberId!)) schedulePresence(sessionId);
    });

    // A stuck button or a misbehaving client must not flood the session's command queue, nor can
    // more tabs of one invitation send more: its budget is shared, and so is the session's.
    const budget = allowance.connectionBudget();
    // A call's set-up sends a burst of ICE candidates per peer; speaking time comes every few seconds.
    const signalAllowance = new TokenBucket(deps.clock, 50, 120);
    const speakingAllowance = new TokenBucket(deps.clock, 1, 3);
    // A notes token is signed without touching the session's queue, and every member of every group
    // asks for one the moment the rooms open: the session's budget would refuse most of a large
    // event, so each connection has its own (a few at once: a group, a plenary's notes, a reload).
    const notesTokenAllowance = new TokenBucket(deps.clock, 1, 5);
    /** Every command and request: rate-limited, acked with `{ ok, serverNow }` or a coded error. */
    const request =
      <T>(run: (payload: unknown) => Promise<T> | T, bucket?: TokenBucket) =>
      async (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: Ack<T>) => void) : () => undefined;
        try {
          const allowed = bucket ? bucket.take() : allowance.allow(sessionId, claims.sub, budget);
          if (!allowed) throw new DomainError('RATE_LIMITED', 'Too many commands at once; wait a moment and try again.');
          reply({ ok: true, serverNow: deps.clock.now(), result: await run(payload) });
        } catch (error) {
          if (isUnexpected(error)) deps.logger.error({ err: error, sessionId }, 'socket command failed');
          reply({ ok: false, serverNow: deps.clock.now(), error: toErrorBody(error) });
        }
      };
    /** A command changes the session: validated, then decided by the domain for someone still admitted. */
    const command = <T>(
      schema: ZodType<T>,
      decide: (state: SessionState, input: T, ctx: Context) => Transition,
      result?: (state: SessionState) => unknown,
    ) =>
      request(async (payload) => {
        const input = schema.parse(payload);
        const { state } = await deps.host.execute(sessionId, (s, ctx) => {
          if (!stillAdmitted(socket, s)) throw new DomainError('UNAUTHORIZED', 'This invitation has been revoked.');
          return decide(s, input, ctx);
        });
        return result?.(state);
      });
    socket.on('agenda:command', command(AgendaCommand, (s, c, ctx) => driveAgenda(s, actor, c, ctx)));
    socket.on('broadcast:send', command(BroadcastCommand, (s, c, ctx) => sendBroadcast(s, actor, c, ctx)));
    socket.on('help:call', command(HelpCallCommand, (s, c, ctx) => callForHelp(s, actor, c, ctx)));
    socket.on('help:update', command(HelpUpdateCommand, (s, c, ctx) => handleHelpCall(s, actor, c, ctx)));
    socket.on('help:cancel', command(HelpCancelCommand, (s, c, ctx) => cancelHelpCall(s, actor, c, ctx)));
    socket.on('groups:preview', command(GroupsPreviewCommand, (s, c, ctx) => previewGroups(s, actor, c, ctx)));
    socket.on('groups:move', command(GroupsMoveCommand, (s, c, ctx) => moveMember(s, actor, c, ctx)));
    socket.on('groups:lock', command(GroupsLockCommand, (s, c, ctx) => lockGroups(s, actor, c, ctx)));
    socket.on('hand:raise', command(HandCommand, (s, c, ctx) => raiseHand(s, actor, c, ctx)));
    socket.on('hand:lower', command(HandLowerCommand, (s, c, ctx) => lowerHand(s, actor, c, ctx)));
    socket.on('hands:clear', command(HandsClearCommand, (s, c, ctx) => lowerAllHands(s, actor, c, ctx)));
    socket.on('floor:give', command(FloorGiveCommand, (s, c, ctx) => giveFloor(s, actor, c, ctx)));
    socket.on('report:queue', command(ReportQueueCommand, (s, c, ctx) => orderReportQueue(s, actor, c, ctx)));
    socket.on('member:voice-only', command(VoiceOnlyCommand, (s, c, ctx) => markVoiceOnly(s, actor, c, ctx)));
    socket.on('report:present', command(ReportPresentCommand, (s, c, ctx) => presentGroup(s, actor, c, ctx)));
    socket.on('contribution:send', command(ContributionSubmitCommand, (s, c, ctx) => sendContribution(s, actor, c, ctx), (s) => ({ id: `c${s.sequence}` })));
    socket.on('contribution:withdraw', command(ContributionWithdrawCommand, (s, c, ctx) => withdrawContribution(s, actor, c, ctx)));
    socket.on('question:take', command(QuestionTakeCommand, (s, c, ctx) => takeQuestion(s, actor, c, ctx)));
    // Upvotes and ballots are not in the shared view: the ack tells the person what they now gave.
    socket.on('question:upvote', command(QuestionUpvoteCommand, (s, c, ctx) => upvoteQuestion(s, actor, c, ctx), (s) => ownVotes(s, actor.memberId)));
    socket.on('vote:cast', command(VoteCastCommand, (s, c, ctx) => castVote(s, actor, c, ctx), (s) => ownVotes(s, actor.memberId)));
    socket.on(
      'votes:mine',
      request(async () => ownVotes(await deps.host.get(sessionId), actor.memberId)),
    );
    socket.on(
      'profile:update',
      request(async (payload) => {
        const input = ProfileCommand.parse(payload);
        const { state } = await deps.host.execute(sessionId, (s, ctx) => {
          if (!stillAdmitted(socket, s)) throw new DomainError('UNAUTHORIZED', 'This invitation has been revoked.');
          return updateProfile(s, actor, input, ctx);
        });
        // Joining is what takes a seat: every open tab of this person now counts, and a
        // breakout under way seats them.
        if (actor.memberId && hasJoined(state, actor.memberId)) {
          for (const other of connectionsOf(sessionId, actor.memberId)) countIn(other);
          await deps.host.execute(sessionId, (s, ctx) => arrive(s, actor, ctx));
        }
        return { seat: seatOf(await deps.host.get(sessionId), actor) };
      }),
    );
    socket.on(
      'notes:token',
      request(async (payload) => {
        if (!deps.notes) throw new DomainError('NOT_FOUND', 'This server keeps no shared notes.');
        return deps.notes.grant(sessionId, actor, NotesTokenRequest.parse(payload ?? undefined));
      }, notesTokenAllowance),
    );
    socket.on(
      'invites:link',
      request(async (payload) => {
        const input = InviteLinkRequest.parse(payload);
        const state = await deps.host.get(sessionId);
        if (!stillAdmitted(socket, state)) throw new DomainError('UNAUTHORIZED', 'This invitation has been revoked.');
        return { link: (await deps.invites.issue(state, inviteLinkSubject(state, actor, input))).link };
      }),
    );
    socket.on(
      'notes:scroll',
      request(async (payload) => {
        const { stepIndex, groupId, heading } = scrollNotes(await deps.host.get(sessionId), actor, NotesScrollCommand.parse(payload));
        io.to(everyone(sessionId)).emit('notes:scroll', { stepIndex, groupId, heading, from: actor.name, serverNow: deps.clock.now() });
        return undefined;
      }),
    );
    /** The session as it is now, for someone still admitted to it. */
    const admittedState = async () => {
      const state = await deps.host.get(sessionId);
      if (!stillAdmitted(socket, state)) throw new DomainError('UNAUTHORIZED', 'This invitation has been revoked.');
      return state;
    };
    const meshConnection: MeshConnection = {
      id: socket.id,
      memberId: actor.memberId,
      name: actor.name,
      send: (event: 'media:peers' | 'media:signal', payload: never) => socket.emit(event, payload),
    };
    const mesh = () => {
      if (!deps.mesh) throw new DomainError('NOT_FOUND', 'This server carries calls by a media server.');
      return deps.mesh;
    };
    socket.on(
      'media:token',
      request(async (payload) => {
        const request = MediaTokenRequest.parse(payload ?? undefined);
        if (deps.livekit) {
          await admittedState();
          return deps.livekit.ticket(socket.id, sessionId, actor, request);
        }
        const media = mesh();
        const state = await admittedState();
        return media.ticket(state, deps.presence.present(sessionId), actor, request, meshConnection);
      }),
    );
    socket.on('media:join', request((payload) => mesh().signalling.join(socket.id, MeshJoin.parse(payload).peerId), signalAllowance));
    socket.on('media:leave', request(() => mesh().signalling.leave(socket.id), signalAllowance));
    socket.on('media:signal', request((payload) => mesh().signalling.signal(socket.id, MeshSignalOut.parse(payload)), signalAllowance));
    socket.on(
      'speaking:report',
      request(async (payload) => {
        if (!deps.speaking) throw new DomainError('NOT_FOUND', 'This server keeps no speaking balance.');
        const report = SpeakingReport.parse(payload);
        await deps.speaking.report(await admittedState(), actor, report);
        return undefined;
      }, speakingAllowance),
    );
    socket.on(
      'state:resync',
      request(async (payload) => {
        ResyncRequest.parse(payload ?? undefined);
        const state = await admittedState();
        const { audience, language } = socket.data;
        if (!audience) throw new DomainError('CONFLICT', 'Still joining: the whole view comes by itself in a moment.');
        return revisions.current(languageRoom(sessionId, audience, language), () =>
          new SessionRendering(state, deps.presence.present(sessionId), deps.clock.now()).view(audience, language),
        );
      }),
    );
    socket.on('time:sync', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const sentAt = (payload as { clientSentAt?: unknown } | null)?.clientSentAt;
      ack({ ok: true, serverNow: deps.clock.now(), result: { clientSentAt: typeof sentAt === 'number' ? sentAt : null } });
    });

    void (async () => {
      try {
        const { state } = await deps.host.execute(sessionId, (s, ctx) => arrive(s, actor, ctx));
        if (!socket.connected) return;
        watchExpiry(socket, state);
        if (actor.memberId && hasJoined(state, actor.memberId)) countIn(socket);
        socket.emit('welcome', {
          seat: seatOf(state, actor),
          protocol: PROTOCOL_VERSION,
          serverNow: deps.clock.now(),
        });
        const rendering = new SessionRendering(state, deps.presence.present(sessionId), deps.clock.now());
        const { audience, language } = placementOf(socket, rendering);
        enter(socket, state.id, audience, language, rendering);
        // Back after a reload or a drop: a call still waiting or on its way is shown again.
        const call = actor.memberId ? ownHelpCall(state, actor.memberId) : null;
        if (call && !isClosed(call)) socket.emit('help:status', { call, serverNow: deps.clock.now() });
        if (seesAllGroups(socket.data.audience)) {
          const activity = notesActivity(state);
          if (activity) socket.emit('notes:activity', activity);
        }
        if (socket.data.audience === 'staff') {
          const media = mediaPresence(sessionId);
          if (media) socket.emit('media:presence', media);
        }
      } catch (error) {
        deps.logger.error({ err: error, sessionId }, 'joining the session failed');
        socket.disconnect(true);
      }
    })();
  });

  /** Every open connection of one person (tabs, devices) to a session. */
  function connectionsOf(sessionId: string, memberId: string): LiveSocket[] {
    return [...(sockets.get(sessionId) ?? [])].filter((s) => s.data.actor.memberId === memberId);
  }

  /** From now on this connection counts in presence (its person has joined); once per connection. */
  function countIn(socket: LiveSocket): void {
    if (socket.data.counted || !socket.data.actor.memberId || !socket.connected) return;
    socket.data.counted = true;
    if (deps.presence.connect(socket.data.sessionId, socket.data.actor.memberId)) schedulePresence(socket.data.sessionId);
  }

  /** What the socket should see now: its audience, and the language it reads the agenda in. */
  function placementOf(socket: LiveSocket, rendering: SessionRendering): { audience: Audience; language: string | null } {
    const audience = rendering.audienceOf(socket.data.actor);
    return { audience, language: rendering.contentLanguageOf(socket.data.actor, audience) };
  }

  function leave(socket: LiveSocket, sessionId: string): void {
    if (!socket.data.audience) return;
    void socket.leave(audienceRoom(sessionId, socket.data.audience));
    void socket.leave(languageRoom(sessionId, socket.data.audience, socket.data.language));
  }

  /** Puts the socket in the rooms of what it sees and sends it the whole view its room holds now. */
  function enter(socket: LiveSocket, sessionId: string, audience: Audience, language: string | null, rendering: SessionRendering): void {
    const room = languageRoom(sessionId, audience, language);
    void socket.join(audienceRoom(sessionId, audience));
    void socket.join(room);
    socket.data.audience = audience;
    socket.data.language = language;
    // The room's view as its members hold it, which the next patch starts from (a change held back
    // in the window brings it up to date).
    const { rev, view } = revisions.current(room, () => rendering.view(audience, language));
    socket.emit('state', view, { rev });
    delivered('state', 1);
  }

  /**
   * Reads who the socket speaks for from the session as it is now, as the REST API does on every
   * request: a role changed by a roster import applies at once; a revoked link is disconnected.
   */
  function stillAdmitted(socket: LiveSocket, state: SessionState): boolean {
    try {
      // In place: the socket's command handlers hold this object.
      Object.assign(socket.data.actor, admit(state, socket.data.claims));
      watchExpiry(socket, state);
      return true;
    } catch {
      socket.disconnect(true);
      return false;
    }
  }

  /**
   * An open connection ends when its link expires (its own expiry, or some days after the session
   * ended), as a new one would be refused then: the client's reconnect is told LINK_EXPIRED.
   */
  function watchExpiry(socket: LiveSocket, state: SessionState): void {
    const at = deps.invites.expiresAt(state, socket.data.claims);
    if (socket.data.expiry?.at === at) return;
    socket.data.expiry?.cancel();
    if (at === null) {
      delete socket.data.expiry;
      return;
    }
    socket.data.expiry = { at, cancel: deps.clock.setTimer(() => socket.disconnect(true), at - deps.clock.now()) };
  }

  /**
   * A change to send: at once when the session is quiet, else held until its window closes, so a
   * burst of commits (hundreds joining at once) costs each client one patch per window. A change
   * that announces something (a move, a broadcast) goes at once: its event must follow its view.
   */
  function changed(state: SessionState, urgent: boolean): void {
    // A presence refresh reads the session asynchronously: one a newer change overtook has nothing to add.
    if (state.version < (published.get(state.id) ?? -1)) return;
    if (stateWindow <= 0) return publish(state);
    const open = windows.get(state.id);
    if (open && !urgent) {
      if (!open.held || open.held.version <= state.version) open.held = state;
      return;
    }
    if (open) open.held = null;
    publish(state);
    if (!open) openWindow(state.id);
  }

  function openWindow(sessionId: string): void {
    const window: { held: SessionState | null; cancel: () => void } = { held: null, cancel: () => undefined };
    windows.set(sessionId, window);
    window.cancel = windowClock.setTimer(() => {
      windows.delete(sessionId);
      if (!window.held) return;
      publish(window.held);
      openWindow(sessionId);
    }, stateWindow);
  }

  /**
   * One render per audience, and to each of its rooms the patch from the view that room was sent
   * last: the cost of a change grows with rooms, not people, and so do the bytes each person gets.
   * A socket whose audience changes gets its new room's whole view instead.
   */
  function publish(state: SessionState): void {
    published.set(state.id, state.version);
    const present = deps.presence.present(state.id);
    const rendering = new SessionRendering(state, present, deps.clock.now());
    const rooms = new Map<string, { audience: Audience; language: string | null }>();
    const moving: Array<{ socket: LiveSocket; audience: Audience; language: string | null }> = [];
    const placement = placementKey(state);
    for (const socket of sockets.get(state.id) ?? []) {
      // Most changes touch one roster entry or none: only a socket whose entry (or the session's
      // placement) changed is admitted and placed again, so a change costs what it touched.
      const member = socket.data.claims.sub === moderatorLinkId ? null : memberOf(state, socket.data.claims.sub);
      const decided = socket.data.decidedFrom;
      const same = decided !== undefined && member !== undefined && decided.member === member && decided.placement === placement;
      if (!same && !stillAdmitted(socket, state)) continue;
      // A new phase, the floor or the plenary's size may change who this connection hears and may speak to.
      if (deps.mesh?.refresh(state, present, socket.data.actor, socket.id)) socket.emit('media:changed', { serverNow: deps.clock.now() });
      if (!socket.data.audience) continue; // still joining; it gets the state when it is placed
      if (same) {
        rooms.set(languageRoom(state.id, socket.data.audience, socket.data.language), { audience: socket.data.audience, language: socket.data.language });
        continue;
      }
      socket.data.decidedFrom = { member, placement };
      const placed = placementOf(socket, rendering);
      rooms.set(languageRoom(state.id, placed.audience, placed.language), placed);
      if (placed.audience !== socket.data.audience || placed.language !== socket.data.language) {
        leave(socket, state.id);
        moving.push({ socket, ...placed });
      }
    }
    // Every node hears every change and renders it for its own sockets: `local`, or a client would
    // get the change once per node through the adapter.
    for (const [room, { audience, language }] of rooms) {
      const view = rendering.view(audience, language);
      const patch = revisions.advance(room, view);
      if (!patch) continue;
      // A list that shifted (the staff's missing people as hundreds arrive) patches item by item:
      // past a point the whole view is the smaller message.
      const whole = patch.ops.length > maxPatchOps;
      if (whole) io.local.to(room).emit('state', view, { rev: patch.rev });
      else io.local.to(room).emit('state:patch', patch);
      delivered(whole ? 'state' : 'state:patch', io.sockets.adapter.rooms.get(room)?.size ?? 0);
    }
    for (const { socket, audience, language } of moving) enter(socket, state.id, audience, language, rendering);
    const prefix = `${everyone(state.id)}:`;
    for (const room of [...revisions.rooms()]) if (room.startsWith(prefix) && !rooms.has(room)) revisions.forget(room);
  }

  function schedulePresence(sessionId: string): void {
    if (presenceTimers.has(sessionId)) return;
    presenceTimers.set(
      sessionId,
      deps.clock.setTimer(() => {
        presenceTimers.delete(sessionId);
        deps.host.get(sessionId).then(
          (state) => changed(state, false),
          (error: unknown) => deps.logger.error({ err: error, sessionId }, 'presence update failed'),
        );
      }, presenceInterval),
    );
  }

  function notesActivity(state: SessionState): NotesActivity | null {
    const activity = deps.notes?.activity(state);
    return activity ? { sessionId: state.id, ...activity, serverNow: deps.clock.now() } : null;
  }

  /** Notes activity changes with every keystroke: staff and observers get it at most once per interval. */
  function scheduleActivity(sessionId: string): void {
    if (activityTimers.has(sessionId)) return;
    activityTimers.set(
      sessionId,
      deps.clock.setTimer(() => {
        activityTimers.delete(sessionId);
        deps.host.get(sessionId).then(
          (state) => {
            const activity = notesActivity(state);
            if (activity) io.local.to(audienceRoom(sessionId, 'staff')).to(audienceRoom(sessionId, 'observers')).emit('notes:activity', activity);
          },
          (error: unknown) => deps.logger.error({ err: error, sessionId }, 'notes activity update failed'),
        );
      }, activityInterval),
    );
  }
  const unsubscribeActivity = deps.notes?.onActivity(scheduleActivity) ?? (() => undefined);
  const unsubscribePresence = deps.presence.onRemoteChange?.(schedulePresence) ?? (() => undefined);

  /** The staff see every table's balance; each facilitator sees their own table's. */
  async function sendBalance(sessionId: string): Promise<void> {
    const state = await deps.host.get(sessionId);
    if (!deps.speaking || !inBreakout(state)) return;
    const { stepIndex, groups } = await deps.speaking.balance(state);
    const base = { stepIndex, shareLimit: deps.speaking.shareLimit, serverNow: deps.clock.now() };
    io.to(audienceRoom(sessionId, 'staff')).to(audienceRoom(sessionId, 'observers')).emit('speaking:balance', { ...base, groups });
    for (const socket of sockets.get(sessionId) ?? []) {
      const audience = socket.data.audience;
      if (!audience?.startsWith('group:')) continue;
      const own = groups.filter((g) => watchesSpeaking(state, socket.data.actor, g.groupId));
      if (own.length > 0) socket.emit('speaking:balance', { ...base, groups: own });
    }
  }
  const unsubscribeBalance =
    deps.speaking?.onBalance((sessionId) => {
      sendBalance(sessionId).catch((error: unknown) => deps.logger.error({ err: error, sessionId }, 'speaking balance update failed'));
    }) ?? (() => undefined);
  function mediaPresence(sessionId: string): MediaPresence | null {
    const rooms = deps.livekit?.presence(sessionId);
    return rooms ? { sessionId, rooms, serverNow: deps.clock.now() } : null;
  }
  /** Who is connected to the calls, for the staff's console: at most once per interval per session. */
  function scheduleMediaPresence(sessionId: string): void {
    if (mediaTimers.has(sessionId)) return;
    mediaTimers.set(
      sessionId,
      deps.clock.setTimer(() => {
        mediaTimers.delete(sessionId);
        const media = mediaPresence(sessionId);
        if (media) io.to(audienceRoom(sessionId, 'staff')).emit('media:presence', media);
      }, mediaInterval),
    );
  }
  const unsubscribeMediaPresence = deps.livekit?.onPresence(scheduleMediaPresence) ?? (() => undefined);
  const unsubscribeMediaChanged =
    deps.livekit?.onChanged((connectionId) => io.to(connectionId).emit('media:changed', { serverNow: deps.clock.now() })) ??
    (() => undefined);

  const unsubscribe = deps.host.subscribe(({ state, events }: SessionChange) => {
    changed(state, events.length > 0);
    const now = deps.clock.now();
    for (const event of events) {
      if (event.type === 'warning') {
        io.local.to(everyone(state.id)).emit('warning', { stepIndex: event.stepIndex, minutesLeft: event.minutesLeft, serverNow: now });
      } else if (event.type === 'broadcast') {
        const message = { id: event.id, text: event.text, from: event.from, groupId: event.groupId, serverNow: now };
        const target = event.groupId === null
          ? io.local.to(everyone(state.id))
          : io.local.to(audienceRoom(state.id, `group:${event.groupId}`)).to(audienceRoom(state.id, 'staff'));
        target.emit('broadcast', message);
      } else if (event.type === 'member.moved') {
        // After the state: their screen already shows the new room when they read where it is.
        for (const socket of connectionsOf(state.id, event.memberId)) socket.emit('groups:moved', { from: event.from, to: event.to, serverNow: now });
      } else if (event.type === 'help.changed' && event.fromId !== null) {
        const call = ownHelpCall(state, event.fromId);
        for (const socket of connectionsOf(state.id, event.fromId)) socket.emit('help:status', { call, serverNow: now });
      }
    }
  });

  return {
    io,
    close: async () => {
      unsubscribe();
      unsubscribeActivity();
      unsubscribePresence();
      unsubscribeBalance();
      unsubscribeMediaPresence();
      unsubscribeMediaChanged();
      for (const cancel of [...presenceTimers.values(), ...activityTimers.values(), ...mediaTimers.values()]) cancel();
      for (const window of windows.values()) window.cancel();
      windows.clear();
      presenceTimers.clear();
      activityTimers.clear();
      mediaTimers.clear();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
