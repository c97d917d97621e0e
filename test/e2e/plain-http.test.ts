import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock';
import { createSession, rosterCsv, startServer, type RunningServer } from '../support/test-server';
import { launchChromium } from './support/browser';
import { join, tr } from './support/people';

/**
 * A laptop serving a room on its LAN: people open http://<the laptop's name>:port, not localhost,
 * so the browser treats the page as insecure. It must render all the same (no HTTPS upgrade of its
 * assets), and a link past its expiry says so on a page of its own.
 */
const en = tr('en');
const lanHost = 'roundtable.test';
let clock: ManualClock;
let server: RunningServer;
let browser: Browser;
let base = '';

beforeAll(async () => {
  clock = new ManualClock();
  server = await startServer({ clock });
  base = server.url.replace('127.0.0.1', lanHost);
  browser = await launchChromium([`--host-resolver-rules=MAP ${lanHost} 127.0.0.1`]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage(): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
}

describe('served over plain http on a LAN host name', () => {
  it('renders the client and lets a participant join', async () => {
    expect(new URL(base).hostname).toBe(lanHost);
    const { tokens } = await createSession(server, rosterCsv(3));
    const page = await freshPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    await join(page, base, tokens.get('p01')!, { name: 'Amina', language: 'en' });
    await expect(page.locator('h1[data-screen="lobby"]').isVisible()).resolves.toBe(true);
    // Every asset came over http from the host the page was opened at.
    expect(failed).toEqual([]);
    const scripts = await page.locator('script[src]').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src));
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src.startsWith(`${base}/`)).toBe(true);
    await page.context().close();
  });

  it('shows an expired invitation its own page', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(3));
    const end = await server.api(`/api/sessions/${id}/agenda/end`, { method: 'POST', token: moderatorToken });
    expect(end.status).toBe(200);
    clock.advance(8 * 24 * 60 * 60_000);
    const page = await freshPage();
    await page.goto(`${base}/join#${tokens.get('p02')!}`);
    const problem = page.locator('[data-testid="problem"][data-problem="expired"]');
    await problem.getByRole('heading', { level: 1, name: en('exports.expired.title') }).waitFor();
    expect(await problem.locator('p').textContent()).toBe(en('exports.expired.text'));
    await page.context().close();
  });
});
