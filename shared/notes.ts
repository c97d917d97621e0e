import { z } from 'zod';

/**
 * The wire contract of a group's shared notes: how a client asks for access over the session
 * socket, and what the notes' own WebSocket (the y-websocket protocol at `/yjs/<docName>`) says
 * besides Yjs sync and awareness.
 */

export const notesAccessLevels = ['write', 'read', 'none'] as const;
export const NotesAccess = z.enum(notesAccessLevels);
export type NotesAccess = z.infer<typeof NotesAccess>;

/** `notes:token`: which group's notes to open; by default the caller's own (current or last) group. */
export const NotesTokenRequest = z
  .object({
    stepIndex: z.number().int().min(0).max(1000).optional(),
    groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a group id such as g1').optional(),
  })
  .default({});
export type NotesTokenRequest = z.infer<typeof NotesTokenRequest>;

/** The ack's `result`: a short-lived token for the notes' WebSocket at `url` (which ends with `/<docName>`). */
export const NotesGrant = z.object({
  token: z.string(),
  url: z.string(),
  docName: z.string(),
  access: z.enum(['write', 'read']),
  stepIndex: z.number().int(),
  groupId: z.string(),
  /** When the token stops opening connections (server ms); an open connection outlives it. */
  expiresAt: z.number(),
});
export type NotesGrant = z.infer<typeof NotesGrant>;

/** `notes:scroll` from the presenting group's rapporteur: bring everyone to a heading of the notes. */
export const NotesScrollCommand = z.object({ heading: z.string().trim().min(1).max(1000) });
export type NotesScrollCommand = z.infer<typeof NotesScrollCommand>;

export const NotesScrollEvent = z.object({
  groupId: z.string(),
  stepIndex: z.number().int(),
  heading: z.string(),
  from: z.string(),
  serverNow: z.number(),
});
export type NotesScrollEvent = z.infer<typeof NotesScrollEvent>;

/** One group's notes as the moderators see them: who is connected, and when it last changed. */
export const NotesGroupActivity = z.object({
  /** People who typed in these notes in the last 30 s (not everyone with the editor open). */
  writers: z.number().int().min(0),
  /** Open connections that may only read. */
  readers: z.number().int().min(0),
  /** Server ms of the last edit applied (null: none since this server started). */
  lastEditAt: z.number().nullable(),
});
export type NotesGroupActivity = z.infer<typeof NotesGroupActivity>;

/** `notes:activity`, to staff and observers only: the notes of the current breakout's groups. */
export const NotesActivity = z.object({
  sessionId: z.string(),
  stepIndex: z.number().int(),
  groups: z.record(z.string(), NotesGroupActivity),
  serverNow: z.number(),
});
export type NotesActivity = z.infer<typeof NotesActivity>;

/** The name of the shared text inside every notes document. */
export const NOTES_TEXT = 'notes';

/**
 * Close codes of the notes' WebSocket. 4400–4499 mirror HTTP 4xx: the server decided, and
 * reconnecting as is cannot help (y-websocket's provider stops retrying on these). 1001 means the
 * server is going away (restart): reconnect.
 */
export const notesCloseCodes = {
  goingAway: 1001,
  malformed: 4400,
  unauthorized: 4401,
  forbidden: 4403,
  tooLarge: 4413,
  rateLimited: 4429,
} as const;
export type NotesCloseReason = keyof typeof notesCloseCodes;

/**
 * Roundtable's notices ride on y-websocket's auth message (type 2), which every y-websocket client
 * reads: a refused edit is the standard permission-denied (subtype 0: any client logs its reason),
 * and what a connection may do is subtype 100, which other clients skip. Each carries one varString,
 * a NotesNotice as JSON.
 */
export const messageAuth = 2;
export const authPermissionDenied = 0;
export const authNotesAccess = 100;

export const NotesNotice = z.discriminatedUnion('type', [
  /** Sent on connect and whenever the session changes what this connection may do. */
  z.object({ type: z.literal('access'), access: z.enum(['write', 'read']) }),
  /** An update from this connection was not applied (read-only, too large, malformed). */
  z.object({ type: z.literal('rejected'), code: z.enum(['READ_ONLY', 'TOO_LARGE', 'MALFORMED', 'RATE_LIMITED']), message: z.string() }),
]);
export type NotesNotice = z.infer<typeof NotesNotice>;

/**
 * `GET /api/sessions/:id/notes`. `step` is the step's index in the agenda, counted from 0 (the
 * number every route, export heading and file name uses). `names`: `none` is the publication
 * (roles only, as the join terms promise); `staff` adds who sat at each table (organizer only).
 * `version`: `final` is the notes as they are now, with edits made after the breakout marked;
 * `breakout-end` the notes as they stood when their breakout ended.
 */
export const notesExportVersions = ['final', 'breakout-end'] as const;
export const NotesExportQuery = z.object({
  format: z.enum(['md', 'html', 'json']).default('md'),
  group: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  step: z.coerce.number().int().min(0).max(1000).optional(),
  names: z.enum(['none', 'staff']).default('none'),
  version: z.enum(notesExportVersions).default('final'),
});
export type NotesExportQuery = z.infer<typeof NotesExportQuery>;

/** Who sat at the table: the role always; id and name in the staff export only. */
export const NotesExportMember = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  role: z.string(),
  rapporteur: z.boolean(),
});
export type NotesExportMember = z.infer<typeof NotesExportMember>;

/** What changed in a group's notes after its breakout ended (in the `final` version only). */
export const NotesAfterBreakout = z.object({
  /** Server ms when the breakout ended. */
  breakoutEndedAt: z.number(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
});
export type NotesAfterBreakout = z.infer<typeof NotesAfterBreakout>;

export const NotesExportGroup = z.object({
  groupId: z.string(),
  language: z.string().nullable(),
  members: z.array(NotesExportMember),
  text: z.string(),
  /** Null when nothing changed after the breakout (or it has not ended, or this is the breakout-end version). */
  afterBreakout: NotesAfterBreakout.nullable(),
});

export const NotesExportStep = z.object({
  stepIndex: z.number().int(),
  /** As the organizer gave them, in the session's first language (`language`). */
  title: z.string(),
  questions: z.array(z.string()),
  /** The language `title` and `questions` are in. */
  language: z.string().optional(),
  /** The same texts in each other language they are given in (null where not translated). */
  translations: z.record(z.string(), z.object({ title: z.string().nullable(), questions: z.array(z.string().nullable()) })).optional(),
  groups: z.array(NotesExportGroup),
});

export const NotesExport = z
  .object({
    session: z.object({ id: z.string(), title: z.string() }),
    exportedAt: z.number(),
    names: z.enum(['none', 'staff']),
    version: z.enum(notesExportVersions),
    steps: z.array(NotesExportStep),
  })
  .meta({ id: 'NotesExport' });
export type NotesExport = z.infer<typeof NotesExport>;
