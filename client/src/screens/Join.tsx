import { useEffect, useId, useState } from 'preact/hooks';
import { termsVersion, type Seat, type SessionView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { Listen } from '../easy/Listen';
import { PhasesPicture } from '../easy/PhasesPicture';
import { ErrorText } from '../ui/ErrorText';
import { Icon } from '../ui/icons';
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
  const ids = { name: useId(), terms: useId(), form: useId() };
  const languages = view?.languages.length ? discussionLanguages(view.languages, seat) : seat.languages;
  const [name, setName] = useState(seat.name);
  const [chosen, setChosen] = useState(() => preselectedLanguage(languages, seat, language));
  // The page speaks the preselected language from the start, when the interface has it.
  useEffect(() => {
    if (chosen !== language) onLanguage(chosen);
  }, []);
  const { run, error, busy } = useCommand(client);

  // Pressing the one button is the agreement: the terms are right above it, in words and aloud.
  const submit = async (event: Event) => {
    event.preventDefault();
    await run('profile:update', { displayName: name.trim(), language: chosen, consent: true, terms: termsVersion });
  };
  const said = [t('easy.join1'), t('easy.join2'), t('easy.join3')];

  return (
    <div class="narrow join">
      <h1>{view ? t('join.titleSession', { title: view.title }) : t('join.title')}</h1>
      <PhasesPicture />
      <div class="join-said">
        {said.map((sentence) => (
          <p key={sentence} class="lead">
            {sentence}
          </p>
        ))}
        <Listen text={[...said, t('join.terms')].join(' ')} language={language} what={t('easy.whatJoin')} />
      </div>
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
        <details class="field terms">
          <summary>{t('join.termsHeading')}</summary>
          <p id={ids.terms}>{t('join.terms')}</p>
        </details>
        <ErrorText error={name.trim() === '' && error ? t('join.nameRequired') : error} />
        <button type="submit" class="primary join-button" disabled={busy || name.trim() === ''} aria-describedby={ids.terms}>
          <Icon name="join" />
          {t('join.submit')}
        </button>
      </form>
    </div>
  );
}
