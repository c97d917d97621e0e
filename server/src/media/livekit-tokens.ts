import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { MediaGrant, MediaSource } from '../../../shared/media';
import type { LivekitConfig } from '../config';

const sources: Record<MediaSource, TrackSource> = {
  microphone: TrackSource.MICROPHONE,
  camera: TrackSource.CAMERA,
  screen_share: TrackSource.SCREEN_SHARE,
};

export const trackSources = (grant: MediaGrant): TrackSource[] => grant.canPublishSources.map((s) => sources[s]);

/**
 * A join token for one room, saying exactly what the domain granted. Short-lived: it only has to
 * last until the join; LiveKit refreshes a connected participant's token itself.
 */
export async function livekitToken(
  livekit: LivekitConfig,
  grant: MediaGrant,
  person: { identity: string; name: string },
  ttlSeconds: number,
): Promise<string> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: person.identity, name: person.name, ttl: ttlSeconds });
  token.addGrant({
    roomJoin: true,
    room: grant.room,
    canPublish: grant.canPublish,
    canPublishSources: trackSources(grant),
    // Data follows speaking: a listener sends nothing into the room.
    canPublishData: grant.canPublish,
    canSubscribe: grant.canSubscribe,
    hidden: grant.hidden,
    canUpdateOwnMetadata: false,
  });
  return token.toJwt();
}
