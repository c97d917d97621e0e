import type { SessionView } from '../../../shared/session';

const second = 1000;
const minute = 60 * second;

/**
 * What the countdown shows, in milliseconds: the time left of the running step from its absolute
 * deadline and the server's clock, what was left when paused, or null when nothing is counting
 * (lobby, ended). A `hold` step past its deadline stays at zero until the moderator moves on.
 */
export function remainingMs(view: Pick<SessionView, 'status' | 'endsAt' | 'remainingMs'>, serverNow: number): number | null {
  if (view.status === 'paused') return Math.max(0, view.remainingMs ?? 0);
  if (view.status !== 'running' || view.endsAt === null) return null;
  return Math.max(0, view.endsAt - serverNow);
}

/** 35:00, 04:59, 00:00, or 1:05:00 past an hour. Seconds round up, so zero shows only at zero. */
export function formatClock(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / second);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Whole minutes left, rounded up: what a person reads off the clock. */
export function minutesLeft(ms: number): number {
  return Math.ceil(Math.max(0, ms) / minute);
}

/**
 * Whether passing into this minute is worth saying to a screen reader: every minute of the last
 * five, then every fifth. The visible clock changes every second; the spoken one does not.
 */
export function isAnnouncedMinute(minutes: number): boolean {
  return minutes > 0 && (minutes <= 5 || minutes % 5 === 0);
}

/** Milliseconds until the shown second changes, so the clock re-renders on the tick and not between. */
export function msToNextTick(ms: number): number {
  const rest = ms % second;
  return rest === 0 ? second : rest;
}
