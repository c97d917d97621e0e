import { z } from 'zod';

/** A language code such as en, fr or pt-br, lower-cased. */
export const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/, 'a language code such as en or fr');

/**
 * A text of the agenda (a step's title, note or question) in one language or several: a plain
 * string is in the session's first language; `{ "en": "…", "fr": "…" }` gives it per language.
 */
export function localizedText(max: number) {
  const text = z.string().trim().min(1).max(max);
  return z
    .union([text, z.record(languageCode, text).refine((r) => Object.keys(r).length > 0, 'give the text in at least one language')])
    .meta({ description: 'The text, or the text per language: { "en": "…", "fr": "…" }. A plain string is in the session\'s first language.' });
}
export type LocalizedText = string | Record<string, string>;

/** Every language a text is given in, a plain string counting as the session's first language. */
export function textsByLanguage(text: LocalizedText, firstLanguage: string): Record<string, string> {
  return typeof text === 'string' ? { [firstLanguage]: text } : text;
}

export interface ResolvedText {
  text: string;
  /** The language `text` is in. */
  language: string;
  /** False when the text is not given in the wanted language and another is shown instead. */
  translated: boolean;
}

/**
 * The text in `language` (or its base language: fr for fr-ca), else in the session's first
 * language, else in whichever language it is given in first.
 */
export function resolveText(text: LocalizedText, language: string, firstLanguage: string): ResolvedText {
  const byLanguage = textsByLanguage(text, firstLanguage);
  const base = language.split('-')[0]!;
  const wanted = byLanguage[language] !== undefined ? language : byLanguage[base] !== undefined ? base : undefined;
  if (wanted !== undefined) return { text: byLanguage[wanted]!, language: wanted, translated: true };
  const shown = byLanguage[firstLanguage] !== undefined ? firstLanguage : Object.keys(byLanguage)[0]!;
  return { text: byLanguage[shown]!, language: shown, translated: false };
}

/** Where a text sits in a step: `title`, `note`, or `questions.<n>` (from 0). */
export type TextPath = 'title' | 'note' | `questions.${number}` | `options.${number}`;

interface StepTexts {
  title: LocalizedText;
  note?: LocalizedText | undefined;
  questions?: LocalizedText[] | undefined;
  options?: LocalizedText[] | undefined;
}

/** Each text of a step with where it sits. */
export function stepTexts(step: StepTexts): Array<{ path: TextPath; text: LocalizedText }> {
  const out: Array<{ path: TextPath; text: LocalizedText }> = [{ path: 'title', text: step.title }];
  if (step.note !== undefined) out.push({ path: 'note', text: step.note });
  (step.questions ?? []).forEach((text, i) => out.push({ path: `questions.${i}`, text }));
  (step.options ?? []).forEach((text, i) => out.push({ path: `options.${i}`, text }));
  return out;
}

export const MissingTranslation = z.object({
  stepIndex: z.number().int(),
  /** `title`, `note` or `questions.<n>` (from 0). */
  text: z.string(),
  /** The session languages this text is not given in. */
  missing: z.array(z.string()),
});
export type MissingTranslation = z.infer<typeof MissingTranslation>;

/** Which texts of the agenda lack which of the session's languages: what organizers still have to translate. */
export function missingTranslations(agenda: readonly StepTexts[], languages: readonly string[]): MissingTranslation[] {
  const first = languages[0] ?? 'en';
  return agenda.flatMap((step, stepIndex) =>
    stepTexts(step).flatMap(({ path, text }) => {
      const given = textsByLanguage(text, first);
      const missing = languages.filter((l) => given[l] === undefined);
      return missing.length > 0 ? [{ stepIndex, text: path, missing }] : [];
    }),
  );
}

/** Languages a text is given in that the session does not speak (a typo such as `fe` for `fr`). */
export function unknownTextLanguages(agenda: readonly StepTexts[], languages: readonly string[]): Array<{ stepIndex: number; text: TextPath; language: string }> {
  return agenda.flatMap((step, stepIndex) =>
    stepTexts(step).flatMap(({ path, text }) =>
      typeof text === 'string' ? [] : Object.keys(text).filter((l) => !languages.includes(l)).map((language) => ({ stepIndex, text: path, language })),
    ),
  );
}

/**
 * A recording an organizer made of one text, per language: `{ "title": { "fr": "https://…" },
 * "questions.0": { "fr": "https://…" } }`. Where a recording exists for the language a person hears
 * the text in, the listen control plays it instead of the browser's voice.
 */
export const TextAudio = z
  .record(
    z.string().regex(/^(title|note|questions\.\d{1,2})$/, 'title, note or questions.<n> (from 0)'),
    z.record(languageCode, z.url({ protocol: /^https$/, error: 'an https:// address of an audio file' }).max(2000)),
  )
  .meta({ description: 'Recordings of the step\'s texts per language: { "title": { "fr": "https://…/titre.mp3" }, "questions.0": { "fr": "https://…" } }. Only https addresses.' });
export type TextAudio = z.infer<typeof TextAudio>;

/** Texts a step's recordings name that the step does not have (`questions.3` of a step with two questions). */
export function audioWithoutText(step: StepTexts & { audio?: TextAudio | undefined }): string[] {
  const paths = new Set<string>(stepTexts(step).map((t) => t.path));
  return Object.keys(step.audio ?? {}).filter((path) => !paths.has(path));
}
