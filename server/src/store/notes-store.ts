/** One group's notes of one breakout step. */
export interface NotesKey {
  sessionId: string;
  stepIndex: number;
  groupId: string;
}

/** Yjs updates as stored: the latest snapshot and the updates appended since, oldest first. */
export interface StoredNotes {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** The sequence number of the newest update (0 when none was appended): `compact` takes it. */
  through: number;
}

/** A named version kept for good, e.g. the notes as they stood when the breakout ended. */
export interface NotesVersion {
  label: string;
  at: number;
  state: Uint8Array;
  /** Who was in the group then, and similar context (JSON). */
  meta: Record<string, unknown>;
}

/**
 * Where the groups' notes live. Edits are appended as they arrive (in batches, one durable write
 * for many documents), and now and then the appended updates are folded into one snapshot. Holds
 * bytes only: it knows nothing of Yjs.
 */
export interface NotesStore {
  /**
   * Appends updates to several documents at once, durably, all or nothing. Resolves with the
   * sequence number of the last one written (sequence numbers only grow), for `compact`.
   */
  append(batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>): Promise<number>;
  /** Null when nothing was ever stored for `key`. */
  load(key: NotesKey): Promise<StoredNotes | null>;
  /** Replaces the snapshot by `snapshot` and drops the updates it covers (sequence ≤ `through`). */
  compact(key: NotesKey, snapshot: Uint8Array, through: number): Promise<void>;
  /** Keeps a version under `label`, replacing an earlier one with that label. */
  keepVersion(key: NotesKey, version: NotesVersion): Promise<void>;
  version(key: NotesKey, label: string): Promise<NotesVersion | null>;
  /** Every document stored for a session, ordered by step then group. */
  list(sessionId: string): Promise<NotesKey[]>;
  close(): Promise<void>;
}

/** `g2` before `g10`. */
export function compareNotesKeys(a: NotesKey, b: NotesKey): number {
  return a.stepIndex - b.stepIndex || a.groupId.localeCompare(b.groupId, 'en', { numeric: true });
}
