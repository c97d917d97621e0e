import type { ComponentType } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { Seat } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';

type Panel = ComponentType<{ client: SessionClient; seat: Seat; visitGroupId?: string }>;

/**
 * The call. Its code (WebRTC, the pre-join check, the tiles) loads after the first screen, so a
 * participant's first download stays small.
 */
/** `visitGroupId`: a moderator visiting that table, whose call goes there. */
export function MediaStrip({ client, seat, visitGroupId }: { client: SessionClient; seat: Seat; visitGroupId?: string }) {
  const t = useT();
  const id = useId();
  const [panel, setPanel] = useState<{ Panel: Panel } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('../media/CallPanel').then(
      (module) => live && setPanel({ Panel: module.default }),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <section class="card media-strip" aria-labelledby={id} data-testid="media-strip">
      <h2 id={id}>{t('media.heading')}</h2>
      {panel ? <panel.Panel client={client} seat={seat} {...(visitGroupId ? { visitGroupId } : {})} /> : <p class="muted">{failed ? t('media.loadFailed') : t('media.loading')}</p>}
    </section>
  );
}
