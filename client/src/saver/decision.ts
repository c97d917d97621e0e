/**
 * When data saver is on. Pure: the signals come from the browser, the live socket and the call
 * (see data-saver.ts); the person's own choice, when they made one, always wins.
 */

/** The person's choice on this device: decided for them from the connection, or switched on or off by hand. */
export type SaverChoice = 'auto' | 'on' | 'off';

/** What the connection looks like, as far as this page can tell; every signal is optional. */
export interface ConnectionSignals {
  /** The browser's "Data Saver" / metered-connection preference (`navigator.connection.saveData`). */
  saveData?: boolean;
  /** `navigator.connection.effectiveType`: slow-2g, 2g, 3g or 4g. */
  effectiveType?: string;
  /** The tightest round trip of the last clock sync over the live socket. */
  rttMs?: number | null;
  /** LiveKit's verdict on this person's call connection. */
  callQuality?: 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';
}

/** Why data saver is on: the person asked, or which signal switched it on. */
export type SaverReason = 'choice' | 'saveData' | 'slowNetwork' | 'roundTrip' | 'callQuality';

export interface SaverDecision {
  on: boolean;
  /** null when off. */
  reason: SaverReason | null;
}

const slowTypes = new Set(['slow-2g', '2g', '3g']);
/**
 * At or above this the live socket is on a satellite, a congested mobile cell or worse (good 4G: under
 * 150 ms). Chromium's effectiveType already says 3g from 270 ms; this is for browsers without it, and
 * set high enough that a busy machine's pause is not taken for a weak link (the tightest of five
 * round trips must be this slow).
 */
export const weakRoundTripMs = 500;

/** What the browser's Network Information says, as signals. */
export function browserSignals(connection: { saveData?: boolean | undefined; effectiveType?: string | undefined } | undefined): ConnectionSignals {
  return {
    ...(connection?.saveData !== undefined ? { saveData: connection.saveData } : {}),
    ...(connection?.effectiveType !== undefined ? { effectiveType: connection.effectiveType } : {}),
  };
}

/** The first signal that says the connection is weak, or null when none does. */
export function weakSignal(signals: ConnectionSignals): Exclude<SaverReason, 'choice'> | null {
  if (signals.saveData === true) return 'saveData';
  if (signals.effectiveType !== undefined && slowTypes.has(signals.effectiveType)) return 'slowNetwork';
  if (typeof signals.rttMs === 'number' && signals.rttMs >= weakRoundTripMs) return 'roundTrip';
  if (signals.callQuality === 'poor' || signals.callQuality === 'lost') return 'callQuality';
  return null;
}

/**
 * `latched`: the reason it switched on by itself earlier on this page. Once on, it stays on until the
 * page is reloaded or the person switches it off: turning video off makes a weak link look better,
 * and switching back at once would bring the video, and the trouble, back.
 */
export function decideSaver(choice: SaverChoice, signals: ConnectionSignals, latched: SaverReason | null = null): SaverDecision {
  if (choice === 'on') return { on: true, reason: 'choice' };
  if (choice === 'off') return { on: false, reason: null };
  const reason = weakSignal(signals) ?? (latched === 'choice' ? null : latched);
  return reason ? { on: true, reason } : { on: false, reason: null };
}

/** The choice as stored on this device; anything unreadable counts as automatic. */
export function parseChoice(raw: string | null | undefined): SaverChoice {
  return raw === 'on' || raw === 'off' ? raw : 'auto';
}
