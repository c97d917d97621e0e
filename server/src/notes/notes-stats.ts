/** Counters of what the notes did and refused, for logs, tests and the benchmark. */
export interface NotesStats {
  connectionsOpened: number;
  upgradesRefused: number;
  appliedUpdates: number;
  /** Edits sent by read-only connections, dropped. */
  rejectedWrites: number;
  refusedTooLarge: number;
  refusedMalformed: number;
  refusedRateLimited: number;
  /** Awareness entries a connection sent for a client id not its own, dropped. */
  droppedAwareness: number;
  /** Connections closed because the session took their access away. */
  accessRevoked: number;
  flushes: number;
  flushedBytes: number;
  compactions: number;
}

export function newNotesStats(): NotesStats {
  return {
    connectionsOpened: 0,
    upgradesRefused: 0,
    appliedUpdates: 0,
    rejectedWrites: 0,
    refusedTooLarge: 0,
    refusedMalformed: 0,
    refusedRateLimited: 0,
    droppedAwareness: 0,
    accessRevoked: 0,
    flushes: 0,
    flushedBytes: 0,
    compactions: 0,
  };
}
