import { TrackSource, type ParticipantInfo, type TrackInfo, type WebhookEvent } from 'livekit-server-sdk';
import type { MediaPeer, MediaSource } from '../../../shared/media';

interface Connection {
  /** LiveKit's id for this one connection: a rejoin gets a new one, so a late "left" of the old one is told apart. */
  sid: string;
  name: string;
  hidden: boolean;
  tracks: Map<string, { source: MediaSource | null; muted: boolean }>;
}

const sourceOf = (source: TrackSource): MediaSource | null =>
  source === TrackSource.MICROPHONE ? 'microphone' : source === TrackSource.CAMERA ? 'camera' : source === TrackSource.SCREEN_SHARE ? 'screen_share' : null;

const tracksOf = (tracks: TrackInfo[]) => new Map(tracks.map((t) => [t.sid, { source: sourceOf(t.source), muted: t.muted }]));

/** Event ids remembered to drop a webhook delivered twice; older ones are forgotten first. */
const rememberedEvents = 10_000;

/**
 * Who is really connected to each media room, and what they publish, as the LiveKit server tells
 * it by webhooks. Webhooks can come twice and out of order: each is counted once (by id), a "left"
 * removes only the connection it is about, and `reconcile` replaces a room with the server's list.
 */
export class MediaConnections {
  readonly #rooms = new Map<string, Map<string, Connection>>();
  readonly #seen = new Set<string>();
  readonly #listeners = new Set<(room: string) => void>();
  /** Webhooks applied so far (each id once), by kind: what the console's figures rest on. */
  readonly recorded = new Map<string, number>();

  /** Called with the room's name whenever what is known about it changes. */
  onChange(listener: (room: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies one verified webhook; false when it was already applied (same id) or says nothing about people. */
  record(event: WebhookEvent): boolean {
    if (event.id) {
      if (this.#seen.has(event.id)) return false;
      this.#seen.add(event.id);
      if (this.#seen.size > rememberedEvents) this.#seen.delete(this.#seen.values().next().value!);
    }
    this.recorded.set(event.event, (this.recorded.get(event.event) ?? 0) + 1);
    const room = event.room?.name;
    if (!room) return false;
    const people = this.#rooms.get(room) ?? new Map<string, Connection>();
    const p = event.participant;
    switch (event.event) {
      case 'participant_joined':
        if (!p) return false;
        people.set(p.identity, this.#connection(p));
        break;
      case 'participant_left':
      case 'participant_connection_aborted':
        if (!p || people.get(p.identity)?.sid !== p.sid) return false;
        people.delete(p.identity);
        break;
      case 'track_published':
      case 'track_unpublished': {
        if (!p || !event.track) return false;
        const known = people.get(p.identity);
        // A track event about a connection that has since been replaced says nothing about the new one.
        if (known && known.sid !== p.sid) return false;
        const connection = known ?? this.#connection(p);
        if (event.event === 'track_published') connection.tracks.set(event.track.sid, { source: sourceOf(event.track.source), muted: event.track.muted });
        else connection.tracks.delete(event.track.sid);
        people.set(p.identity, connection);
        break;
      }
      case 'room_finished':
        this.#rooms.delete(room);
        this.#changed(room);
        return true;
      case 'room_started':
        break;
      default:
        return false;
    }
    this.#rooms.set(room, people);
    this.#changed(room);
    return true;
  }

  /** The server's own list of a room is the truth: replaces whatever the webhooks said. */
  reconcile(room: string, participants: ParticipantInfo[]): void {
    if (participants.length === 0) this.#rooms.delete(room);
    else this.#rooms.set(room, new Map(participants.map((p) => [p.identity, this.#connection(p)])));
    this.#changed(room);
  }

  /** Everyone connected to a room, by name. */
  peers(room: string): MediaPeer[] {
    const people = this.#rooms.get(room);
    if (!people) return [];
    return [...people].map(([id, c]) => {
      const publishing = new Set<MediaSource>();
      for (const track of c.tracks.values()) if (track.source && !track.muted) publishing.add(track.source);
      return { id, name: c.name, hidden: c.hidden, publishing: [...publishing] };
    });
  }

  /** The rooms whose names start with a prefix (one session's), each with its peers. */
  roomsStartingWith(prefix: string): Array<[room: string, peers: MediaPeer[]]> {
    return [...this.#rooms.keys()].filter((room) => room.startsWith(prefix)).map((room) => [room, this.peers(room)]);
  }

  #connection(p: ParticipantInfo): Connection {
    return { sid: p.sid, name: p.name || p.identity, hidden: p.permission?.hidden ?? false, tracks: tracksOf(p.tracks) };
  }

  #changed(room: string): void {
    for (const listener of this.#listeners) listener(room);
  }
}
