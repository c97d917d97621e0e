import { useId } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';

/** Before the session starts: which texts of the agenda still lack which session language. */
export function MissingTranslations({ view }: { view: SessionView }) {
  const { t, language } = useTranslation();
  const headingId = useId();
  const missing = view.missingTranslations ?? [];
  if (view.status !== 'lobby' || missing.length === 0) return null;
  const textName = (text: string) => {
    const question = /^questions\.(\d+)$/.exec(text);
    return question ? t('content.question', { n: Number(question[1]) + 1 }) : t(text === 'note' ? 'content.note' : 'content.title');
  };
  return (
    <section class="card" aria-labelledby={headingId} data-testid="missing-translations">
      <h2 id={headingId}>{t('content.missingHeading')}</h2>
      <p class="muted">{t('content.missingLead')}</p>
      <ul>
        {missing.map((m) => (
          <li key={`${m.stepIndex} ${m.text}`}>
            {t('content.missingItem', {
              n: m.stepIndex,
              title: view.agenda[m.stepIndex]?.title ?? '',
              text: textName(m.text),
              languages: m.missing.map((l) => languageName(l, language)).join(', '),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
