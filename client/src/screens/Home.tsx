import { useT } from '../i18n/i18n';

/** `/` without an invitation: what Roundtable is and how to get in. */
export function Home() {
  const t = useT();
  return (
    <div class="narrow">
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.lead')}</p>
      <p>{t('home.howToJoin')}</p>
      <h2>{t('home.organizersHeading')}</h2>
      <p>
        {t('home.organizers')} <a href="/api/openapi.json">{t('home.apiLink')}</a>
      </p>
    </div>
  );
}
