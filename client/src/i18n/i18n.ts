import i18next, { type TFunction, type i18n as I18n } from 'i18next';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import en from './en.json';
import fr from './fr.json';

/** Interface languages with a complete translation file; a session may discuss in others. */
export const uiLanguages = ['en', 'fr'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

export function createI18n(language: UiLanguage): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...uiLanguages],
    interpolation: { escapeValue: false }, // Preact escapes text itself
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

/** The first of `candidates` (language codes such as fr, fr-CA, en-GB) that has a translation. */
export function pickLanguage(candidates: ReadonlyArray<string | null | undefined>): UiLanguage | null {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const base = candidate.toLowerCase().split('-')[0];
    const found = uiLanguages.find((l) => l === base);
    if (found) return found;
  }
  return null;
}

/** Names a language in the interface's language (français, English, العربية…), or its code when unknown. */
export function languageName(code: string, inLanguage: string): string {
  try {
    return new Intl.DisplayNames([inLanguage], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export interface Translation {
  t: TFunction;
  language: UiLanguage;
  dir: 'ltr' | 'rtl';
}

export const TranslationContext = createContext<Translation | null>(null);

export function useTranslation(): Translation {
  const value = useContext(TranslationContext);
  if (!value) throw new Error('useTranslation outside TranslationContext');
  return value;
}

export function useT(): TFunction {
  return useTranslation().t;
}
