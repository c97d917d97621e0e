import type { i18n as I18n } from 'i18next';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { TranslationContext, loadLanguage, pickLanguage, uiLanguages, type Translation, type UiLanguage } from '../i18n/i18n';
import { LanguagePicker } from '../ui/LanguagePicker';
import { SurveyForm } from './SurveyForm';

/** The survey-only page of a control member's link: the questionnaire and nothing of any session. */
export function SurveyApp({ i18n, token, initial }: { i18n: I18n; token: string; initial: UiLanguage }) {
  const [language, setLanguage] = useState<UiLanguage>(initial);
  const translation = useMemo<Translation>(() => ({ t: i18n.getFixedT(language), language, dir: i18n.dir(language) }), [i18n, language]);
  const t = translation.t;
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = translation.dir;
    document.title = t('survey.pageTitle');
  }, [language, translation, t]);
  const choose = (code: string) => {
    const next = pickLanguage([code]);
    if (next) void loadLanguage(i18n, next).then(() => setLanguage(next), () => undefined);
  };
  return (
    <TranslationContext.Provider value={translation}>
      <header class="topbar">
        <a class="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <span class="brand">{t('app.name')}</span>
        <LanguagePicker languages={[...uiLanguages]} value={language} onChange={choose} />
      </header>
      <main id="main" tabIndex={-1}>
        <div class="narrow">
          <h1 data-testid="screen-title" data-screen="survey">
            {t('survey.pageTitle')}
          </h1>
          <SurveyForm token={token} />
        </div>
      </main>
    </TranslationContext.Provider>
  );
}
