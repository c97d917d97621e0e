import { describe, expect, it } from 'vitest';
import { AgendaStep, type AgendaStepInput } from '../../../shared/agenda';
import { missingTranslations, resolveText } from '../../../shared/content';
import { CreateSessionBody } from '../../../shared/session';
import { importRoster } from '../../../server/src/domain/roster';
import { newSession } from '../../../server/src/domain/session';
import { SessionRendering, viewStep } from '../../../server/src/domain/views';
import { moderator, organizer, participant, t0 } from './fixtures';

const steps: AgendaStepInput[] = [
  { kind: 'plenary', title: { en: 'Opening', fr: 'Ouverture', es: 'Apertura' }, minutes: 5, note: 'Welcome' },
  { kind: 'breakout', title: { en: 'Groups', fr: 'Groupes' }, minutes: 35, questions: [{ en: 'Why?', fr: 'Pourquoi ?', es: '¿Por qué?' }, { en: 'How?', es: '¿Cómo?' }] },
];

function trilingual() {
  const state = newSession({ id: 's1', title: 'Forum', languages: ['en', 'fr', 'es'], agenda: steps.map((s) => AgendaStep.parse(s)), now: t0 });
  const roster = [
    { id: 'p1', name: 'Ana', languages: ['es'], role: 'participant' as const, attributes: {} },
    { id: 'p2', name: 'Bea', languages: ['fr', 'en'], role: 'participant' as const, attributes: {} },
    { id: 'p3', name: 'Cy', languages: ['en'], role: 'participant' as const, attributes: {} },
  ];
  return importRoster(state, organizer, roster, { now: t0 }).state;
}

describe('a text in several languages', () => {
  it("is shown in the person's language, or its base language", () => {
    expect(resolveText({ en: 'Why?', fr: 'Pourquoi ?' }, 'fr', 'en')).toEqual({ text: 'Pourquoi ?', language: 'fr', translated: true });
    expect(resolveText({ en: 'Why?', fr: 'Pourquoi ?' }, 'fr-ca', 'en')).toEqual({ text: 'Pourquoi ?', language: 'fr', translated: true });
  });

  it("falls back to the session's first language, marked as not translated", () => {
    expect(resolveText({ en: 'Why?', fr: 'Pourquoi ?' }, 'es', 'en')).toEqual({ text: 'Why?', language: 'en', translated: false });
    // Not even in the first language: whichever it is given in.
    expect(resolveText({ fr: 'Pourquoi ?' }, 'es', 'en')).toEqual({ text: 'Pourquoi ?', language: 'fr', translated: false });
  });

  it("a plain string is in the session's first language", () => {
    expect(resolveText('Why?', 'en', 'en')).toEqual({ text: 'Why?', language: 'en', translated: true });
    expect(resolveText('Why?', 'fr', 'en')).toEqual({ text: 'Why?', language: 'en', translated: false });
  });

  it('lists, per text, the session languages it still lacks', () => {
    expect(missingTranslations(steps.map((s) => AgendaStep.parse(s)), ['en', 'fr', 'es'])).toEqual([
      { stepIndex: 0, text: 'note', missing: ['fr', 'es'] },
      { stepIndex: 1, text: 'title', missing: ['es'] },
      { stepIndex: 1, text: 'questions.1', missing: ['fr'] },
    ]);
  });
});

describe('the agenda in each view', () => {
  it("gives a participant the texts in the language they chose, else their first, marking what is not translated", () => {
    const state = trilingual();
    state.roster.p2!.language = 'fr';
    const rendering = new SessionRendering(state, new Set(), t0);
    const ana = rendering.view('plenary', rendering.contentLanguageOf(participant('p1')));
    expect(ana.contentLanguage).toBe('es');
    expect(ana.agenda[0]).toMatchObject({ title: 'Apertura', note: 'Welcome', untranslated: ['note'] });
    expect(ana.agenda[1]).toMatchObject({ title: 'Groups', questions: ['¿Por qué?', '¿Cómo?'], untranslated: ['title'] });
    expect(ana.agenda[1]!.translations).toBeUndefined();
    const bea = rendering.view('plenary', rendering.contentLanguageOf(participant('p2')));
    expect(bea.agenda[1]).toMatchObject({ title: 'Groupes', questions: ['Pourquoi ?', 'How?'], untranslated: ['questions.1'] });
    expect(bea.missingTranslations).toBeUndefined();
  });

  it('gives staff the first language with every translation and the list of what is missing', () => {
    const state = trilingual();
    const rendering = new SessionRendering(state, new Set(), t0);
    expect(rendering.contentLanguageOf(moderator)).toBeNull();
    const staff = rendering.view('staff', rendering.contentLanguageOf(moderator));
    expect(staff.contentLanguage).toBeNull();
    expect(staff.agenda[1]).toMatchObject({
      title: 'Groups',
      untranslated: [],
      translations: { title: { en: 'Groups', fr: 'Groupes' }, questions: [{ en: 'Why?', fr: 'Pourquoi ?', es: '¿Por qué?' }, { en: 'How?', es: '¿Cómo?' }] },
    });
    expect(staff.missingTranslations).toHaveLength(3);
  });

  it('renders each language once however many read it', () => {
    const rendering = new SessionRendering(trilingual(), new Set(), t0);
    expect(rendering.view('plenary', 'fr')).toBe(rendering.view('plenary', 'fr'));
    expect(rendering.view('plenary', 'fr')).not.toBe(rendering.view('plenary', 'es'));
  });

  it('keeps everything but the texts of a step as given', () => {
    const step = AgendaStep.parse({ kind: 'breakout', title: 'Groups', minutes: 35, questions: ['Q1'], groupSize: 4 });
    expect(viewStep(step, 'en', 'en')).toEqual({ ...step, untranslated: [] });
  });
});

describe('creating a session', () => {
  it('refuses a text in a language the session does not speak, naming where', () => {
    const result = CreateSessionBody.safeParse({ title: 'Forum', languages: ['en', 'fr'], agenda: [{ kind: 'breakout', title: 'Groups', minutes: 5, questions: [{ en: 'Why?', fe: 'Pourquoi ?' }] }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['agenda', 0, 'questions', 0], message: expect.stringContaining('fe') });
  });

  it('accepts plain strings and texts per language side by side', () => {
    expect(CreateSessionBody.safeParse({ title: 'Forum', languages: ['en', 'fr'], agenda: steps.slice(0, 1).map((s) => ({ ...s, title: 'Opening' })) }).success).toBe(true);
  });
});
