import { mkdirSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { languageName, uiLanguages, type UiLanguage } from '../../client/src/i18n/i18n';
import type { CreateSessionInput } from '../../shared/session';
import { createSession, joinScreen, liveClient, nextEvent, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { axeViolations, launchChromium, screenshotDir } from './support/browser';
import { join, tr } from './support/people';

/**
 * Every interface language on a 360×740 phone, through a session held in all four: the join
 * screen, the plenary and a breakout pass axe; each person reads the agenda in their language;
 * Arabic runs right to left with its layout mirrored and its clock still mm:ss.
 */
const text = (en: string, fr: string, es: string, ar: string) => ({ en, fr, es, ar });
const agenda: CreateSessionInput = {
  title: 'Forum',
  languages: [...uiLanguages],
  agenda: [
    { kind: 'plenary', title: text('Opening', 'Ouverture', 'Apertura', 'الافتتاح'), minutes: 5 },
    {
      kind: 'breakout',
      title: text('Discussion in groups', 'Discussion en groupes', 'Conversación en grupos', 'النقاش في مجموعات'),
      minutes: 35,
      groupSize: 4,
      closeSeconds: 0,
      questions: [text('How do these results inspire me?', 'En quoi ces résultats m’inspirent-ils ?', '¿Qué me inspiran estos resultados?', 'كيف تلهمني هذه النتائج؟')],
    },
    { kind: 'plenary', title: text('Report-back', 'Restitution', 'Puesta en común', 'عرض التقارير'), minutes: 20 },
  ],
};
const opening = agenda.agenda[0]!.title as Record<UiLanguage, string>;
const discussion = agenda.agenda[1]!.title as Record<UiLanguage, string>;
const question = (agenda.agenda[1] as { questions: Array<Record<UiLanguage, string>> }).questions[0]!;

/** Four people per language, so that each language fills a table; the third of each is in a browser. */
const people = uiLanguages.flatMap((language, l) =>
  [0, 1, 2, 3].map((i) => ({ id: `p${String(l * 4 + i + 1).padStart(2, '0')}`, language, role: i === 0 ? 'facilitator' : i === 1 ? 'notetaker' : 'participant', inBrowser: i === 2 })),
);
const names: Record<UiLanguage, string> = { en: 'Grace', fr: 'Chloé', es: 'Lucía', ar: 'أمينة' };
const roster = [
  'id,name,language,role,country,gender',
  ...people.map((p, i) => `${p.id},${p.inBrowser ? names[p.language] : `Person ${i + 1}`},${p.language},${p.role},${['SN', 'BR', 'EG', 'FR'][i % 4]},${i % 2 ? 'f' : 'm'}`),
  // Nobody's language on the roster: offered every session language.
  'p99,Sam,,participant,KE,m',
].join('\n');
const phone = { width: 360, height: 740 };

let server: RunningServer;
let browser: Browser;
let session: Awaited<ReturnType<typeof createSession>>;
const sockets: LiveClient[] = [];
const contexts: BrowserContext[] = [];
const pages = {} as Record<UiLanguage, Page>;
const browserPerson = (language: UiLanguage) => people.find((p) => p.language === language && p.inBrowser)!;

async function agendaCommand(command: string): Promise<void> {
  const res = await server.api(`/api/sessions/${session.id}/agenda/${command}`, { method: 'POST', body: '{}', token: session.moderatorToken });
  expect(res.status).toBe(200);
}

/** <html lang dir> as the language wants, nothing wider than the phone, axe clean; and a screenshot. */
async function check(page: Page, language: UiLanguage, screen: string, width: number = phone.width): Promise<void> {
  const html = page.locator('html');
  expect(await html.getAttribute('lang'), `${language} ${screen}`).toBe(language);
  expect(await html.getAttribute('dir'), `${language} ${screen}`).toBe(language === 'ar' ? 'rtl' : 'ltr');
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${language} ${screen} is wider than the phone`).toBeLessThanOrEqual(width);
  const violations = await axeViolations(page);
  expect(violations, `${language} ${screen}:\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: joinPath(screenshotDir, `${language}-${screen}.png`), fullPage: true, animations: 'disabled' });
}

/** Where an element's own text sits on the screen (not its box, which spans the line). */
const textBox = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const r = range.getBoundingClientRect();
    return { left: r.left, right: r.right };
  });

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server, roster, agenda);
  browser = await launchChromium();
  // The others take part over plain sockets, joined as the join screen would: present, so they are seated.
  for (const person of people.filter((p) => !p.inBrowser)) sockets.push(liveClient(server.url, session.tokens.get(person.id)!));
  await Promise.all(sockets.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));
  for (const language of uiLanguages) {
    // A device set to English: the roster's language is what switches the interface.
    const context = await browser.newContext({ viewport: phone, locale: 'en-US' });
    contexts.push(context);
    pages[language] = await context.newPage();
  }
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await browser?.close();
  await server?.close();
});

describe('every interface language on a phone', { timeout: 90_000 }, () => {
  it('names every session language in itself on the join screen', async () => {
    const page = pages.en;
    await page.goto(`${server.url}/join#${session.tokens.get('p99')}`);
    await page.locator('form button[type="submit"]').waitFor();
    const offered = await page.locator('label.choice:has(input[name="language"])').allTextContents();
    expect(offered.map((s) => s.trim())).toEqual(uiLanguages.map((l) => languageName(l, l)));
    expect(offered.map((s) => s.trim())).toEqual(['English', 'français', 'español', 'العربية']);
    // Choosing one turns the whole page to it at once.
    await page.getByRole('radio', { name: 'العربية' }).check();
    await page.getByRole('heading', { level: 1, name: tr('ar')('join.titleSession', { title: 'Forum' }) }).waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await page.getByRole('radio', { name: 'español' }).check();
    await page.getByRole('heading', { level: 1, name: tr('es')('join.titleSession', { title: 'Forum' }) }).waitFor();
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    await page.goto('about:blank');
  });

  it('join screen, in each language', async () => {
    for (const language of uiLanguages) {
      const page = pages[language];
      const t = tr(language);
      await page.goto(`${server.url}/join#${session.tokens.get(browserPerson(language).id)}`);
      // The roster says this person's language: the interface turns to it before they do anything.
      await page.getByRole('button', { name: t('join.submit') }).waitFor();
      await check(page, language, 'join');
    }
    // Mirrored: in Arabic the title starts at the right edge and a radio button sits right of its words.
    const ar = pages.ar;
    const title = await textBox(ar, 'h1');
    expect(title.right).toBeGreaterThan(phone.width - 40);
    const radio = await ar.locator('label.choice input[type="radio"]').first().boundingBox();
    const words = await ar.locator('label.choice:has(input[type="radio"])').first().evaluate((label) => {
      const range = document.createRange();
      range.selectNodeContents(label.lastChild!);
      return range.getBoundingClientRect().right;
    });
    expect(radio!.x).toBeGreaterThan(words);
    // The same screen in English, left to right.
    expect((await textBox(pages.en, 'h1')).left).toBeLessThan(40);

    for (const language of uiLanguages) await join(pages[language], server.url, session.tokens.get(browserPerson(language).id)!, { name: names[language], language });
    for (const language of uiLanguages) await check(pages[language], language, 'lobby');
  });

  it('plenary: the step in each reader’s language, the clock mm:ss left to right in Arabic too', async () => {
    await agendaCommand('start');
    for (const language of uiLanguages) {
      const page = pages[language];
      await page.getByRole('heading', { level: 1, name: tr(language)('plenary.title', { title: opening[language] }) }).waitFor();
      await expect.poll(() => page.getByTestId('countdown').textContent()).toMatch(/^\d\d:\d\d$/);
      await check(page, language, 'plenary');
    }
    const clock = pages.ar.getByTestId('countdown');
    expect(await clock.getAttribute('dir')).toBe('ltr');
    expect(await clock.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  });

  it('breakout: each table in its language, the Arabic notes written right to left, names isolated', async () => {
    await agendaCommand('next');
    for (const language of uiLanguages) {
      const page = pages[language];
      const t = tr(language);
      await page.locator('h1[data-screen="breakout"]').waitFor();
      // The questions are the headings the table's notes open with.
      await page.getByTestId('notes-panel').locator('.cm-line.rt-notes-heading', { hasText: question[language] }).waitFor();
      await page.getByText(t('breakout.lead', { title: discussion[language], language: languageName(language, language) })).waitFor();
      await page.getByRole('textbox', { name: t('notes.editorLabel') }).waitFor();
      await check(page, language, 'breakout');
    }
    const ar = pages.ar;
    const editor = ar.getByRole('textbox', { name: tr('ar')('notes.editorLabel') });
    expect(await editor.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await editor.evaluate((el) => el.closest('[lang]')?.getAttribute('lang'))).toBe('ar');
    // Typed Arabic starts at the right edge of the editor.
    await editor.click();
    await ar.keyboard.type('رأي الطاولة');
    const line = await ar.locator('.cm-line', { hasText: 'رأي الطاولة' }).evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return { gapRight: box.right - text.right, gapLeft: text.left - box.left };
    });
    expect(line.gapRight).toBeLessThan(line.gapLeft);
    // A Latin name in the Arabic member list is its own bidi island.
    const members = ar.getByTestId('group-members').locator('bdi.member-name');
    expect(await members.count()).toBe(4);
    expect(await members.allTextContents()).toContain(names.ar);
  });

  it('moderator console in Arabic during the breakout', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ar-EG' });
    contexts.push(context);
    const console = await context.newPage();
    await console.goto(`${server.url}/console#${session.moderatorToken}`);
    await console.getByRole('heading', { level: 1, name: tr('ar')('console.title') }).waitFor();
    await console.getByTestId('room').first().waitFor();
    await check(console, 'ar', 'console', 1280);
  });
});
