import type { TFunction } from 'i18next';
import type { Banner, SessionClient } from '../live/session-client';
import { useT } from '../i18n/i18n';
import { Icon } from './icons';
import { groupLabel } from './names';

/** Who a banner is from: the moderator's name, or the moderators when the sender has no name of their own. */
function sender(t: TFunction, { from, groupId }: Pick<Banner, 'from' | 'groupId'>): string {
  if (from === null) return groupId ? t('phones.fromModerationToGroup', { group: groupLabel(t, groupId) }) : t('phones.fromModeration');
  return groupId ? t('broadcast.fromToGroup', { name: from, group: groupLabel(t, groupId) }) : t('broadcast.from', { name: from });
}

/** Moderators' messages as banners; the container is live so new ones are read out once. */
export function Broadcasts({ client, broadcasts }: { client: SessionClient; broadcasts: Banner[] }) {
  const t = useT();
  return (
    <div class="broadcasts" aria-live="polite">
      {broadcasts.map((b) => (
        <div class="broadcast" key={b.id} data-testid="broadcast">
          <p>
            <strong>{sender(t, b)}</strong>{' '}
            <span class="broadcast-text">{b.text}</span>
          </p>
          <button type="button" class="ghost" onClick={() => client.dismissBroadcast(b.id)}>
            <Icon name="close" />
            {t('broadcast.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
