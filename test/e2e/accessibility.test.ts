import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UiLanguage } from '../../client/src/i18n/i18n';
import { createSession, igfAgenda, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { axeViolations, launchChromium, screenshots, shownSeconds } from './support/browser';
import { join, tr } from './support/people';

/**
 * axe-core in Chromium on every screen, in English and in French: zero violations. Also the
 * polite countdown region (quiet between minute marks), visible focus, and <html lang dir>.
 */
const languages: UiLanguage[] = ['en', 'fr'];
const locale = { en: 'en-US', fr: 'fr-FR', es: 'es-ES', ar: 'ar-EG' } as const;
const en = tr('en');

let server: RunningServer;
let browser: Browser;
let session: Awaited<ReturnType<typeof createSession>>;
const consoles = {} as Record<UiLanguage, Page>;
const participants = {} as Record<UiLanguage, Page>;
const contexts: BrowserContext[] = [];
let others: LiveClient[] = [];

async function newPage(language: UiLanguage, width = 1280): Promise<Page> {
  const context = await browser.newContext({ locale: locale[language], viewport: { width, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

/** axe on the page as it is now; the page must be in `language`. */
async function expectAccessible(page: Page, language: UiLanguage, screen: string): Promise<void> {
  expect(await page.locator('html').getAttribute('lang'), `${screen} (${language}) lang`).toBe(language);
  expect(await page.locator('html').getAttribute('dir'), `${screen} (${language}) dir`).toBe('ltr');
  const violations = await axeViolations(page);
  expect(violations, `${screen} (${language}):\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

async function both(screen: string, pages: Record<UiLanguage, Page>): Promise<void> {
  for (const language of languages) await expectAccessible(pages[language], language, screen);
}

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server, rosterCsv(10), {
    ...igfAgenda,
    agenda: igfAgenda.agenda.map((step, i) => (i === 0 ? { ...step, speakers: ['p03'] } : step)),
  });
  browser = await launchChromium();
  others = ['p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09'].map((id) => liveClient(server.url, session.tokens.get(id)!));
  // Joined, so they are present and seated.
  await Promise.all(others.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));
  for (const language of languages) {
    consoles[language] = await newPage(language);
    participants[language] = await newPage(language, 360);
  }
}, 60_000);

afterAll(async () => {
  for (const socket of others) socket.disconnect();
  await browser?.close();
  await server?.close();
});

describe('accessibility of every screen in English and French', () => {
  it('pages without a session: home, missing link, invalid and revoked links, outdated client', async () => {
    const revoked = session.tokens.get('p10')!;
    const res = await server.api(`/api/sessions/${session.id}/invites/revoke`, { method: 'POST', body: JSON.stringify({ memberId: 'p10' }) });
    expect(res.status).toBe(200);
    for (const language of languages) {
      const t = tr(language);
      const page = await newPage(language, 360);
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { level: 1, name: t('home.title') }).waitFor();
      await expectAccessible(page, language, 'home');

      await page.goto(`${server.url}/join`);
      await page.getByRole('heading', { level: 1, name: t('problem.missing-link.title') }).waitFor();
      await expectAccessible(page, language, 'missing link');

      await page.goto(`${server.url}/join#not-an-invitation`);
      await page.getByRole('heading', { level: 1, name: t('problem.unauthorized.title') }).waitFor();
      await expectAccessible(page, language, 'invalid link');

      await page.goto(`${server.url}/blank`);
      await page.goto(`${server.url}/join#${revoked}`);
      await page.getByRole('heading', { level: 1, name: t('problem.unauthorized.title') }).waitFor();
      await expectAccessible(page, language, 'revoked link');
      if (language === 'en') await screenshots(page, 'revoked-link');

      // A client older than the server: the handshake says so, and the page asks for a reload.
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        ws.onMessage((message) => upstream.send(typeof message === 'string' ? message.replace(/"protocol":\d+/, '"protocol":0') : message));
      });
      await page.goto(`${server.url}/blank`);
      await page.goto(`${server.url}/join#${session.tokens.get('p01')}`);
      await page.getByRole('heading', { level: 1, name: t('problem.protocol.title') }).waitFor();
      await page.getByRole('button', { name: t('problem.protocol.reload') }).waitFor();
      await expectAccessible(page, language, 'protocol mismatch');
      if (language === 'en') await screenshots(page, 'protocol-mismatch');
      await page.close();
    }
  }, 90_000);

  it('join screen, lobby and the console before the start', async () => {
    for (const language of languages) {
      const page = participants[language];
      await page.goto(`${server.url}/join#${session.tokens.get(language === 'en' ? 'p01' : 'p02')}`);
      await page.getByRole('button', { name: tr(language)('join.submit') }).waitFor();
      await expectAccessible(page, language, 'join');
      // The terms opened, as someone who wants to read them before agreeing.
      await page.getByText(tr(language)('join.termsHeading'), { exact: true }).click();
      await page.getByText(tr(language)('join.terms')).waitFor();
      await expectAccessible(page, language, 'join with the terms open');
    }
    await screenshots(participants.fr, 'join-fr');
    await join(participants.en, server.url, session.tokens.get('p01')!, { name: 'Amina', language: 'en' });
    await join(participants.fr, server.url, session.tokens.get('p02')!, { name: 'Bruno', language: 'fr' });
    await both('lobby', participants);
    for (const language of languages) {
      await consoles[language].goto(`${server.url}/console#${session.moderatorToken}`);
      await consoles[language].getByRole('heading', { level: 1, name: tr(language)('console.title') }).waitFor();
    }
    await both('console in the lobby', consoles);
  }, 60_000);

  it('shows focus visibly and lets the keyboard skip to the content', async () => {
    const page = participants.en;
    await page.reload();
    await page.locator('h1[data-screen="lobby"]').waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: en('app.skipToContent') });
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = await skip.boundingBox();
    expect(box!.width).toBeGreaterThan(20);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).toBe('solid');
    expect(outline.width).toBeGreaterThanOrEqual(2);
  });

  it('group preview and the opening plenary with a raised hand', async () => {
    const preview = consoles.en.getByTestId('group-preview');
    await preview.getByRole('button', { name: en('preview.form') }).click();
    await expect.poll(() => preview.getByTestId('preview-group').count()).toBe(2);
    await consoles.fr.getByTestId('preview-group').first().waitFor();
    await both('console with the group preview', consoles);
    await preview.getByRole('button', { name: en('preview.lock') }).click();
    await consoles.fr.getByTestId('preview-lock').getByText(tr('fr')('preview.locked')).waitFor();
    await both('console with locked groups', consoles);

    await consoles.en.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
    await participants.en.getByRole('button', { name: en('floor.raiseHand') }).click();
    for (const language of languages) await participants[language].getByTestId('hands').getByText('Amina').waitFor();
    await consoles.en.getByTestId('hands').getByText('Amina', { exact: true }).waitFor();
    await both('plenary', participants);
    await both('console in plenary', consoles);
  }, 60_000);

  it('breakout table with a broadcast, a warning and a call for help; rooms and a visit in the console', async () => {
    await consoles.en.getByRole('button', { name: en('console.next', { title: 'Discussion in groups' }) }).click();
    for (const language of languages) {
      await participants[language].locator('h1[data-screen="breakout"]').waitFor();
      // With the shared notes editor open.
      await participants[language].getByRole('textbox', { name: tr(language)('notes.editorLabel') }).waitFor();
    }
    await both('breakout', participants);

    // The polite region stays quiet between minute marks while the clock ticks every second.
    const page = participants.en;
    await page.evaluate(() => {
      const target = document.querySelector('[data-testid="countdown-announcement"]')!;
      const seen = { mutations: 0 };
      new MutationObserver((records) => (seen.mutations += records.length)).observe(target, { childList: true, characterData: true, subtree: true });
      Object.assign(window, { announcementMutations: seen });
    });
    const start = await shownSeconds(page);
    await expect.poll(() => shownSeconds(page), { timeout: 10_000 }).toBeLessThanOrEqual(start - 3);
    expect(await page.evaluate(() => (window as unknown as { announcementMutations: { mutations: number } }).announcementMutations.mutations)).toBe(0);
    expect(await page.getByTestId('countdown').getAttribute('role')).toBe('timer');
    expect(await page.getByTestId('countdown-announcement').getAttribute('aria-live')).toBe('polite');

    await consoles.en.getByLabel(en('broadcastForm.textLabel')).fill('Five minutes left: please agree on three key points.');
    await consoles.en.getByRole('button', { name: en('broadcastForm.send') }).click();
    for (const language of languages) await participants[language].getByTestId('broadcast').waitFor();

    const view = (await (await server.api(`/api/sessions/${session.id}`)).json()) as { endsAt: number; serverNow: number };
    const minutes = (5 * 60_000 + 2_000 - (view.endsAt - view.serverNow)) / 60_000;
    await server.api(`/api/sessions/${session.id}/agenda/extend`, { method: 'POST', body: JSON.stringify({ minutes }) });
    for (const language of languages) await participants[language].getByTestId('time-warning').waitFor();
    // The minute mark was said once, politely.
    await page.getByTestId('countdown-announcement').getByText(en('countdown.minutesLeft', { count: 5 })).waitFor({ state: 'attached' });

    const fr = tr('fr');
    await participants.fr.getByLabel(fr('help.messageLabel')).fill('Le son ne passe pas.');
    await participants.fr.getByRole('button', { name: fr('help.call') }).click();
    await participants.fr.getByTestId('help-status').getByText(fr('help.status.open')).waitFor();
    await both('breakout with a broadcast, a warning and a call for help', participants);

    for (const language of languages) await consoles[language].getByTestId('help-call').waitFor();
    await both('console rooms with a call for help', consoles);
    await consoles.en.getByTestId('help-call').getByRole('button', { name: en('helpCalls.acknowledge') }).click();
    await consoles.fr.locator('[data-testid="help-call"][data-status="acknowledged"]').waitFor();
    for (const language of languages) {
      await consoles[language].getByTestId('room').first().getByRole('button').click();
      await consoles[language].getByTestId('visit-room').getByRole('textbox', { name: tr(language)('notes.editorLabel') }).waitFor();
    }
    await both('console visiting a room', consoles);
    await screenshots(consoles.fr, 'console-visit-fr');

    await consoles.en.getByRole('button', { name: en('console.pause') }).click();
    for (const language of languages) await participants[language].getByText(tr(language)('countdown.paused'), { exact: true }).waitFor();
    await both('breakout paused', participants);
    await consoles.en.getByRole('button', { name: en('console.resume') }).click();
    await participants.en.getByText(en('countdown.paused'), { exact: true }).waitFor({ state: 'detached' });

    // The breakout (a `hold` step) reaches zero: every clock holds at 00:00 and says time is up.
    await server.api(`/api/sessions/${session.id}/agenda/extend`, { method: 'POST', body: JSON.stringify({ minutes: -60 }) });
    for (const language of languages) {
      await participants[language].getByText(tr(language)('countdown.timeUp'), { exact: true }).first().waitFor();
      expect(await participants[language].getByTestId('countdown').textContent()).toBe('00:00');
    }
    await participants.en.getByTestId('countdown-announcement').getByText(en('countdown.timeUp')).waitFor({ state: 'attached' });
    await both('breakout at zero', participants);
    await screenshots(participants.en, 'breakout-time-up');
  }, 90_000);

  it('report-back with a group presenting, then the end of the session', async () => {
    await consoles.en.getByRole('button', { name: en('console.next', { title: 'Report-back and conclusion' }) }).click();
    const queue = consoles.en.getByTestId('report-queue');
    await queue.getByTestId('queue-item').first().waitFor();
    await queue.getByTestId('queue-item').first().getByRole('button').last().click();
    for (const language of languages) {
      await participants[language].getByTestId('presenting').locator('text=/:/').waitFor();
      await participants[language].getByRole('textbox', { name: tr(language)('notes.editorLabel') }).waitFor();
    }
    await both('report-back', participants);
    await both('console report-back', consoles);

    await consoles.en.getByRole('button', { name: en('console.endSession') }).click();
    await consoles.en.getByText(en('console.endConfirmQuestion')).waitFor();
    await expectAccessible(consoles.en, 'en', 'console asking to confirm the end');
    await consoles.en.getByRole('button', { name: en('console.endConfirm') }).click();
    for (const language of languages) await participants[language].getByRole('heading', { level: 1, name: tr(language)('ended.title') }).waitFor();
    await both('ended', participants);
    await consoles.fr.getByTestId('session-status').getByText(tr('fr')('console.statusEnded')).waitFor();
    await both('console after the end', consoles);
  }, 60_000);
});
