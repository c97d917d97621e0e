import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import { Agenda } from '../ui/Agenda';

export function Ended({ view }: { view: SessionView }) {
  const t = useT();
  return (
    <div class="narrow">
      <h1 data-testid="screen-title" data-screen="ended">
        {t('ended.title')}
      </h1>
      <p class="lead">{t('ended.text', { title: view.title })}</p>
      <Agenda view={view} />
    </div>
  );
}
