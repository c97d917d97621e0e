import { render } from 'preact';
import { SessionApp, StaticApp, SurveyApp, initialLanguage } from './app';
import { createI18n, loadLanguage } from './i18n/i18n';
import { SessionClient } from './live/session-client';

/**
 * Entry point. An invitation (`/join#<token>`, `/console#<token>`) carries its token in the
 * fragment, which browsers never send to the server; the server tells who it belongs to.
 */
const token = decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
const root = document.getElementById('app')!;
const language = initialLanguage();
const i18n = createI18n(language);
// A control member's survey-only link opens no session and no live connection.
const surveyOnly = token !== '' && window.location.pathname === '/survey';
const client = token && !surveyOnly ? new SessionClient(window.location.origin, token) : null;
// The live connection opens while the translations come: on a slow link each costs round trips,
// and the first screen needs both.
client?.start();
// Only the language this person reads is fetched before the first screen.
await loadLanguage(i18n, language);

if (surveyOnly) {
  render(<SurveyApp i18n={i18n} token={token} />, root);
} else if (client) {
  render(<SessionApp i18n={i18n} client={client} />, root);
} else {
  render(<StaticApp i18n={i18n} page={window.location.pathname === '/' ? 'home' : 'missing-link'} />, root);
}

// Another invitation pasted into this tab changes only the fragment: start over with it.
window.addEventListener('hashchange', () => window.location.reload());
