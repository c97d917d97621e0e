import { useEffect, useId, useState } from 'preact/hooks';
import { termsVersion, type Seat, type SessionView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { discussionLanguages, preselectedLanguage } from '../ui/languages';

interface Props {
  client: SessionClient;
  seat: Seat;
  view: SessionView | null;
  /** Shows the interface in a language as soon as it is picked, before joining. */
  onLanguage: (language: string) => void;
}

/** The invitation's first screen: the name others will see, the language, the terms, how it works. */
export function Join({ client, seat, view, onLanguage }: Props) {
  const { t, language } = useTranslation();
  const ids = { name: useId(), how: useId(), terms: useId(), consent: useId(), form: useId() };
  const languages = view?.languages.length ? discussionLanguages(view.languages, seat) : seat.languages;
  const [name, setName] = useState(seat.name);
  const [chosen, setChosen] = useState(() => preselectedLanguage(languages, seat, language));
  // The page speaks the preselected language from the start, when the interface has it.
  useEffect(() => {
    if (chosen !== language) onLanguage(chosen);
  }, []);
  const [consent, setConsent] = useState(false);
  const [consentMissing, setConsentMissing] = useState(false);
  const { run, error, busy } = useCommand(client);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!consent) {
      setConsentMissing(true);
      return;
    }
    await run('profile:update', { displayName: name.trim(), language: chosen, consent: true, terms: termsVersion });
  };

  return (
    <div class="narrow join">
      <h1>{view ? t('join.titleSession', { title: view.title }) : t('join.title')}</h1>
      <p class="lead">{t('join.lead')}</p>
      <section class="card" aria-labelledby={ids.how}>
        <h2 id={ids.how}>{t('join.howHeading')}</h2>
        <ol class="how">
          <li>{t('join.how1')}</li>
          <li>{t('join.how2')}</li>
          <li>{t('join.how3')}</li>
          <li>{t('join.how4')}</li>
        </ol>
      </section>
      <form class="card form" onSubmit={submit} aria-labelledby={ids.form} noValidate>
        <h2 id={ids.form}>{t('join.formHeading')}</h2>
        <div class="field">
          <label for={ids.name}>{t('join.nameLabel')}</label>
          <input
            id={ids.name}
            name="displayName"
            type="text"
            autoComplete="name"
            required
            maxLength={60}
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
          <p class="hint">{t('join.nameHint')}</p>
        </div>
        <fieldset class="field">
          <legend>{t('join.languageLegend')}</legend>
          {languages.map((code) => (
            <label key={code} class="choice" lang={code}>
              <input
                type="radio"
                name="language"
                value={code}
                checked={chosen === code}
                onChange={() => {
                  setChosen(code);
                  onLanguage(code);
                }}
              />
              {languageName(code, code)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <h3>{t('join.termsHeading')}</h3>
          <p id={ids.terms}>{t('join.terms')}</p>
          <label class="choice">
            <input
              id={ids.consent}
              type="checkbox"
              name="consent"
              checked={consent}
              aria-describedby={ids.terms}
              aria-invalid={consentMissing && !consent ? 'true' : undefined}
              onChange={(e) => {
                setConsent((e.currentTarget as HTMLInputElement).checked);
                setConsentMissing(false);
              }}
            />
            {t('join.consentLabel')}
          </label>
        </div>
        <ErrorText error={consentMissing && !consent ? t('join.consentRequired') : name.trim() === '' && error ? t('join.nameRequired') : error} />
        <button type="submit" class="primary" disabled={busy || name.trim() === ''}>
          {t('join.submit')}
        </button>
      </form>
    </div>
  );
}
