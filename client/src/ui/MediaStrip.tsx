import { useId } from 'preact/hooks';
import { useT } from '../i18n/i18n';

/** Where audio and video will go (their own issue); for now it says how to talk. */
export function MediaStrip() {
  const t = useT();
  const id = useId();
  return (
    <section class="card media-strip" aria-labelledby={id} data-testid="media-strip">
      <h2 id={id}>{t('media.heading')}</h2>
      <p class="muted">{t('media.placeholder')}</p>
    </section>
  );
}
