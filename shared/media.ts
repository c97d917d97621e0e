import { z } from 'zod';

/**
 * The wire contract of audio and video. The server decides every grant (domain/media-grant.ts);
 * a client asks for a ticket to the room its seat belongs in now, and asks again whenever the
 * session tells it that its grant changed (a new phase, the floor, the presenter).
 */

export const mediaSources = ['microphone', 'camera', 'screen_share'] as const;
export const MediaSource = z.enum(mediaSources);
export type MediaSource = z.infer<typeof MediaSource>;

/** What one person may do in one media room, derived from role, phase, step, group, floor and presentation. */
export const MediaGrant = z.object({
  /** `<session>.plenary` or `<session>.<stepIndex>.<groupId>`. */
  room: z.string(),
  canPublish: z.boolean(),
  canPublishSources: z.array(MediaSource),
  canSubscribe: z.boolean(),
  /** Left out of everyone else's participant list (a moderator visiting a table, listening). */
  hidden: z.boolean(),
});
export type MediaGrant = z.infer<typeof MediaGrant>;

/** `media:token`: ask for the room of the caller's seat now; a moderator may ask to visit a group and to speak there. */
export const MediaTokenRequest = z
  .object({
    visitGroupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a group id such as g1').optional(),
    /** A visiting moderator who chooses to speak becomes visible and may publish. */
    speak: z.boolean().optional(),
  })
  .default({});
export type MediaTokenRequest = z.infer<typeof MediaTokenRequest>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** The ack's `result` of `media:token`: how to reach the room, by a media server or a browser mesh. */
export const MediaTicket = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('livekit'),
    url: z.string(),
    token: z.string(),
    grant: MediaGrant,
    expiresAt: z.number(),
  }),
  z.object({
    mode: z.literal('mesh'),
    grant: MediaGrant,
    iceServers: z.array(IceServer),
    /** This connection's peer id in the mesh signalling. */
    peerId: z.string(),
    expiresAt: z.number(),
  }),
  /** No media for this seat now (e.g. a plenary larger than the mesh allows and no media server). */
  z.object({ mode: z.literal('none'), reason: z.string() }),
]);
export type MediaTicket = z.infer<typeof MediaTicket>;

/** `media:changed`: the caller's grant changed (a new phase, the floor, the presenter); ask `media:token` again. */
export const MediaChangedEvent = z.object({
  /** The grant now; null when no room applies any more (the session ended). */
  grant: MediaGrant.nullable(),
  serverNow: z.number(),
});
export type MediaChangedEvent = z.infer<typeof MediaChangedEvent>;

/** One person connected to a media room, as the media server reports it. */
export const MediaPeer = z.object({
  id: z.string(),
  name: z.string(),
  hidden: z.boolean(),
  /** Sources of the tracks they publish now, unmuted. */
  publishing: z.array(MediaSource),
});
export type MediaPeer = z.infer<typeof MediaPeer>;

/**
 * `media:presence`, to staff: who is really connected to media, per room of the session. Keys are
 * `plenary` or `<stepIndex>.<groupId>`. Only with a media server (LiveKit).
 */
export const MediaPresence = z.object({
  sessionId: z.string(),
  rooms: z.record(z.string(), z.array(MediaPeer)),
  serverNow: z.number(),
});
export type MediaPresence = z.infer<typeof MediaPresence>;
