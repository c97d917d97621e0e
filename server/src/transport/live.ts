import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { ZodType } from 'zod';
import {
  AgendaCommand,
  BroadcastCommand,
  GroupsLockCommand,
  GroupsMoveCommand,
  GroupsPreviewCommand,
  HandCommand,
  HandLowerCommand,
  HelpCallCommand,
  HelpUpdateCommand,
  ProfileCommand,
  ReportPresentCommand,
  ReportQueueCommand,
} from '../../../shared/commands';
import { NotesScrollCommand, NotesTokenRequest, type NotesActivity, type NotesGrant } from '../../../shared/notes';
import { PROTOCOL_VERSION, Handshake, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/protocol';
import type { Invites } from '../access/invites';
import { driveAgenda } from '../domain/agenda';
import { sendBroadcast } from '../domain/broadcasts';
import type { Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';
import { lockGroups, moveMember, previewGroups } from '../domain/group-preview';
import { callForHelp, handleHelpCall } from '../domain/help-calls';
import { scrollNotes } from '../domain/notes-access';
import { lowerHand, raiseHand } from '../domain/plenary';
import { updateProfile } from '../domain/profile';
import { orderReportQueue, presentGroup } from '../domain/report-back';
import { arrive } from '../domain/presence';
import { TokenBucket } from '../access/token-bucket';
import { admit, type LinkClaims } from '../domain/admission';
import type { Actor } from '../domain/roles';
import type { SessionState } from '../domain/session';
import type { Context, Transition } from '../domain/transition';
import { SessionRendering, seatOf, type Audience } from '../domain/views';
import type { PresenceTracker } from '../sessions/presence';
import type { SessionChange, SessionHost } from '../sessions/session-host';
import { isUnexpected, toErrorBody } from './errors';

interface SocketData {
  sessionId: string;
  actor: Actor;
  /** What the link said: checked against the roster again on every change and command. */
  claims: LinkClaims;
  audience: Audience | null;
  /** The language this socket reads the agenda in (null: every language, for staff and observers). */
  language: string | null;
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
  /** Notes activity is coalesced into one message per session per this many ms. */
  notesActivityIntervalMs?: number;
  /** The groups' shared notes: tokens to open them, and what happens in them (for the staff). */
  notes?: {
    grant(sessionId: string, actor: Actor, request: NotesTokenRequest): Promise<NotesGrant>;
    activity(state: SessionState): Pick<NotesActivity, 'stepIndex' | 'groups'> | null;
    onActivity(listener: (sessionId: string) => void): () => void;
  };
}

const everyone = (sessionId: string) => `s:${sessionId}`;
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
  });
  const sockets = new Map<string, Set<LiveSocket>>();
  const presenceTimers = new Map<string, () => void>();
  const presenceInterval = deps.presenceIntervalMs ?? 500;
  const activityTimers = new Map<string, () => void>();
  const activityInterval = deps.notesActivityIntervalMs ?? 2000;

  io.use(async (socket, next) => {
    try {
      const handshake = Handshake.safeParse(socket.handshake.auth);
      if (!handshake.success) throw new DomainError('BAD_INPUT', 'Connect with { token, protocol } in the handshake auth.');
      if (handshake.data.protocol !== PROTOCOL_VERSION) {
        throw new DomainError('PROTOCOL_MISMATCH', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update the app.`);
      }
      const claims = await deps.invites.claimsOf(handshake.data.token);
      const state = await deps.host.get(claims.sid);
      socket.data = { sessionId: claims.sid, actor: deps.invites.admitted(state, claims), claims, audience: null, language: null };
      next();
    } catch (error) {
      const body = toErrorBody(error);
      if (isUnexpected(error)) deps.logger.error({ err: error }, 'socket handshake failed');
      next(Object.assign(new Error(body.message), { data: body }));
    }
  });

  io.on('connection', (socket: LiveSocket) => {
    const { sessionId, actor } = socket.data;
    const members = sockets.get(sessionId) ?? new Set();
    sockets.set(sessionId, members);
    members.add(socket);
    void socket.join(everyone(sessionId));
    const firstConnection = actor.memberId ? deps.presence.connect(sessionId, actor.memberId) : false;

    socket.on('disconnect', () => {
      members.delete(socket);
      if (members.size === 0) sockets.delete(sessionId);
      if (actor.memberId && deps.presence.disconnect(sessionId, actor.memberId)) schedulePresence(sessionId);
    });

    // A stuck button or a misbehaving client must not flood the session's command queue.
    const allowance = new TokenBucket(deps.clock, 20, 20);
    /** Every command and request: rate-limited, acked with `{ ok, serverNow }` or a coded error. */
    const request =
      <T>(run: (payload: unknown) => Promise<T> | T) =>
      async (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: Ack<T>) => void) : () => undefined;
        try {
          if (!allowance.take()) throw new DomainError('RATE_LIMITED', 'Too many commands at once; wait a moment and try again.');
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
    socket.on('groups:preview', command(GroupsPreviewCommand, (s, c, ctx) => previewGroups(s, actor, c, ctx)));
    socket.on('groups:move', command(GroupsMoveCommand, (s, c, ctx) => moveMember(s, actor, c, ctx)));
    socket.on('groups:lock', command(GroupsLockCommand, (s, c, ctx) => lockGroups(s, actor, c, ctx)));
    socket.on('hand:raise', command(HandCommand, (s, c, ctx) => raiseHand(s, actor, c, ctx)));
    socket.on('hand:lower', command(HandLowerCommand, (s, c, ctx) => lowerHand(s, actor, c, ctx)));
    socket.on('report:queue', command(ReportQueueCommand, (s, c, ctx) => orderReportQueue(s, actor, c, ctx)));
    socket.on('report:present', command(ReportPresentCommand, (s, c, ctx) => presentGroup(s, actor, c, ctx)));
    socket.on(
      'profile:update',
      command(ProfileCommand, (s, c, ctx) => updateProfile(s, actor, c, ctx), (s) => ({ seat: seatOf(s, actor) })),
    );
    socket.on(
      'notes:token',
      request(async (payload) => {
        if (!deps.notes) throw new DomainError('NOT_FOUND', 'This server keeps no shared notes.');
        return deps.notes.grant(sessionId, actor, NotesTokenRequest.parse(payload ?? undefined));
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
    socket.on('time:sync', (payload, ack) => {
      if (typeof ack !== 'function') return;
      const sentAt = (payload as { clientSentAt?: unknown } | null)?.clientSentAt;
      ack({ ok: true, serverNow: deps.clock.now(), result: { clientSentAt: typeof sentAt === 'number' ? sentAt : null } });
    });

    void (async () => {
      try {
        const { state } = await deps.host.execute(sessionId, (s, ctx) => arrive(s, actor, ctx));
        if (!socket.connected) return;
        socket.emit('welcome', {
          seat: seatOf(state, actor),
          protocol: PROTOCOL_VERSION,
          serverNow: deps.clock.now(),
        });
        const rendering = new SessionRendering(state, deps.presence.present(sessionId), deps.clock.now());
        placeInAudience(socket, state.id, rendering);
        socket.emit('state', rendering.view(socket.data.audience!, socket.data.language));
        if (seesAllGroups(socket.data.audience)) {
          const activity = notesActivity(state);
          if (activity) socket.emit('notes:activity', activity);
        }
        if (firstConnection) schedulePresence(sessionId);
      } catch (error) {
        deps.logger.error({ err: error, sessionId }, 'joining the session failed');
        socket.disconnect(true);
      }
    })();
  });

  /** Moves the socket to the room of what it should now see; true when that changed. */
  function placeInAudience(socket: LiveSocket, sessionId: string, rendering: SessionRendering): boolean {
    const audience = rendering.audienceOf(socket.data.actor);
    const language = rendering.contentLanguageOf(socket.data.actor, audience);
    if (audience === socket.data.audience && language === socket.data.language) return false;
    if (socket.data.audience) {
      void socket.leave(audienceRoom(sessionId, socket.data.audience));
      void socket.leave(languageRoom(sessionId, socket.data.audience, socket.data.language));
    }
    void socket.join(audienceRoom(sessionId, audience));
    void socket.join(languageRoom(sessionId, audience, language));
    socket.data.audience = audience;
    socket.data.language = language;
    return true;
  }

  /**
   * Reads who the socket speaks for from the session as it is now, as the REST API does on every
   * request: a role changed by a roster import applies at once; a revoked link is disconnected.
   */
  function stillAdmitted(socket: LiveSocket, state: SessionState): boolean {
    try {
      // In place: the socket's command handlers hold this object.
      Object.assign(socket.data.actor, admit(state, socket.data.claims));
      return true;
    } catch {
      socket.disconnect(true);
      return false;
    }
  }

  /** One render per audience, sent to its room: the cost of a change grows with groups, not people. */
  function publish(state: SessionState): void {
    const rendering = new SessionRendering(state, deps.presence.present(state.id), deps.clock.now());
    const audiences = new Map<string, { audience: Audience; language: string | null }>();
    for (const socket of sockets.get(state.id) ?? []) {
      if (!stillAdmitted(socket, state)) continue;
      if (!socket.data.audience) continue; // still joining; it gets the state when it is placed
      placeInAudience(socket, state.id, rendering);
      const { audience, language } = socket.data;
      audiences.set(languageRoom(state.id, audience, language), { audience, language });
    }
    for (const [room, { audience, language }] of audiences) io.to(room).emit('state', rendering.view(audience, language));
  }

  function schedulePresence(sessionId: string): void {
    if (presenceTimers.has(sessionId)) return;
    presenceTimers.set(
      sessionId,
      deps.clock.setTimer(() => {
        presenceTimers.delete(sessionId);
        deps.host.get(sessionId).then(publish, (error: unknown) => deps.logger.error({ err: error, sessionId }, 'presence update failed'));
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
            if (activity) io.to(audienceRoom(sessionId, 'staff')).to(audienceRoom(sessionId, 'observers')).emit('notes:activity', activity);
          },
          (error: unknown) => deps.logger.error({ err: error, sessionId }, 'notes activity update failed'),
        );
      }, activityInterval),
    );
  }
  const unsubscribeActivity = deps.notes?.onActivity(scheduleActivity) ?? (() => undefined);

  const unsubscribe = deps.host.subscribe(({ state, events }: SessionChange) => {
    publish(state);
    const now = deps.clock.now();
    for (const event of events) {
      if (event.type === 'warning') {
        io.to(everyone(state.id)).emit('warning', { stepIndex: event.stepIndex, minutesLeft: event.minutesLeft, serverNow: now });
      } else if (event.type === 'broadcast') {
        const message = { id: event.id, text: event.text, from: event.from, groupId: event.groupId, serverNow: now };
        const target = event.groupId === null
          ? io.to(everyone(state.id))
          : io.to(audienceRoom(state.id, `group:${event.groupId}`)).to(audienceRoom(state.id, 'staff'));
        target.emit('broadcast', message);
      }
    }
  });

  return {
    io,
    close: async () => {
      unsubscribe();
      unsubscribeActivity();
      for (const cancel of [...presenceTimers.values(), ...activityTimers.values()]) cancel();
      presenceTimers.clear();
      activityTimers.clear();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
