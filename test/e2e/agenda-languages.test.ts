import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { createSession, rosterCsv, startServer, type RunningServer } from '../support/test-server';
import { launchChromium } from './support/browser';
import { join, tr } from './support/people';

/** The agenda as a French participant reads it, and what the moderator still has to translate, in real Chromium. */
const agenda: CreateSessionInput = {
  title: 'Forum',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: { en: 'Opening', fr: 'Ouverture' }, minutes: 5 },
    { kind: 'breakout', title: 'Discussion in groups', minutes: 35, questions: [{ en: 'Why?', fr: 'Pourquoi ?' }] },
  ],
};

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the agenda in the reader’s language', () => {
  it('a French participant reads French titles, an untranslated one marked; the console lists it before the start', async () => {
    const { moderatorToken, tokens } = await createSession(server, rosterCsv(1), agenda);
    const fr = tr('fr');
    const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const page = await context.newPage();
    await join(page, server.url, tokens.get('p01')!, { name: 'Chloé', language: 'fr' });
    const titles = page.locator('.agenda-title');
    await expect.poll(() => titles.allTextContents()).toEqual(['Ouverture', `Discussion in groups ${fr('content.notTranslated')}`]);
    await expect(titles.nth(1).locator('[lang="en"]').textContent()).resolves.toBe('Discussion in groups');

    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const console = await staffContext.newPage();
    await console.goto(`${server.url}/console#${moderatorToken}`);
    const missing = console.getByTestId('missing-translations');
    await missing.waitFor();
    await expect(missing.locator('li').allTextContents()).resolves.toEqual([
      tr('en')('content.missingItem', { n: 1, title: 'Discussion in groups', text: tr('en')('content.title'), languages: 'French' }),
    ]);
    await staffContext.close();
    await context.close();
  }, 60_000);
});
