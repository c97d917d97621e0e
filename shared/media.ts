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
    /** When set, exactly these STUN/TURN servers (none: `[]`, on a LAN or in tests); else the media server's own. */
    iceServers: z.array(IceServer).optional(),
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

// ---- The browser mesh: signalling over the live session's socket (no media server) ----

/** A connection's id in a mesh room, handed out with its ticket. */
export const PeerId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a peer id');

const SessionDescription = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(48 * 1024).optional(),
});
const IceCandidate = z.object({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** `media:join`: the connection is ready to exchange media in the room of its last mesh ticket. */
export const MeshJoin = z.object({ peerId: PeerId });
export type MeshJoin = z.infer<typeof MeshJoin>;

/** `media:signal` sent by a client: one SDP description or one ICE candidate, for one peer of the same room. */
export const MeshSignalOut = z
  .object({
    to: PeerId,
    description: SessionDescription.optional(),
    /** null: this side has gathered every candidate. */
    candidate: IceCandidate.nullable().optional(),
  })
  .refine((s) => (s.description === undefined) !== (s.candidate === undefined), 'a description or a candidate, not both');
export type MeshSignalOut = z.infer<typeof MeshSignalOut>;

/** `media:signal` as the server relays it: the same, from one peer of the same room. */
export const MeshSignal = z.object({
  from: PeerId,
  description: SessionDescription.optional(),
  candidate: IceCandidate.nullable().optional(),
});
export type MeshSignal = z.infer<typeof MeshSignal>;

export const MeshPeer = z.object({
  peerId: PeerId,
  /** Roster id; null for the session's moderator link. */
  memberId: z.string().nullable(),
  name: z.string(),
  canPublish: z.boolean(),
  /** A moderator listening in: connected for audio, shown to nobody. */
  hidden: z.boolean(),
});
export type MeshPeer = z.infer<typeof MeshPeer>;

/** Two peers of a mesh exchange media when at least one of them may speak; listeners do not connect to listeners. */
export function meshLinked(a: { canPublish: boolean }, b: { canPublish: boolean }): boolean {
  return a.canPublish || b.canPublish;
}

/** `media:peers`: everyone who has joined the room's mesh, sent to each of them whenever it changes. */
export const MeshPeers = z.object({ room: z.string(), peers: z.array(MeshPeer) });
export type MeshPeers = z.infer<typeof MeshPeers>;

/** `media:changed`: the connection's grant changed (a new phase, the floor, the presenter): ask for a new ticket. */
export const MediaChanged = z.object({ serverNow: z.number() });
export type MediaChanged = z.infer<typeof MediaChanged>;

/** Why a ticket is `mode: 'none'`, as a stable word the client translates. */
export const noMediaReasons = ['mesh-plenary-full', 'no-room'] as const;

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
