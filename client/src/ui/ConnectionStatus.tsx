import type { Connection } from '../live/session-client';
import { useT } from '../i18n/i18n';

/** Always on screen: whether what the page shows is live. */
export function ConnectionStatus({ connection }: { connection: Connection }) {
  const t = useT();
  return (
    <p class={`connection connection-${connection}`} role="status" data-testid="connection" data-state={connection}>
      <span class="connection-dot" aria-hidden="true" />
      <span class={connection === 'connected' ? 'visually-hidden' : 'connection-label'}>
        {connection === 'tooManyWindows' ? t('limits.tooManyWindows') : t(`connection.${connection}`)}
      </span>
    </p>
  );
}
