import type { TFunction } from 'i18next';
import type { BrowserContext, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { createI18n, languageName, uiLanguages, type UiLanguage } from '../../../client/src/i18n/i18n';

const translators = new Map<UiLanguage, TFunction>();

/** A language's translation file, as the client ships it. */
export function translationFile(language: UiLanguage): Record<string, unknown> {
  return JSON.parse(readFileSync(joinPath(process.cwd(), 'client', 'src', 'i18n', `${language}.json`), 'utf8')) as Record<string, unknown>;
}

/** The client's own translation files, so a test asserts what a person reads in their language. */
export function tr(language: UiLanguage): TFunction {
  let t = translators.get(language);
  if (!t) {
    const translations = Object.fromEntries(uiLanguages.map((l) => [l, translationFile(l)]));
    t = createI18n(language, translations).getFixedT(language);
    translators.set(language, t);
  }
  return t;
}

export interface Person {
  id: string;
  name: string;
  language: UiLanguage;
  role: 'facilitator' | 'notetaker' | 'participant';
  context: BrowserContext;
  page: Page;
  t: TFunction;
}

/** Roles as test/support's rosterCsv deals them: p01, p06… facilitate, p02, p07… take notes. */
export function rosterRole(index: number): Person['role'] {
  return index % 5 === 1 ? 'facilitator' : index % 5 === 2 ? 'notetaker' : 'participant';
}

/** The rapporteur of a group as the server chooses: its note taker, else its facilitator, else its first member. */
export function expectedRapporteur<P extends Pick<Person, 'role'>>(members: P[]): P | undefined {
  return members.find((m) => m.role === 'notetaker') ?? members.find((m) => m.role === 'facilitator') ?? members[0];
}

/** Fills in the join screen of an invitation and waits for the lobby. */
export async function join(page: Page, url: string, token: string, person: { name: string; language: UiLanguage }): Promise<void> {
  // From a blank page, so that a page already at this invitation loads it afresh.
  await page.goto('about:blank');
  await page.goto(`${url}/join#${token}`);
  await page.locator('form button[type="submit"]').waitFor();
  // Picking a language on the join screen switches the interface at once.
  if (person.language !== 'en') await page.getByRole('radio', { name: languageName(person.language, person.language) }).check();
  const t = tr(person.language);
  await page.getByLabel(t('join.nameLabel')).fill(person.name);
  await page.getByRole('button', { name: t('join.submit') }).click();
  await page.locator('h1[data-screen="lobby"]').waitFor();
}
