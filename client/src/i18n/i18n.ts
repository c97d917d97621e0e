import i18next, { type Resource, type TFunction, type i18n as I18n } from 'i18next';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * Interface languages, each with its translation file `<code>.json` beside this module: adding a
 * language is that file plus its code here. A session may discuss in others.
 */
export const uiLanguages = ['en', 'fr', 'es', 'ar'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

type Translations = Record<string, unknown>;

/**
 * Each language's file is its own chunk, fetched when that language is first wanted: a person
 * downloads the one they read, however many languages Roundtable speaks.
 */
// A function, so that importing this module outside Vite (the call scenarios run under plain Node
// with their translations passed in) does not touch `import.meta.glob`, which only Vite provides.
const translationFiles = () => import.meta.glob<Translations>('./*.json', { import: 'default' });

/**
 * Placeholders holding people's names and organizers' titles: text in any script, which must not
 * reorder the sentence around it (an Arabic name in an English line, "Dev (IN)" in an Arabic one).
 */
const isolatedPlaceholders = new Set(['name', 'names', 'interpreter', 'title']);

/** Wraps text in Unicode's first-strong isolate, the plain-text equivalent of <bdi>. */
export function isolate<T>(value: T): T | string {
  return typeof value === 'string' && value !== '' ? `\u2068${value}\u2069` : value;
}

/** An i18n instance in `language`, with the translations given (none: load them with `loadLanguage`). */
export function createI18n(language: UiLanguage, translations: Partial<Record<UiLanguage, Translations>> = {}): I18n {
  const instance = i18next.createInstance();
  const resources: Resource = {};
  for (const [code, translation] of Object.entries(translations)) resources[code] = { translation };
  void instance.init({
    resources,
    partialBundledLanguages: true,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...uiLanguages],
    interpolation: {
      escapeValue: false, // Preact escapes text itself
      // Every placeholder passes through `format`, so that names and titles can be isolated.
      alwaysFormat: true,
      format: (value, _format, _lng, options) => (isolatedPlaceholders.has(String(options?.['interpolationkey'])) ? isolate(value) : value),
    },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

/** Fetches a language's translations once; resolves when the interface can be shown in it. */
export async function loadLanguage(i18n: I18n, language: UiLanguage): Promise<void> {
  if (i18n.hasResourceBundle(language, 'translation')) return;
  const load = translationFiles()[`./${language}.json`];
  if (!load) throw new Error(`No translation file for ${language}.`);
  i18n.addResourceBundle(language, 'translation', await load());
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

/** How a language is written: 'rtl' for Arabic, Hebrew, Persian, Urdu…, from the browser's locale data where it has it. */
export function textDirection(language: string): 'ltr' | 'rtl' {
  return i18next.dir(language);
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
