import type { Banner, SessionClient } from '../live/session-client';
import { useT } from '../i18n/i18n';
import { groupLabel } from './names';

/** Moderators' messages as banners; the container is live so new ones are read out once. */
export function Broadcasts({ client, broadcasts }: { client: SessionClient; broadcasts: Banner[] }) {
  const t = useT();
  return (
    <div class="broadcasts" aria-live="polite">
      {broadcasts.map((b) => (
        <div class="broadcast" key={b.id} data-testid="broadcast">
          <p>
            <strong>{b.groupId ? t('broadcast.fromToGroup', { name: b.from, group: groupLabel(t, b.groupId) }) : t('broadcast.from', { name: b.from })}</strong>{' '}
            <span class="broadcast-text">{b.text}</span>
          </p>
          <button type="button" class="ghost" onClick={() => client.dismissBroadcast(b.id)}>
            {t('broadcast.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
