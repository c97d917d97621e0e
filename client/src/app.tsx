import type { i18n as I18n } from 'i18next';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { TranslationContext, loadLanguage, pickLanguage, uiLanguages, useT, type Translation, type UiLanguage } from './i18n/i18n';
import type { LiveState, SessionClient } from './live/session-client';
import { Breakout } from './screens/Breakout';
import { Console } from './screens/Console';
import { Ended } from './screens/Ended';
import { Home } from './screens/Home';
import { Join } from './screens/Join';
import { Plenary } from './screens/Plenary';
import { Problem } from './screens/Problem';
import { dataSaver } from './saver/data-saver';
import { SaverToggle, useSaver } from './saver/SaverToggle';
import { LazySurveyForm } from './survey/LazySurveyForm';
import { SurveyStep } from './survey/SurveyStep';
import { ConnectionStatus } from './ui/ConnectionStatus';
import { useLive } from './ui/hooks';
import { LanguagePicker } from './ui/LanguagePicker';
import { currentStep, takesPart, whoLabel } from './ui/names';
import { SessionTitle } from './ui/SessionTitle';
import { discussionLanguages } from './ui/languages';

const storedLanguageKey = 'roundtable.language';

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(storedLanguageKey);
  } catch {
    return null;
  }
}

/** The language the interface starts in: the last choice on this device, else the browser's. */
export function initialLanguage(): UiLanguage {
  return pickLanguage([storedLanguage(), ...navigator.languages, navigator.language]) ?? 'en';
}

/** Keeps <html lang dir> and the document title in step with the interface language. */
function useDocumentLanguage(i18n: I18n, language: UiLanguage, title: string): Translation {
  const translation = useMemo<Translation>(
    () => ({ t: i18n.getFixedT(language), language, dir: i18n.dir(language) }),
    [i18n, language],
  );
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = translation.dir;
  }, [language, translation.dir]);
  useEffect(() => {
    document.title = title ? translation.t('app.documentTitle', { title }) : translation.t('app.name');
  }, [title, translation]);
  return translation;
}

/** Shows the interface in `language` once its translations have arrived. */
function switchTo(i18n: I18n, setLanguage: (l: UiLanguage) => void, language: UiLanguage): void {
  loadLanguage(i18n, language).then(
    () => setLanguage(language),
    // Offline at that moment: the interface stays in the language it has.
    () => undefined,
  );
}

function chooseLanguage(i18n: I18n, setLanguage: (l: UiLanguage) => void, code: string): void {
  const language = pickLanguage([code]);
  if (!language) return;
  switchTo(i18n, setLanguage, language);
  try {
    localStorage.setItem(storedLanguageKey, language);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
}

/** Pages without a session: the home page, or an invitation path with no token in it. */
export function StaticApp({ i18n, page }: { i18n: I18n; page: 'home' | 'missing-link' }) {
  const [language, setLanguage] = useState<UiLanguage>(initialLanguage);
  const translation = useDocumentLanguage(i18n, language, '');
  const t = translation.t;
  return (
    <TranslationContext.Provider value={translation}>
      <header class="topbar">
        <span class="brand">{t('app.name')}</span>
        <LanguagePicker languages={[...uiLanguages]} value={language} onChange={(code) => chooseLanguage(i18n, setLanguage, code)} />
      </header>
      <main id="main" tabIndex={-1}>
        {page === 'home' ? <Home /> : <Problem problem={{ kind: 'missing-link' }} />}
      </main>
    </TranslationContext.Provider>
  );
}

/** The survey-only page of a control member's link: the questionnaire and nothing of any session. */
export function SurveyApp({ i18n, token }: { i18n: I18n; token: string }) {
  const [language, setLanguage] = useState<UiLanguage>(initialLanguage);
  const translation = useDocumentLanguage(i18n, language, '');
  const t = translation.t;
  return (
    <TranslationContext.Provider value={translation}>
      <header class="topbar">
        <a class="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <span class="brand">{t('app.name')}</span>
        <LanguagePicker languages={[...uiLanguages]} value={language} onChange={(code) => chooseLanguage(i18n, setLanguage, code)} />
      </header>
      <main id="main" tabIndex={-1}>
        <div class="narrow">
          <h1 data-testid="screen-title" data-screen="survey">
            {t('survey.pageTitle')}
          </h1>
          <LazySurveyForm token={token} />
        </div>
      </main>
    </TranslationContext.Provider>
  );
}

/** One person in one live session: which screen they see follows their role and the session's state. */
export function SessionApp({ i18n, client }: { i18n: I18n; client: SessionClient }) {
  const live = useLive(client);
  const saver = useSaver();
  const [language, setLanguage] = useState<UiLanguage>(initialLanguage);
  const { seat, view } = live;

  // The participant's own choice, as the server recorded it, wins over this device's guess.
  useEffect(() => {
    const chosen = pickLanguage([seat?.language]);
    if (chosen) switchTo(i18n, setLanguage, chosen);
  }, [i18n, seat?.language]);

  useEffect(() => {
    client.start();
    return () => client.close();
  }, [client]);

  // Images and other extras hold back while data saver is on (see styles.css).
  useEffect(() => {
    document.documentElement.dataset.saver = saver.on ? 'on' : 'off';
  }, [saver.on]);

  // The clock sync's round trip is a measure of the link as this page really has it.
  useEffect(() => {
    if (live.rttMs !== null) dataSaver().report({ rttMs: live.rttMs });
  }, [live.rttMs]);

  const translation = useDocumentLanguage(i18n, language, view?.title ?? '');
  const t = translation.t;
  const main = useRef<HTMLElement>(null);
  const screen = screenOf(live);
  // When the screen changes under a control that had focus (the join form, a finished step), focus
  // goes to the new screen rather than being lost; focus someone placed elsewhere stays put.
  const shownBefore = useRef<string | null>(null);
  useEffect(() => {
    const before = shownBefore.current;
    shownBefore.current = screen;
    // The first screen after loading keeps the browser's own starting point (the skip link first).
    if (before === null || before === 'loading') return;
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) main.current?.focus({ preventScroll: true });
  }, [screen]);
  // A participant picks among the languages their roster entry offers them (they are also the discussion's).
  const offered = view ? (seat?.memberId ? discussionLanguages(view.languages, seat) : view.languages) : [...uiLanguages];
  const pickerLanguages = offered.filter((l) => pickLanguage([l]) !== null);

  const who = seat && seat.consented ? whoLabel(t, seat) : '';
  const whoId = useId();

  const changeLanguage = (code: string) => {
    chooseLanguage(i18n, setLanguage, code);
    // A joined participant's language is part of their profile: the server keeps it for next time.
    if (seat?.memberId && seat.consented && seat.language !== code && view?.languages.includes(code)) {
      void client.send('profile:update', { displayName: seat.name, language: code, consent: true });
    }
  };

  return (
    <TranslationContext.Provider value={translation}>
      <header class="topbar">
        <a class="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <span class="brand">{t('app.name')}</span>
        {view && <SessionTitle title={view.title} who={who} whoId={whoId} />}
        <ConnectionStatus connection={live.connection} saver={saver} />
        <SaverToggle />
        {who && (
          <span class="who" id={whoId} data-testid="who">
            {who}
          </span>
        )}
        {pickerLanguages.length > 1 && <LanguagePicker languages={pickerLanguages} value={language} onChange={changeLanguage} />}
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Screen client={client} live={live} onLanguage={changeLanguage} />
      </main>
    </TranslationContext.Provider>
  );
}

/** Which screen the person sees, as a key that changes when the screen does. */
function screenOf({ seat, view, problem }: LiveState): string {
  if (problem) return `problem:${problem.kind}`;
  if (!seat || !view) return 'loading';
  if (view.status === 'ended' && (takesPart(seat.role) || !seat.consented)) return 'ended';
  if (seat.memberId && !seat.consented) return 'join';
  if (!takesPart(seat.role)) return 'console';
  if (currentStep(view)?.kind === 'breakout' && view.group) return `breakout:${view.group.id}`;
  if (surveyRunning(view)) return `survey:${view.stepIndex}`;
  return `plenary:${view.stepIndex}`;
}

function Screen({ client, live, onLanguage }: { client: SessionClient; live: LiveState; onLanguage: (code: string) => void }) {
  const { seat, view, problem } = live;
  if (problem) return <Problem problem={problem} />;
  if (!seat || !view) return <Loading />;
  // An invitation opened after the end has nothing left to join.
  if (view.status === 'ended' && (takesPart(seat.role) || !seat.consented)) return <Ended view={view} />;
  if (seat.memberId && !seat.consented) return <Join client={client} seat={seat} view={view} onLanguage={onLanguage} />;
  if (!takesPart(seat.role)) return <Console client={client} live={live} view={view} seat={seat} />;
  if (currentStep(view)?.kind === 'breakout' && view.group) {
    return <Breakout key={view.group.id} client={client} live={live} view={view} seat={seat} group={view.group} />;
  }
  if (surveyRunning(view)) return <SurveyStep client={client} live={live} view={view} />;
  return <Plenary client={client} live={live} view={view} seat={seat} />;
}

/** A survey step is answered while it runs; in the lobby and after it, the plenary screen shows. */
function surveyRunning(view: LiveState['view'] & object): boolean {
  return currentStep(view)?.kind === 'survey' && (view.status === 'running' || view.status === 'paused');
}

function Loading() {
  const t = useT();
  return (
    <div class="narrow">
      <h1 data-testid="screen-title" data-screen="loading">
        {t('app.loading')}
      </h1>
    </div>
  );
}
