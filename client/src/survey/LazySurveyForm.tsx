import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n';

type Form = (typeof import('./SurveyForm'))['SurveyForm'];

/**
 * The questionnaire is fetched when a survey opens, not with the first screen: most of a session
 * has none, and every kilobyte counts on a weak link.
 */
export function LazySurveyForm({ token }: { token: string }) {
  const t = useT();
  const [form, setForm] = useState<{ Form: Form } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('./SurveyForm').then(
      (m) => live && setForm({ Form: m.SurveyForm }),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  if (failed) return <p class="error-text">{t('survey.loadFailed')}</p>;
  if (!form) return <p class="muted">{t('survey.loading')}</p>;
  return <form.Form token={token} />;
}
