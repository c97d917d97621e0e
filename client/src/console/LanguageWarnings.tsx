import { useId } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';

/** People on the roster who speak none of the session's languages, as the roster import warned. */
export function LanguageWarnings({ view }: { view: SessionView }) {
  const { t, language } = useTranslation();
  const headingId = useId();
  const warnings = view.languageWarnings ?? [];
  if (warnings.length === 0) return null;
  const names = (codes: string[]) => codes.map((code) => languageName(code, language)).join(', ');
  return (
    <section class="card language-warnings" aria-labelledby={headingId} data-testid="language-warnings">
      <h2 id={headingId}>{t('grouping.warningsHeading')}</h2>
      <p class="muted">{t('grouping.warningsLead', { languages: names(view.languages) })}</p>
      <ul>
        {warnings.map((w) => (
          <li key={w.id} data-member={w.id}>
            {t('grouping.warning', { name: w.name, languages: names(w.languages) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
