import type { IceServer, MediaTicket, MediaTokenRequest } from '../../../shared/media';
import type { Clock } from '../domain/clock';
import { mediaGrant, plenaryRoom } from '../domain/media-grant';
import type { Actor } from '../domain/roles';
import { inBreakout, type SessionState } from '../domain/session';
import { MeshSignalling, type MeshConnection } from './mesh-signalling';

export interface MeshMediaOptions {
  clock: Clock;
  /** STUN/TURN servers handed to browsers; none on a LAN. */
  iceServers: IceServer[];
  /** The most people a plenary carries by the mesh; beyond it a media server is needed. */
  plenaryLimit: number;
  /** How long a ticket is good for before the client asks again (the grant is kept current meanwhile). */
  ticketTtlMs?: number;
}

/** How many people the plenary's call would carry now: everyone present who is not seated at a table. */
export function plenaryHeadcount(state: SessionState, present: ReadonlySet<string>): number {
  if (!inBreakout(state)) return present.size;
  const seated = new Set(state.groups.flatMap((g) => g.members));
  let count = 0;
  for (const id of present) if (!seated.has(id)) count++;
  return count;
}

/**
 * The embedded media: tickets to a browser mesh, from the domain's grant, and the switchboard
 * that relays their signalling. A plenary larger than the mesh carries gets no call (the ticket
 * says why, and the console tells the organizer that a media server is needed).
 */
export class MeshMedia {
  readonly signalling: MeshSignalling;
  readonly #requests = new Map<string, MediaTokenRequest>();
  readonly #opts: MeshMediaOptions;

  constructor(opts: MeshMediaOptions) {
    this.#opts = opts;
    this.signalling = new MeshSignalling(opts.iceServers);
  }

  get plenaryLimit(): number {
    return this.#opts.plenaryLimit;
  }

  ticket(state: SessionState, present: ReadonlySet<string>, actor: Actor, request: MediaTokenRequest, connection: MeshConnection): MediaTicket {
    const grant = this.#decide(state, present, actor, request);
    if (!grant) {
      this.signalling.regrant(connection.id, null);
      this.#requests.delete(connection.id);
      return { mode: 'none', reason: state.status === 'ended' ? 'no-room' : 'mesh-plenary-full' };
    }
    this.#requests.set(connection.id, request);
    const { peerId, iceServers } = this.signalling.ticket(connection, grant);
    return { mode: 'mesh', grant, iceServers, peerId, expiresAt: this.#opts.clock.now() + (this.#opts.ticketTtlMs ?? 6 * 3600_000) };
  }

  /**
   * Re-decides a connection's grant after the session changed. True when it changed: the client
   * is told to ask for a new ticket (the next room, or the right to speak now).
   */
  refresh(state: SessionState, present: ReadonlySet<string>, actor: Actor, connectionId: string): boolean {
    const request = this.#requests.get(connectionId);
    if (!request) return false;
    let grant;
    try {
      grant = this.#decide(state, present, actor, request);
    } catch {
      // The visit no longer applies (the breakout ended): the person's own seat decides.
      grant = this.#decide(state, present, actor, {});
    }
    const changed = this.signalling.regrant(connectionId, grant);
    if (changed && !grant) this.#requests.delete(connectionId);
    return changed;
  }

  forget(connectionId: string): void {
    this.#requests.delete(connectionId);
    this.signalling.forget(connectionId);
  }

  #decide(state: SessionState, present: ReadonlySet<string>, actor: Actor, request: MediaTokenRequest) {
    const grant = mediaGrant(state, actor, request);
    if (!grant) return null;
    if (grant.room === plenaryRoom(state.id) && plenaryHeadcount(state, present) > this.#opts.plenaryLimit) return null;
    return grant;
  }
}
