import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useMsUntil } from './hooks';

/**
 * "Rooms close in 45 s", in every room and in the console, while a breakout's rooms close. The
 * figure is not live (it changes every second); a screen reader hears once that they close.
 */
export function RoomsClosing({ client, view, offsetMs }: { client: SessionClient; view: SessionView; offsetMs: number }) {
  const t = useT();
  const ms = useMsUntil(client, view.closing?.at ?? null, view.serverNow, offsetMs);
  if (!view.closing || ms === null) return null;
  const seconds = Math.ceil(ms / 1000);
  const next = view.closing.toStep === null ? null : view.agenda[view.closing.toStep];
  return (
    <div class="warning-banner rooms-closing" data-testid="rooms-closing">
      <p role="alert" class="visually-hidden">
        {t('closing.announcement')}
      </p>
      <p class="rooms-closing-time" role="timer">
        <strong>{seconds > 0 ? t('closing.in', { count: seconds }) : t('closing.now')}</strong>
      </p>
      <p>{next ? t('closing.then', { title: next.title }) : t('closing.thenEnd')}</p>
    </div>
  );
}
