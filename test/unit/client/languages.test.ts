import { describe, expect, it } from 'vitest';
import { discussionLanguages, preselectedLanguage } from '../../../client/src/ui/languages';

describe('the join screen’s languages', () => {
  const session = ['en', 'fr', 'de'];

  it('offers the session languages the roster lists for the person, all of them when it lists none', () => {
    expect(discussionLanguages(session, { languages: ['fr'] })).toEqual(['fr']);
    expect(discussionLanguages(session, { languages: ['fr', 'en'] })).toEqual(['en', 'fr']);
    // The seat falls back to the session's languages when the roster has none.
    expect(discussionLanguages(session, { languages: session })).toEqual(session);
    // A roster language the session is not held in gives no choice at all: every session language.
    expect(discussionLanguages(session, { languages: ['es'] })).toEqual(session);
  });

  it('preselects the person’s earlier choice, else this device’s language when the roster lists it, else the roster’s first', () => {
    expect(preselectedLanguage(['en', 'fr'], { languages: ['fr'], language: null }, 'en')).toBe('fr');
    expect(preselectedLanguage(['en', 'fr'], { languages: ['fr', 'en'], language: null }, 'de')).toBe('fr');
    expect(preselectedLanguage(['en', 'fr'], { languages: ['fr', 'en'], language: null }, 'en')).toBe('en');
    expect(preselectedLanguage(['en', 'fr'], { languages: ['fr', 'en'], language: 'en' }, 'fr')).toBe('en');
    expect(preselectedLanguage(['en', 'fr'], { languages: ['es'], language: null }, 'fr')).toBe('fr');
    expect(preselectedLanguage(['de'], { languages: ['es'], language: 'it' }, 'fr')).toBe('de');
  });
});
