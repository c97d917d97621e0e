import { ParticipantPermission, RoomServiceClient, ServerError, type ParticipantInfo } from 'livekit-server-sdk';
import type { MediaGrant } from '../../../shared/media';
import type { LivekitConfig } from '../config';
import { trackSources } from './livekit-tokens';

/**
 * The whole permission set for a grant. `updateParticipant` replaces every field (one left out
 * becomes false), so every field is written here, every time.
 */
export function permissionOf(grant: MediaGrant): ParticipantPermission {
  return new ParticipantPermission({
    canSubscribe: grant.canSubscribe,
    canPublish: grant.canPublish,
    canPublishData: grant.canPublish,
    canPublishSources: trackSources(grant),
    hidden: grant.hidden,
    recorder: false,
    canUpdateMetadata: false,
    agent: false,
    canSubscribeMetrics: false,
    canManageAgentSession: false,
  });
}

/** The server API's address: the browsers' ws(s):// address as http(s)://. */
export const livekitApiUrl = (livekit: LivekitConfig) => livekit.url.replace(/^ws/, 'http');

const notThere = (error: unknown) => error instanceof ServerError && (error.code === 'not_found' || error.status === 404);

/** What Roundtable asks of the LiveKit server about people already in a room. */
export class LivekitRooms {
  readonly #client: RoomServiceClient;

  constructor(livekit: LivekitConfig) {
    this.#client = new RoomServiceClient(livekitApiUrl(livekit), livekit.apiKey, livekit.apiSecret);
  }

  /** Applies a new grant to someone connected; false when they are not in that room (nothing to change). */
  async grant(room: string, identity: string, grant: MediaGrant): Promise<boolean> {
    try {
      await this.#client.updateParticipant(room, identity, { permission: permissionOf(grant) });
      return true;
    } catch (error) {
      if (notThere(error)) return false;
      throw error;
    }
  }

  /** Takes someone out of a room that is no longer theirs (their client moves on by itself). */
  async remove(room: string, identity: string): Promise<boolean> {
    try {
      await this.#client.removeParticipant(room, identity);
      return true;
    } catch (error) {
      if (notThere(error)) return false;
      throw error;
    }
  }

  /** Who is in a room now; empty when the room does not exist (yet, or any more). */
  async participants(room: string): Promise<ParticipantInfo[]> {
    try {
      return await this.#client.listParticipants(room);
    } catch (error) {
      if (notThere(error)) return [];
      throw error;
    }
  }
}
