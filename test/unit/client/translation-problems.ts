/** A translation file: nested sections of strings. */
export type Tree = { [key: string]: string | Tree };

/** The file's strings by dotted key (`countdown.minutesLeft_one`). */
export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const pluralKey = /^(.*)_(zero|one|two|few|many|other)$/;
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*-?\s*(\w+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!))].sort();

interface Expected {
  /** The placeholders the text must use. */
  placeholders: string[];
  /** A plural form other than `other` may spell out its number ("دقيقتان", "une minute"). */
  countOptional: boolean;
}

/**
 * What a language's file must hold, from English: every key, except that a key with plural forms
 * (`_one`, `_other`…) needs the forms the language has in CLDR, as i18next picks them with
 * Intl.PluralRules (Arabic has six, French and Spanish three), plus `_zero` where English has it.
 */
function expectedKeys(reference: Map<string, string>, language: string): Map<string, Expected> {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
  const expected = new Map<string, Expected>();
  for (const [key, text] of reference) {
    const plural = pluralKey.exec(key);
    if (!plural) {
      expected.set(key, { placeholders: placeholders(text), countOptional: false });
      continue;
    }
    const base = plural[1]!;
    const model = reference.get(`${base}_other`) ?? text;
    const forms = new Set(categories);
    if (reference.has(`${base}_zero`)) forms.add('zero');
    for (const form of forms) expected.set(`${base}_${form}`, { placeholders: placeholders(model), countOptional: form !== 'other' });
  }
  return expected;
}

/**
 * Everything that keeps `translation` from being complete against `reference` (English), one
 * line each, sorted: `missing <key>`, `extra <key>`, `empty <key>`, `placeholders <key>: …`.
 */
export function translationProblems(reference: Tree, translation: Tree, language: string): string[] {
  const expected = expectedKeys(flatten(reference), language);
  const given = flatten(translation);
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const text = given.get(key);
    if (text === undefined) {
      problems.push(`missing ${key}`);
      continue;
    }
    if (text.trim() === '') {
      problems.push(`empty ${key}`);
      continue;
    }
    const have = placeholders(text);
    const needed = want.countOptional ? want.placeholders.filter((p) => p !== 'count') : want.placeholders;
    const wrong = needed.some((p) => !have.includes(p)) || have.some((p) => !want.placeholders.includes(p));
    if (wrong) problems.push(`placeholders ${key}: ${have.map((p) => `{{${p}}}`).join(' ') || 'none'} instead of ${want.placeholders.map((p) => `{{${p}}}`).join(' ') || 'none'}`);
  }
  for (const key of given.keys()) if (!expected.has(key)) problems.push(`extra ${key}`);
  return problems.sort();
}
