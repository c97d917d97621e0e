import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { msToNextTick } from '../time/countdown';

/** Milliseconds until the server's moment `at`, re-rendered as the shown second changes. */
export function useMsUntil(client: SessionClient, at: number | null, serverNow: number): number | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (at === null) return;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const left = at - Math.max(client.serverNow(), serverNow);
      if (left <= 0) return;
      timer = setTimeout(() => {
        setTick((n) => n + 1);
        schedule();
      }, msToNextTick(left) + 5);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [client, at, serverNow]);
  return at === null ? null : Math.max(0, at - Math.max(client.serverNow(), serverNow));
}

/**
 * "Rooms close in 45 s", in every room and in the console, while a breakout's rooms close. The
 * figure is not live (it changes every second); a screen reader hears once that they close.
 */
export function RoomsClosing({ client, view }: { client: SessionClient; view: SessionView }) {
  const t = useT();
  const ms = useMsUntil(client, view.closing?.at ?? null, view.serverNow);
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
