/**
 * What a node does with one open document when other nodes may hold it open too: it tells them
 * of the changes and cursors made through it, hears theirs, and learns whether it is the one node
 * that stores the document (only one does, so stored updates and snapshots never race).
 */
export interface NotesDocLink {
  /** True while this node stores the document. */
  readonly stores: boolean;
  /** A change made through this node. */
  publishUpdate(update: Uint8Array): void;
  /** Awareness (cursors, names) changed through this node. */
  publishAwareness(update: Uint8Array): void;
  /** Asks the other nodes holding the document for what one at `stateVector` lacks (it was just loaded here). */
  askOthers(stateVector: Uint8Array): void;
  /** The document is unloaded here: stop hearing of it, and let another node store it. */
  leave(): Promise<void>;
}

export interface NotesDocPeer {
  /** A change made on another node. */
  applyUpdate(update: Uint8Array): void;
  applyAwareness(update: Uint8Array): void;
  /** What this node has that a node holding `stateVector` lacks (another node just opened it). */
  missingFrom(stateVector: Uint8Array): Uint8Array | null;
  /** This node has just become the one that stores the document. */
  startStoring(): void;
  /** Another node stores the document now. */
  stopStoring(): void;
}

export interface NotesFanout {
  join(name: string, peer: NotesDocPeer): Promise<NotesDocLink>;
  close(): Promise<void>;
}

/** One process: no other node to tell; this one always stores. */
export const localNotesFanout: NotesFanout = {
  async join() {
    return { stores: true, publishUpdate: () => undefined, publishAwareness: () => undefined, askOthers: () => undefined, leave: async () => undefined };
  },
  async close() {},
};
