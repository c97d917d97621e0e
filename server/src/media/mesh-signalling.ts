import { randomBytes } from 'node:crypto';
import { meshLinked, type IceServer, type MediaGrant, type MeshPeer, type MeshPeers, type MeshSignal, type MeshSignalOut } from '../../../shared/media';
import { DomainError, notAllowed } from '../domain/errors';
import { sameGrant } from '../domain/media-grant';

/** One live connection as the mesh sees it: who it speaks for and how to reach it. */
export interface MeshConnection {
  id: string;
  memberId: string | null;
  name: string;
  send(event: 'media:peers', payload: MeshPeers): void;
  send(event: 'media:signal', payload: MeshSignal): void;
}

interface Peer {
  peerId: string;
  connection: MeshConnection;
  /** The grant of the connection's last ticket, kept current after every change of the session. */
  grant: MediaGrant;
  /** In the room's roster: ready to exchange media. */
  joined: boolean;
}

export interface MeshTicketParts {
  peerId: string;
  iceServers: IceServer[];
}

/**
 * The browser mesh's switchboard: connections that hold a mesh ticket join their room, learn who
 * else is in it, and pass SDP and ICE candidates to one another through the live socket. It relays
 * only between two connections whose current grants name the same room, so a group cannot reach
 * another group's browsers. It knows nothing of sessions: grants come from the domain.
 */
export class MeshSignalling {
  readonly #byConnection = new Map<string, Peer>();
  readonly #byPeerId = new Map<string, Peer>();
  readonly #rooms = new Map<string, Set<Peer>>();

  constructor(private readonly iceServers: IceServer[]) {}

  /** Records the connection's grant; its peer id stays the same for as long as it is connected. */
  ticket(connection: MeshConnection, grant: MediaGrant): MeshTicketParts {
    let peer = this.#byConnection.get(connection.id);
    if (!peer) {
      peer = { peerId: randomBytes(9).toString('base64url'), connection, grant, joined: false };
      this.#byConnection.set(connection.id, peer);
      this.#byPeerId.set(peer.peerId, peer);
    } else {
      this.regrant(connection.id, grant);
    }
    return { peerId: peer.peerId, iceServers: this.iceServers };
  }

  /** Enters the room of the connection's current grant and tells everyone there, the newcomer included. */
  join(connectionId: string, peerId: string): void {
    const peer = this.#byConnection.get(connectionId);
    if (!peer) throw new DomainError('CONFLICT', 'Ask for a media ticket before joining the call.');
    if (peer.peerId !== peerId) throw notAllowed('That peer id belongs to another connection.');
    if (peer.joined) {
      // Joined already (a client starting its call over): it needs the roster again, the others do not.
      peer.connection.send('media:peers', this.#roster(peer.grant.room));
      return;
    }
    peer.joined = true;
    const room = this.#rooms.get(peer.grant.room) ?? new Set<Peer>();
    this.#rooms.set(peer.grant.room, room);
    room.add(peer);
    this.#announce(peer.grant.room);
  }

  /** Leaves the call but keeps the ticket (a reconnect of the media alone joins again). */
  leave(connectionId: string): void {
    const peer = this.#byConnection.get(connectionId);
    if (peer) this.#leaveRoom(peer);
  }

  /** The socket closed: its peer id is forgotten. */
  forget(connectionId: string): void {
    const peer = this.#byConnection.get(connectionId);
    if (!peer) return;
    this.#leaveRoom(peer);
    this.#byConnection.delete(connectionId);
    this.#byPeerId.delete(peer.peerId);
  }

  /** Passes one description or candidate on, only within one room and only between peers meant to connect. */
  signal(connectionId: string, signal: MeshSignalOut): void {
    const from = this.#byConnection.get(connectionId);
    if (!from?.joined) throw notAllowed('Join the call before sending media signals.');
    const to = this.#byPeerId.get(signal.to);
    if (!to?.joined || to.grant.room !== from.grant.room) throw notAllowed('That person is not in your call.');
    if (!meshLinked(from.grant, to.grant)) throw notAllowed('Two listeners do not exchange media.');
    const relayed: MeshSignal = { from: from.peerId };
    if (signal.description) relayed.description = signal.description;
    if (signal.candidate !== undefined) relayed.candidate = signal.candidate;
    to.connection.send('media:signal', relayed);
  }

  /**
   * Applies the connection's grant as the session now decides it (null: no media now). Returns true
   * when it changed, so the caller tells the client to ask for a new ticket; a new room means
   * leaving the old one at once, so no signal crosses the boundary in between.
   */
  regrant(connectionId: string, grant: MediaGrant | null): boolean {
    const peer = this.#byConnection.get(connectionId);
    if (!peer) return false;
    if (grant && sameGrant(peer.grant, grant)) return false;
    if (!grant || grant.room !== peer.grant.room) {
      this.#leaveRoom(peer);
      if (grant) peer.grant = grant;
      else this.forget(connectionId);
      return true;
    }
    peer.grant = grant;
    if (peer.joined) this.#announce(grant.room);
    return true;
  }

  /** Connection ids holding a mesh ticket (the live transport re-decides their grants after a change). */
  connections(): string[] {
    return [...this.#byConnection.keys()];
  }

  /** How many have joined a room's mesh. */
  size(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  #leaveRoom(peer: Peer): void {
    if (!peer.joined) return;
    peer.joined = false;
    const room = this.#rooms.get(peer.grant.room);
    room?.delete(peer);
    if (room?.size === 0) this.#rooms.delete(peer.grant.room);
    this.#announce(peer.grant.room);
  }

  #roster(roomName: string): MeshPeers {
    const peers: MeshPeer[] = [...(this.#rooms.get(roomName) ?? [])].map((p) => ({
      peerId: p.peerId,
      memberId: p.connection.memberId,
      name: p.connection.name,
      canPublish: p.grant.canPublish,
      hidden: p.grant.hidden,
    }));
    return { room: roomName, peers };
  }

  #announce(roomName: string): void {
    const room = this.#rooms.get(roomName);
    if (!room) return;
    const roster = this.#roster(roomName);
    for (const p of room) p.connection.send('media:peers', roster);
  }
}
