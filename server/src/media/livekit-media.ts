import type { Logger } from 'pino';
import { WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { MediaGrant, MediaPresence, MediaTicket, MediaTokenRequest } from '../../../shared/media';
import type { LivekitConfig } from '../config';
import { subjectOf } from '../domain/admission';
import type { Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';
import { mediaGrant, sameGrant } from '../domain/media-grant';
import type { Actor } from '../domain/roles';
import type { SessionState } from '../domain/session';
import type { SessionHost } from '../sessions/session-host';
import { LivekitRooms } from './livekit-permissions';
import { livekitToken } from './livekit-tokens';
import { MediaConnections } from './media-connections';

export interface LivekitMediaOptions {
  host: SessionHost;
  clock: Clock;
  logger: Logger;
  livekit: LivekitConfig;
  /** Lifetime of a join token; LiveKit refreshes it for connected people. */
  tokenTtlSeconds?: number;
  /** How long after a webhook the room is read back from LiveKit (webhooks come out of order). */
  reconcileDelayMs?: number;
}

/** One live connection that asked for media: what it asked and what it was granted. */
interface Holder {
  sessionId: string;
  actor: Actor;
  request: MediaTokenRequest;
  grant: MediaGrant | null;
}

export type MediaChangedListener = (connectionId: string, grant: MediaGrant | null) => void;

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/** The LiveKit identity of a person: their roster id, the moderator link's, or the organizer's. */
export const mediaIdentity = (actor: Actor) => subjectOf(actor) ?? '@organizer';

/**
 * Calls carried by a LiveKit server: tickets from the domain's grants, tokens, permission updates
 * when a grant changes, and who is really connected (webhooks). Nothing in the domain knows
 * LiveKit; this module follows the SessionHost's changes. (Without LiveKit, mesh-media.ts does.)
 */
export class LivekitMedia {
  readonly #opts: LivekitMediaOptions;
  readonly #holders = new Map<string, Holder>();
  readonly #changed = new Set<MediaChangedListener>();
  readonly #presence = new Set<(sessionId: string) => void>();
  readonly #rooms: LivekitRooms;
  readonly #receiver: WebhookReceiver;
  readonly connections = new MediaConnections();
  readonly #reconcileTimers = new Map<string, () => void>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #unsubscribe: () => void;

  constructor(opts: LivekitMediaOptions) {
    this.#opts = opts;
    this.#rooms = new LivekitRooms(opts.livekit);
    this.#receiver = new WebhookReceiver(opts.livekit.apiKey, opts.livekit.apiSecret);
    this.#unsubscribe = opts.host.subscribe(({ state }) => this.#sessionChanged(state));
    this.connections.onChange((room) => {
      const sessionId = room.slice(0, room.indexOf('.'));
      for (const listener of this.#presence) listener(sessionId);
    });
  }

  /** `media:token`: the room of the caller's seat now (or the table a moderator visits), and how to reach it. */
  async ticket(connectionId: string, sessionId: string, actor: Actor, request: MediaTokenRequest): Promise<MediaTicket> {
    const state = await this.#opts.host.get(sessionId);
    const grant = mediaGrant(state, actor, request);
    const previous = this.#holders.get(connectionId)?.grant ?? null;
    this.#holders.set(connectionId, { sessionId, actor, request, grant });
    if (!grant) return { mode: 'none', reason: 'no-room' };
    const ttl = this.#opts.tokenTtlSeconds ?? 600;
    const expiresAt = this.#opts.clock.now() + ttl * 1000;
    const livekit = this.#opts.livekit;
    const identity = mediaIdentity(actor);
    // Already in that room (a visiting moderator choosing to speak): change what they may do where they are.
    if (previous && previous.room === grant.room && !sameGrant(previous, grant)) await this.#rooms.grant(grant.room, identity, grant);
    const token = await livekitToken(livekit, grant, { identity, name: actor.name }, ttl);
    return { mode: 'livekit', url: livekit.url, token, grant, expiresAt, ...(livekit.iceServers ? { iceServers: livekit.iceServers } : {}) };
  }

  /** The connection closed: its grant is no longer followed. */
  forget(connectionId: string): void {
    this.#holders.delete(connectionId);
  }

  /** Called for each connection whose grant changed after a session change. */
  onChanged(listener: MediaChangedListener): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  /** Called with a session's id when who is connected to its media rooms changed. */
  onPresence(listener: (sessionId: string) => void): () => void {
    this.#presence.add(listener);
    return () => this.#presence.delete(listener);
  }

  /** Who is connected to each of a session's media rooms. */
  presence(sessionId: string): MediaPresence['rooms'] {
    const prefix = `${sessionId}.`;
    return Object.fromEntries(this.connections.roomsStartingWith(prefix).map(([room, peers]) => [room.slice(prefix.length), peers]));
  }

  /**
   * `POST /api/livekit/webhook`: verified against the exact body (the signature covers its SHA-256),
   * recorded once, and the room read back from LiveKit shortly after. UNAUTHORIZED changes nothing.
   */
  async webhook(body: string, authorization: string | undefined): Promise<WebhookEvent> {
    if (!authorization) throw unauthorized('A LiveKit webhook carries its signature in the Authorization header.');
    let event: WebhookEvent;
    try {
      event = await this.#receiver.receive(body, authorization);
    } catch {
      throw unauthorized('The webhook signature does not match its body.');
    }
    if (this.connections.record(event) && event.room?.name) this.#scheduleReconcile(event.room.name);
    return event;
  }

  #scheduleReconcile(room: string): void {
    if (this.#reconcileTimers.has(room)) return;
    this.#reconcileTimers.set(
      room,
      this.#opts.clock.setTimer(() => {
        this.#reconcileTimers.delete(room);
        this.#track(this.#rooms.participants(room).then((list) => this.connections.reconcile(room, list)), 'reading a media room failed');
      }, this.#opts.reconcileDelayMs ?? 1000),
    );
  }

  #sessionChanged(state: SessionState): void {
    for (const [connectionId, holder] of this.#holders) {
      if (holder.sessionId !== state.id) continue;
      const grant = this.#regrant(state, holder);
      if (sameGrant(grant, holder.grant)) continue;
      const before = holder.grant;
      holder.grant = grant;
      const tell = () => {
        for (const listener of this.#changed) listener(connectionId, grant);
      };
      const identity = mediaIdentity(holder.actor);
      if (before && grant && grant.room === before.room) {
        // Same room: LiveKit applies the new permissions where the person is (a listener given the
        // floor, a speaker losing it); the client hears of it once they apply, so it can publish.
        this.#track(this.#rooms.grant(before.room, identity, grant).finally(tell), 'updating media permissions failed');
        continue;
      }
      // Another room: the old one is left; the client joins the new one with a new token.
      if (before) this.#track(this.#rooms.remove(before.room, identity), 'leaving a media room failed');
      tell();
    }
  }

  /** A visit ends with the breakout (or the table): the visitor's grant falls back to their own seat's. */
  #regrant(state: SessionState, holder: Holder): MediaGrant | null {
    try {
      return mediaGrant(state, holder.actor, holder.request);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      holder.request = {};
      return mediaGrant(state, holder.actor, {});
    }
  }

  #track(work: Promise<unknown>, message: string): void {
    const tracked = work.catch((err: unknown) => this.#opts.logger.warn({ err }, message)).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Stops following the sessions and waits for permission updates in flight. */
  async close(): Promise<void> {
    this.#unsubscribe();
    for (const cancel of this.#reconcileTimers.values()) cancel();
    this.#reconcileTimers.clear();
    await Promise.all([...this.#pending]);
  }
}
