import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { notesClient, notesToken, send } from '../support/notes';
import { createSession, liveClient, nextEvent, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { launchChromium, screenshotDir } from './support/browser';
import { join as joinSession, tr } from './support/people';

/**
 * An event as eight people live it on 360×740 phones: the join screen in the roster's language, a
 * header that leaves the screen to the table, the breakout's essentials in the first screen, notes
 * that say "saved" only once the server has them, and the report-back's guided scroll.
 */
const title = 'Internet Governance with and for the Citizens: what the global results mean for our community';
const questions = ['How do these results inspire me?', 'What do they mean for us as a community?'];
const agenda: CreateSessionInput = {
  title,
  languages: ['en', 'fr', 'de'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    { kind: 'breakout', title: 'Discussion in groups', minutes: 35, groupSize: 4, questions, closeSeconds: 0 },
    { kind: 'plenary', title: 'Report-back and conclusion', minutes: 20 },
  ],
};
// Two tables of four: p01/p05 facilitate, p02/p06 take notes. Languages as an organizer's roster has them.
const roster = [
  'id,name,language,role,country,gender',
  'p01,Amina,fr,facilitator,SN,f',
  'p02,Bruno,en,notetaker,BR,m',
  'p03,Chloé,en|fr,participant,FR,f',
  'p04,Dev,,participant,IN,m',
  'p05,Elif,en|fr,facilitator,DE,f',
  'p06,Farah,en|fr,notetaker,KE,f',
  'p07,Gabriel,en|fr,participant,JP,m',
  'p08,Hana,en|fr,participant,FR,f',
  'm1,Mireille,fr,moderator,,',
].join('\n');
const phone = { width: 360, height: 740 };
const en = tr('en');
const fr = tr('fr');

let server: RunningServer;
let browser: Browser;
let session: Awaited<ReturnType<typeof createSession>>;
let moderator: LiveClient;
/** A moderator from the roster, with a name. */
let mireille: LiveClient;
const sockets: LiveClient[] = [];
const pages = new Map<string, { context: BrowserContext; page: Page }>();
const page = (id: string) => pages.get(id)!.page;

/** What a phone shows without scrolling, and the whole page, into test-results/screenshots/. */
async function look(p: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await p.screenshot({ path: join(screenshotDir, `phones-${name}-first-screen.png`), animations: 'disabled' });
  await p.screenshot({ path: join(screenshotDir, `phones-${name}-full.png`), fullPage: true, animations: 'disabled' });
}

async function agendaCommand(command: string): Promise<void> {
  const res = await server.api(`/api/sessions/${session.id}/agenda/${command}`, { method: 'POST', body: '{}', token: session.moderatorToken });
  expect(res.status).toBe(200);
}

/** Where an element is in the viewport, in CSS pixels. */
const box = (p: Page, selector: string) =>
  p.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: r.height };
  });

const headerBottom = (p: Page) => p.locator('header.topbar').evaluate((el) => el.getBoundingClientRect().bottom);

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server, roster, agenda);
  browser = await launchChromium();
  for (const id of ['p01', 'p02', 'p03', 'p04']) {
    const context = await browser.newContext({ viewport: phone });
    pages.set(id, { context, page: await context.newPage() });
  }
  // The other four take part over plain sockets: present, so they are seated, at no browser's cost.
  for (const id of ['p05', 'p06', 'p07', 'p08']) sockets.push(liveClient(server.url, session.tokens.get(id)!));
  moderator = liveClient(server.url, session.moderatorToken);
  mireille = liveClient(server.url, session.tokens.get('m1')!);
  await Promise.all([...sockets, moderator, mireille].map((s) => nextEvent(s, 'state')));
}, 60_000);

afterAll(async () => {
  for (const socket of [...sockets, moderator, mireille]) socket?.disconnect();
  await browser?.close();
  await server?.close();
});

describe('an event on phones', { timeout: 60_000 }, () => {
  it('offers the languages of the roster on the join screen, the first one chosen', async () => {
    const radios = async (id: string) => {
      const p = page(id);
      await p.goto(`${server.url}/join#${session.tokens.get(id)}`);
      await p.locator('form button[type="submit"]').waitFor();
      return p.locator('input[name="language"]').evaluateAll((inputs) => inputs.map((i) => `${(i as HTMLInputElement).value}${(i as HTMLInputElement).checked ? '*' : ''}`));
    };
    // Amina's roster entry says French: French is the only discussion language she is offered, and it is chosen.
    const amina = await radios('p01');
    await look(page('p01'), 'join');
    expect(amina).toEqual(['fr*']);
    expect(await radios('p02')).toEqual(['en*']);
    // German is a session language nobody at this roster reads: not shown to those whose entry lists theirs.
    expect(await radios('p03')).toEqual(['en*', 'fr']);
    // No language on the roster: every session language.
    expect(await radios('p04')).toEqual(['en*', 'fr', 'de']);
  });

  it('keeps the header within 56 px on a phone, the title shortened with the whole of it on demand', async () => {
    await joinSession(page('p01'), server.url, session.tokens.get('p01')!, { name: 'Amina', language: 'fr' });
    for (const [id, name] of [
      ['p02', 'Bruno'],
      ['p03', 'Chloé'],
      ['p04', 'Dev'],
    ] as const) {
      await joinSession(page(id), server.url, session.tokens.get(id)!, { name, language: 'en' });
    }
    await look(page('p02'), 'lobby');
    for (const id of ['p01', 'p02']) {
      const p = page(id);
      expect((await box(p, 'header.topbar')).height).toBeLessThanOrEqual(56);
      const shown = p.getByTestId('session-title');
      expect(await shown.getAttribute('title')).toBe(title);
      expect(await shown.textContent()).toBe(title);
      const style = await shown.evaluate((el) => {
        const s = getComputedStyle(el);
        return { overflow: s.textOverflow, cut: el.scrollWidth > el.clientWidth };
      });
      expect(style).toEqual({ overflow: 'ellipsis', cut: true });
    }
  });

  it('puts the clock, the questions and the call for help in the first screen of a breakout, each question once', async () => {
    await agendaCommand('start');
    await agendaCommand('next');
    for (const id of ['p01', 'p02', 'p03']) {
      const p = page(id);
      const t = id === 'p01' ? fr : en;
      await p.locator('h1[data-screen="breakout"]').waitFor();
      await p.getByRole('textbox', { name: t('notes.editorLabel') }).waitFor();
      await p.evaluate(() => window.scrollTo(0, 0));
      await look(p, `breakout-${id}`);
      expect((await box(p, 'header.topbar')).height).toBeLessThanOrEqual(56);
      const clock = await box(p, '[data-testid="countdown"]');
      const help = await p.getByRole('button', { name: t('help.call') }).evaluate((el) => el.getBoundingClientRect().bottom);
      // Once the notes are open, the questions are their headings, and nowhere else on the page.
      const first = await box(p, '[data-testid="notes-panel"] .cm-line.rt-notes-heading');
      expect(clock.bottom).toBeLessThanOrEqual(phone.height);
      expect(help).toBeLessThanOrEqual(phone.height);
      expect(first.bottom).toBeLessThanOrEqual(phone.height);
      expect(await p.getByTestId('questions').count()).toBe(0);
      for (const question of questions) {
        const said = await p.locator('main').evaluate((main, q) => (main as HTMLElement).innerText.split(q).length - 1, question);
        expect(said).toBe(1);
      }
      await p.getByText(t('breakout.questionsInNotes', { count: questions.length })).waitFor();
    }
  });

  it('shows the notes’ questions as headings in a proportional font, without their Markdown marks', async () => {
    const p = page('p02');
    const heading = p.locator('.cm-line.rt-notes-heading', { hasText: questions[0] });
    await heading.waitFor();
    const look = await heading.evaluate((el) => {
      const body = el.closest('.cm-content')!;
      return {
        text: (el as HTMLElement).innerText.trim(),
        font: getComputedStyle(el).fontFamily,
        larger: parseFloat(getComputedStyle(el).fontSize) > parseFloat(getComputedStyle(body).fontSize),
      };
    });
    expect(look.text).toBe(questions[0]);
    expect(look.font).not.toMatch(/monospace/);
    expect(look.larger).toBe(true);
    // Each question is one heading of the notes, its `#` hidden.
    expect(await p.getByTestId('notes-panel').locator('.cm-line', { hasText: questions[0] }).count()).toBe(1);
    expect(await p.getByTestId('notes-panel').locator('.cm-content').innerText()).not.toMatch(/^#/m);
  });

  it('says "saved" once the server has an edit, and "not saved yet" while offline', async () => {
    const bruno = pages.get('p02')!;
    const status = bruno.page.getByTestId('notes-panel').locator('.rt-notes-status');
    const editor = bruno.page.getByRole('textbox', { name: en('notes.editorLabel') });
    const grant = await notesToken(moderator, { groupId: (await bruno.page.locator('h1[data-screen="breakout"]').getAttribute('data-group'))! });
    const reader = notesClient(grant);
    await reader.synced;
    await editor.click();
    await bruno.page.keyboard.press('Control+End');
    await bruno.page.keyboard.type('Online words.');
    await reader.until((text) => text.includes('Online words.'));
    await expect.poll(() => status.textContent()).toBe(en('notes.connected'));

    await bruno.context.setOffline(true);
    await bruno.page.keyboard.type(' Offline words.');
    await bruno.page.locator('[data-testid="connection"][data-state="offline"]').waitFor();
    await look(bruno.page, 'notes-offline');
    await expect.poll(() => status.textContent()).toBe(en('phones.notesUnsaved'));
    expect(reader.text.toString()).not.toContain('Offline words.');

    await bruno.context.setOffline(false);
    await reader.until((text) => text.includes('Offline words.'));
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe(en('notes.connected'));
    reader.destroy();
  });

  it('brings the guided question just below the header, on a phone and on a desktop, in large notes', async () => {
    await agendaCommand('next');
    const bruno = page('p02');
    await bruno.getByTestId('presenting').waitFor();
    const view = (await (await server.api(`/api/sessions/${session.id}`)).json()) as { groups?: Array<{ id: string; members: Array<{ id: string }> }> };
    const brunoGroup = view.groups?.find((g) => g.members.some((m) => m.id === 'p02'))?.id;
    expect(brunoGroup).toBeDefined();
    expect((await send(moderator, 'report:present', { groupId: brunoGroup })).ok).toBe(true);
    await bruno.getByText(en('report.youPresent')).waitFor();

    const watcher = page('p03');
    const content = watcher.getByTestId('notes-panel').locator('.cm-content');
    await content.getByText('Online words.').waitFor();
    // The report-back's notes are larger, the editor's own text included.
    const sizes = await content.evaluate((el) => ({ notes: parseFloat(getComputedStyle(el).fontSize), body: parseFloat(getComputedStyle(document.body).fontSize) }));
    expect(sizes.notes).toBeGreaterThanOrEqual(sizes.body * 1.2);

    for (const [n, size] of [
      [1, phone],
      [2, { width: 1280, height: 800 }],
    ] as const) {
      await watcher.setViewportSize(size);
      await watcher.evaluate(() => window.scrollTo(0, 0));
      await bruno.getByRole('button', { name: en('report.guideTo', { question: questions[n - 1]! }) }).click();
      const line = content.locator('.cm-line', { hasText: questions[n - 1]! });
      await watcher.getByTestId('guided').getByText(en('report.guided', { name: 'Bruno', heading: questions[n - 1]! })).waitFor();
      await expect
        .poll(async () => {
          // Where the heading's words are: what a reader sees, whatever the line's padding.
          const words = line.evaluate((el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return range.getClientRects()[0]?.top ?? Number.NaN;
          });
          const atEnd = watcher.evaluate(() => Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight);
          const [top, header, end] = await Promise.all([words, headerBottom(watcher), atEnd]);
          // Just below the header; lower only where the page ends and cannot scroll further.
          return { below: top >= header && (top <= header + 48 || (end && top < size.height)), top, header };
        })
        .toMatchObject({ below: true });
    }
    await watcher.setViewportSize(phone);
    await look(watcher, 'report-back-guided');
  });

  it('speaks French throughout and names the moderator who broadcasts', async () => {
    const amina = page('p01');
    const res = await server.api(`/api/sessions/${session.id}/broadcast`, { method: 'POST', body: JSON.stringify({ text: 'Cinq minutes.' }), token: session.moderatorToken });
    expect(res.status).toBe(202);
    const banner = amina.getByTestId('broadcast');
    await banner.getByText('Cinq minutes.').waitFor();
    await amina.evaluate(() => window.scrollTo(0, 0));
    await look(amina, 'broadcast-fr');
    // The moderator link has no name of its own: the moderation sends it, in proper French.
    expect(await banner.locator('strong').textContent()).toBe(fr('phones.fromModeration'));
    expect(await banner.locator('strong').textContent()).not.toMatch(/Moderator/);
    expect((await send(mireille, 'broadcast:send', { text: 'Merci à toutes et à tous.' })).ok).toBe(true);
    const named = amina.getByTestId('broadcast').filter({ hasText: 'Merci à toutes et à tous.' });
    expect(await named.locator('strong').textContent()).toBe(fr('broadcast.from', { name: 'Mireille' }));
    // The name sits in Unicode isolates, so that a name in another script keeps the line in order.
    expect(fr('broadcast.from', { name: 'Mireille' })).toMatch(/^De la part de \u2068Mireille\u2069/);
    // Roles in forms that name everyone.
    await amina.getByTestId('who').getByText(fr('roles.facilitator')).waitFor({ state: 'attached' });
    expect(fr('roles.facilitator')).toMatch(/·/);
  });
});
