import { z } from 'zod';
import type { ErrorBody } from './errors';
import type { MediaChanged, MediaPresence, MediaTicket, MeshPeers, MeshSignal } from './media';
import type { NotesActivity, NotesGrant, NotesScrollEvent } from './notes';
import type { SpeakingBalance } from './speaking';
import type { OwnVotes } from './votes';
import { OwnHelpCall, SessionView, type Seat } from './session';

/** Bumped on any incompatible change to the events below; checked on connect. */
export const PROTOCOL_VERSION = 2;

/** What a client sends in the socket.io handshake `auth`. */
export const Handshake = z.object({
  token: z.string().min(1).max(4096),
  protocol: z.number().int(),
});
export type Handshake = z.infer<typeof Handshake>;

export type Ack<T = unknown> = { ok: true; serverNow: number; result?: T } | { ok: false; serverNow: number; error: ErrorBody };

export const WarningEvent = z.object({
  stepIndex: z.number().int(),
  minutesLeft: z.number(),
  serverNow: z.number(),
});
export type WarningEvent = z.infer<typeof WarningEvent>;

export const BroadcastEvent = z.object({
  id: z.string(),
  text: z.string(),
  /** The sender's shown name; null for a sender with no name of their own (the moderator link, the organizer). */
  from: z.string().nullable(),
  groupId: z.string().nullable(),
  serverNow: z.number(),
});
export type BroadcastEvent = z.infer<typeof BroadcastEvent>;

/** To the caller's own connections: what became of their call for help (null: none open). */
export const HelpStatusEvent = z.object({ call: OwnHelpCall.nullable(), serverNow: z.number() });
export type HelpStatusEvent = z.infer<typeof HelpStatusEvent>;

/** To a person the moderator moved to another room during the breakout: from where, to where. */
export const MovedEvent = z.object({ from: z.string(), to: z.string(), serverNow: z.number() });
export type MovedEvent = z.infer<typeof MovedEvent>;

/**
 * One RFC 6902 operation on the view. The client applies them in order to the view of `baseRev`;
 * what comes out is checked against `SessionView` like a full view.
 */
export const PatchOperation = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['add', 'replace', 'test']), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.enum(['move', 'copy']), path: z.string(), from: z.string() }),
]);
export type PatchOperation = z.infer<typeof PatchOperation>;

/** Which revision of its audience's view a full `state` is: the first patch after it has this as `baseRev`. */
export const StateRevision = z.object({ rev: z.number().int().nonnegative() });
export type StateRevision = z.infer<typeof StateRevision>;

/**
 * The change from revision `baseRev` of the audience's view to revision `rev`. A client whose view
 * is not at `baseRev` (it missed one) asks for the whole view again with `state:resync`.
 */
export const StatePatch = z.object({
  rev: z.number().int().nonnegative(),
  baseRev: z.number().int().nonnegative(),
  serverNow: z.number(),
  ops: z.array(PatchOperation).max(10_000),
});
export type StatePatch = z.infer<typeof StatePatch>;

/** What a client sends with `state:resync` (nothing is required: the server knows its audience). */
export const ResyncRequest = z.object({ rev: z.number().int().nonnegative().nullable().optional() }).strict().optional();
export type ResyncRequest = z.infer<typeof ResyncRequest>;

/** The answer to `state:resync`: the whole view at `rev`; patches with that `baseRev` follow. */
export const ResyncResult = z.object({ rev: z.number().int().nonnegative(), view: SessionView });
export type ResyncResult = z.infer<typeof ResyncResult>;

export interface ServerToClientEvents {
  welcome: (payload: { seat: Seat; protocol: number; serverNow: number }) => void;
  /** The whole view: on joining, after a change of audience (plenary → group) or of language. */
  state: (view: SessionView, revision: StateRevision) => void;
  /** Every later change of the audience's view, coalesced over a few tens of ms. */
  'state:patch': (patch: StatePatch) => void;
  warning: (event: WarningEvent) => void;
  broadcast: (event: BroadcastEvent) => void;
  'help:status': (event: HelpStatusEvent) => void;
  'groups:moved': (event: MovedEvent) => void;
  'notes:scroll': (event: NotesScrollEvent) => void;
  /** To staff and observers only, at most every couple of seconds per session. */
  'notes:activity': (payload: NotesActivity) => void;
  /** The connection's media grant changed: ask for a new ticket. */
  'media:changed': (payload: MediaChanged) => void;
  /** The browser mesh: who is in the call, and a peer's SDP or ICE candidate. */
  'media:peers': (payload: MeshPeers) => void;
  'media:signal': (payload: MeshSignal) => void;
  /** To the staff (every table) and to each facilitator (their table), at most every couple of seconds. */
  'speaking:balance': (payload: SpeakingBalance) => void;
  /** To staff: who is connected to each media room (LiveKit only), on change and on join. */
  'media:presence': (payload: MediaPresence) => void;
}

export interface ClientToServerEvents {
  'agenda:command': (command: unknown, ack: (reply: Ack) => void) => void;
  'broadcast:send': (command: unknown, ack: (reply: Ack) => void) => void;
  'help:call': (command: unknown, ack: (reply: Ack) => void) => void;
  'help:update': (command: unknown, ack: (reply: Ack) => void) => void;
  'help:cancel': (command: unknown, ack: (reply: Ack) => void) => void;
  'groups:preview': (command: unknown, ack: (reply: Ack) => void) => void;
  'groups:move': (command: unknown, ack: (reply: Ack) => void) => void;
  'groups:lock': (command: unknown, ack: (reply: Ack) => void) => void;
  'profile:update': (command: unknown, ack: (reply: Ack<{ seat: Seat }>) => void) => void;
  'hand:raise': (command: unknown, ack: (reply: Ack) => void) => void;
  'hand:lower': (command: unknown, ack: (reply: Ack) => void) => void;
  'hands:clear': (command: unknown, ack: (reply: Ack) => void) => void;
  'floor:give': (command: unknown, ack: (reply: Ack) => void) => void;
  'report:queue': (command: unknown, ack: (reply: Ack) => void) => void;
  'report:present': (command: unknown, ack: (reply: Ack) => void) => void;
  'member:voice-only': (command: unknown, ack: (reply: Ack) => void) => void;
  'notes:token': (request: unknown, ack: (reply: Ack<NotesGrant>) => void) => void;
  'invites:link': (request: unknown, ack: (reply: Ack<{ link: string }>) => void) => void;
  'notes:scroll': (command: unknown, ack: (reply: Ack) => void) => void;
  'media:token': (request: unknown, ack: (reply: Ack<MediaTicket>) => void) => void;
  'time:sync': (payload: unknown, ack: (reply: Ack<{ clientSentAt: number | null }>) => void) => void;
  'media:join': (request: unknown, ack: (reply: Ack) => void) => void;
  'media:leave': (request: unknown, ack: (reply: Ack) => void) => void;
  'media:signal': (signal: unknown, ack: (reply: Ack) => void) => void;
  'speaking:report': (report: unknown, ack: (reply: Ack) => void) => void;
  'contribution:send': (command: unknown, ack: (reply: Ack<{ id: string }>) => void) => void;
  'contribution:withdraw': (command: unknown, ack: (reply: Ack) => void) => void;
  'question:upvote': (command: unknown, ack: (reply: Ack<OwnVotes>) => void) => void;
  'question:take': (command: unknown, ack: (reply: Ack) => void) => void;
  'vote:cast': (command: unknown, ack: (reply: Ack<OwnVotes>) => void) => void;
  /** What this person gave so far (their upvotes and ballots): asked for on joining. */
  'votes:mine': (request: unknown, ack: (reply: Ack<OwnVotes>) => void) => void;
  /** The whole view again, for a client that missed a patch or could not apply one. */
  'state:resync': (request: unknown, ack: (reply: Ack<ResyncResult>) => void) => void;
}
