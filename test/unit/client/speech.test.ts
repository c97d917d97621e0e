import { afterEach, describe, expect, it } from 'vitest';
import { voiceFor } from '../../../client/src/easy/speech';

/** The browser's voices as `speechSynthesis.getVoices()` lists them (here, a stand-in for the test only). */
function withVoices(langs: string[]): void {
  (globalThis as { speechSynthesis?: unknown }).speechSynthesis = { getVoices: () => langs.map((lang) => ({ lang, name: lang })) };
}

afterEach(() => {
  delete (globalThis as { speechSynthesis?: unknown }).speechSynthesis;
});

describe('a voice to read a text aloud', () => {
  it('takes the exact language, else a variant of it, else none', () => {
    withVoices(['en-US', 'fr-CA', 'fr-FR', 'pt_BR']);
    expect(voiceFor('fr-fr')?.lang).toBe('fr-FR');
    expect(voiceFor('fr')?.lang).toBe('fr-CA');
    expect(voiceFor('pt-br')?.lang).toBe('pt_BR');
    expect(voiceFor('en')?.lang).toBe('en-US');
    expect(voiceFor('ar')).toBeNull();
  });

  it('finds none in a browser without speech synthesis', () => {
    expect(voiceFor('en')).toBeNull();
  });
});
