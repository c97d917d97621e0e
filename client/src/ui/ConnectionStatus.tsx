import type { JSX } from 'preact';
import type { Connection } from '../live/session-client';
import { useT } from '../i18n/i18n';
import type { SaverState } from '../saver/data-saver';

/** What the header says about the connection: the socket's state, or a weak link that data saver answered. */
type Shown = Connection | 'weak';

const stroke = { fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' } as const;

/** One small picture per state, beside the words (which say it for screen readers). */
const icons: Record<Shown, () => JSX.Element> = {
  // A tick: all is well.
  connected: () => <path d="M5 12l5 5 9-10" {...stroke} />,
  // Two arrows chasing each other: trying.
  connecting: () => <path d="M20 12a8 8 0 0 1-14 5M4 12a8 8 0 0 1 14-5M18 3v4h-4M6 21v-4h4" {...stroke} />,
  reconnecting: () => <path d="M20 12a8 8 0 0 1-14 5M4 12a8 8 0 0 1 14-5M18 3v4h-4M6 21v-4h4" {...stroke} />,
  // A signal crossed out: no network.
  offline: () => <path d="M2 8.5a15 15 0 0 1 20 0M5.5 12a10 10 0 0 1 13 0M9 15.5a5 5 0 0 1 6 0M12 19h.01M3 3l18 18" {...stroke} />,
  // One bar of signal out of three.
  weak: () => (
    <>
      <path d="M5 20v-3" {...stroke} />
      <path d="M12 20v-8M19 20V6" {...stroke} stroke-opacity="0.35" />
    </>
  ),
  // Two windows.
  tooManyWindows: () => <path d="M3 7h12v11H3zM9 3h12v11" {...stroke} />,
};

/**
 * Always on screen: whether what the page shows is live, in words and a picture; when the link is
 * weak enough that data saver switched on by itself, it says so. A polite live region: each change
 * is spoken once, as one sentence.
 */
export function ConnectionStatus({ connection, saver }: { connection: Connection; saver: SaverState }) {
  const t = useT();
  const weak = connection === 'connected' && saver.on && saver.reason !== 'choice';
  const shown: Shown = weak ? 'weak' : connection;
  const Icon = icons[shown];
  const label = shown === 'tooManyWindows' ? t('limits.tooManyWindows') : shown === 'weak' ? t('saver.weak') : t(`connection.${shown}`);
  // What becomes of one's work meanwhile: the answer to "have I lost my place?".
  const detail = shown === 'reconnecting' ? t('saver.kept') : shown === 'offline' ? t('saver.notSaved') : '';
  return (
    <p class={`connection connection-${shown}`} role="status" aria-atomic="true" data-testid="connection" data-state={connection} data-weak={weak ? 'true' : 'false'}>
      <svg class="connection-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <Icon />
      </svg>
      <span class={shown === 'connected' ? 'visually-hidden' : 'connection-label'}>
        {label}
        {detail && <span class="connection-detail"> {detail}</span>}
      </span>
    </p>
  );
}
