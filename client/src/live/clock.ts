/** One `time:sync` round trip: client clock when sent and when answered, server clock in between. */
export interface ClockSample {
  sentAt: number;
  receivedAt: number;
  serverNow: number;
}

export interface ClockOffset {
  /** Add to the client's clock to get the server's. */
  offsetMs: number;
  /** Round trip of the sample the offset came from; the shorter, the tighter the estimate. */
  rttMs: number;
}

/**
 * The server clock offset from round trips (Cristian's method): the server read its clock about
 * half-way through the round trip, and the sample with the shortest round trip bounds the error best.
 */
export function offsetFrom(samples: readonly ClockSample[]): ClockOffset | null {
  let best: ClockOffset | null = null;
  for (const s of samples) {
    const rttMs = s.receivedAt - s.sentAt;
    if (!(rttMs >= 0)) continue;
    const offsetMs = s.serverNow - (s.sentAt + rttMs / 2);
    if (!best || rttMs < best.rttMs) best = { offsetMs, rttMs };
  }
  return best;
}
