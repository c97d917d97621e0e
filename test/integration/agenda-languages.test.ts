import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../../shared/api';
import type { Ack } from '../../shared/protocol';
import { SessionView, termsVersion, type CreateSessionInput } from '../../shared/session';
import { ManualClock } from '../support/manual-clock';
import { createSession, liveClient, nextEvent, startServer, type LiveClient, type RunningServer } from '../support/test-server';

let server: RunningServer;
const opened: LiveClient[] = [];

beforeEach(async () => {
  server = await startServer({ clock: new ManualClock() });
});
afterEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await server.close();
});

const agenda: CreateSessionInput = {
  title: 'Forum',
  languages: ['en', 'fr', 'es'],
  agenda: [
    { kind: 'plenary', title: { en: 'Opening', fr: 'Ouverture', es: 'Apertura' }, minutes: 5 },
    {
      kind: 'breakout',
      title: { en: 'Discussion in groups', fr: 'Discussion en groupes', es: 'Debate en grupos' },
      minutes: 35,
      questions: [
        { en: 'How do these results inspire me?', fr: 'En quoi ces résultats m’inspirent-ils ?', es: '¿Cómo me inspiran estos resultados?' },
        { en: 'What do they mean for us?', fr: 'Que signifient-ils pour nous ?' },
      ],
    },
  ],
};

const roster = ['id,name,language,role', 'p1,Amélie,fr,participant', 'p2,Beatriz,es,participant', 'p3,Chris,en,participant', ''].join('\n');

/** Connects, and resolves with the first state that satisfies `match`. */
function connectUntil(token: string, match: (view: SessionView) => boolean): { client: LiveClient; view: Promise<SessionView> } {
  const client = liveClient(server.url, token, { autoConnect: false });
  opened.push(client);
  const view = nextEvent(client, 'state', (v) => match(SessionView.parse(v))).then((v) => SessionView.parse(v));
  client.connect();
  return { client, view };
}

async function chooseLanguage(client: LiveClient, displayName: string, language: string): Promise<void> {
  const ack = (await (client.emitWithAck as (e: string, x: unknown) => Promise<Ack>)('profile:update', { displayName, language, consent: true, terms: termsVersion })) as Ack;
  expect(ack.ok).toBe(true);
}

const breakout = (view: SessionView) => {
  const step = view.agenda[1]!;
  return step.kind === 'breakout' ? { title: step.title, questions: step.questions, untranslated: step.untranslated } : null;
};

describe('the agenda in every session language', () => {
  it('a French member reads French questions, a Spanish member Spanish ones, the moderator sees both', async () => {
    const { moderatorToken, tokens } = await createSession(server, roster, agenda);

    const amelie = connectUntil(tokens.get('p1')!, (v) => v.contentLanguage === 'fr');
    const beatriz = connectUntil(tokens.get('p2')!, (v) => v.contentLanguage === 'es');
    const french = await amelie.view;
    const spanish = await beatriz.view;
    expect(breakout(french)).toEqual({
      title: 'Discussion en groupes',
      questions: ['En quoi ces résultats m’inspirent-ils ?', 'Que signifient-ils pour nous ?'],
      untranslated: [],
    });
    expect(french.agenda[0]!.title).toBe('Ouverture');
    expect(breakout(spanish)).toEqual({
      title: 'Debate en grupos',
      // Not yet in Spanish: shown in the session's first language, marked.
      questions: ['¿Cómo me inspiran estos resultados?', 'What do they mean for us?'],
      untranslated: ['questions.1'],
    });
    expect(spanish.missingTranslations).toBeUndefined();

    // The moderator's view carries every language, and what is still to translate.
    const moderator = connectUntil(moderatorToken, () => true);
    const staff = await moderator.view;
    expect(staff.contentLanguage).toBeNull();
    const step = staff.agenda[1]!;
    expect(step.translations?.questions?.[0]).toMatchObject({ fr: 'En quoi ces résultats m’inspirent-ils ?', es: '¿Cómo me inspiran estos resultados?' });
    expect(staff.missingTranslations).toEqual([{ stepIndex: 1, text: 'questions.1', missing: ['es'] }]);

    // A member who changes language reads the agenda in the new one from the next state on.
    const english = nextEvent(amelie.client, 'state', (v) => v.contentLanguage === 'en');
    await chooseLanguage(amelie.client, 'Amélie', 'en');
    expect(breakout(SessionView.parse(await english))?.title).toBe('Discussion in groups');

    // The REST view follows the same rules as the live one.
    const rest = SessionView.parse(await (await server.api(`/api/sessions/${(await moderator.view).id}`)).json());
    expect(rest.missingTranslations).toHaveLength(1);
  });

  it('refuses an agenda text in a language the session does not speak, naming where', async () => {
    const bad = { ...agenda, languages: ['en', 'fr'] };
    const response = await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(bad) });
    expect(response.status).toBe(400);
    const { error } = ErrorResponse.parse(await response.json());
    expect(error.code).toBe('BAD_INPUT');
    expect((error.details ?? []).map((d) => d.field)).toEqual(['agenda.0.title', 'agenda.1.title', 'agenda.1.questions.0']);
  });

  it('shows texts per language in the OpenAPI description', async () => {
    const doc = JSON.stringify(await (await server.api('/api/openapi.json', { token: null })).json());
    const questions = /"questions":\{[^]*?"items":(\{"anyOf":\[[^\]]*\])/.exec(doc)?.[1] ?? '';
    expect(questions).toContain('"type":"string"');
    expect(questions).toContain('"type":"object"');
    expect(doc).toContain('The text, or the text per language');
  });
});
