import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../support/test-server';
import { axeViolations, launchChromium, screenshots } from './support/browser';
import { join, tr } from './support/people';

/**
 * A Deliberative Poll's T1 survey in Chromium: a deliberator answers in their session's survey step
 * on a phone, loses the connection in the middle and gets it back with every answer kept; a control
 * member answers the same wave on the survey-only page of their link.
 */
const en = tr('en');
let server: RunningServer;
let browser: Browser;
let moderator: Page;
let deliberatorContext: BrowserContext;
let deliberator: Page;
let control: Page;
let sessionId = '';
let deliberatorToken = '';
let controlToken = '';

const questionnaire = {
  questions: [
    { type: 'likert', id: 'trust', scale: '0-10', text: 'How much do you trust the internet?' },
    { type: 'single', id: 'rule', text: 'Who should decide?', options: [{ id: 'states', text: 'States' }, { id: 'all', text: 'Everyone' }] },
    { type: 'open', id: 'why', text: 'Why?' },
  ],
};

async function ok<T = any>(response: Promise<Response>, status = 200): Promise<T> {
  const r = await response;
  const text = await r.text();
  if (r.status !== status) throw new Error(`${r.status}: ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  server = await startServer();
  const session = await ok<{ id: string; moderatorToken: string }>(
    server.api('/api/sessions', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Dialogue',
        languages: ['en'],
        agenda: [
          { kind: 'survey', wave: 'T1', title: 'Before we begin', minutes: 10 },
          { kind: 'plenary', title: 'Opening', minutes: 5 },
        ],
      }),
    }),
    201,
  );
  sessionId = session.id;
  await ok(server.api('/api/events', { method: 'POST', body: JSON.stringify({ id: 'poll', title: 'Poll', languages: ['en'], questionnaire }) }), 201);
  await ok(server.api('/api/events/poll/sessions', { method: 'POST', body: JSON.stringify({ sessions: [sessionId] }) }));
  const pool = 'id,name,language,region\na1,Ama,en,north\na2,Ben,en,north\na3,Chloé,en,south\na4,Dev,en,south\n';
  await ok(server.api('/api/events/poll/pool', { method: 'POST', body: pool, headers: { 'content-type': 'text/csv' } }));
  const sample = await ok(server.api('/api/events/poll/sample', { method: 'POST', body: JSON.stringify({ strata: ['region'], controlShare: 0.5, seed: 7 }) }));
  deliberatorToken = (sample.invitations[0].link as string).split('#')[1]!;
  const now = Date.now();
  const links = await ok(
    server.api('/api/events/poll/control-links', { method: 'POST', body: JSON.stringify({ wave: 'T1', opensAt: new Date(now - 3600_000).toISOString(), closesAt: new Date(now + 48 * 3600_000).toISOString() }) }),
  );
  controlToken = (links.links[0].link as string).split('#')[1]!;

  browser = await launchChromium();
  moderator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  deliberatorContext = await browser.newContext({ viewport: { width: 360, height: 780 } });
  deliberator = await deliberatorContext.newPage();
  control = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  await moderator.goto(`${server.url}/console#${session.moderatorToken}`);
  await join(deliberator, server.url, deliberatorToken, { name: 'Ama', language: 'en' });
  await moderator.getByRole('button', { name: en('console.start', { title: 'Before we begin' }) }).click();
  await deliberator.locator('h1[data-screen="survey"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const status = (page: Page, question: string, value: string) => page.locator(`[data-testid="status-${question}"][data-status="${value}"]`).waitFor();

describe('a survey step in the browser', () => {
  it('saves each answer as given, keeps one given offline, and shows the moderator the response rate', async () => {
    await deliberator.locator('[data-question="trust"]').getByRole('radio', { name: '7', exact: true }).check();
    await status(deliberator, 'trust', 'saved');
    await moderator.getByTestId('survey-rate').getByText(en('survey.responseRate', { wave: 'T1', responded: 1, expected: 2 })).waitFor();

    // The connection drops in the middle of the survey: the answer given meanwhile waits on the device.
    await deliberatorContext.setOffline(true);
    await deliberator.locator('[data-question="rule"]').getByRole('radio', { name: 'Everyone' }).check();
    await status(deliberator, 'rule', 'unsaved');
    await deliberator.getByText(en('survey.status.unsaved')).waitFor();
    await deliberatorContext.setOffline(false);
    await status(deliberator, 'rule', 'saved');

    await deliberator.getByLabel('3. Why?').fill('Because it connects us.');
    await deliberator.getByLabel('3. Why?').blur();
    await status(deliberator, 'why', 'saved');
    expect(await axeViolations(deliberator)).toEqual([]);
    await screenshots(deliberator, 'survey-deliberator');

    // Reloaded (or reopened later in the step): every answer is there.
    await deliberator.reload();
    await deliberator.locator('h1[data-screen="survey"]').waitFor();
    await expect.poll(() => deliberator.locator('[data-question="trust"]').getByRole('radio', { name: '7', exact: true }).isChecked()).toBe(true);
    expect(await deliberator.locator('[data-question="rule"]').getByRole('radio', { name: 'Everyone' }).isChecked()).toBe(true);
    expect(await deliberator.getByLabel('3. Why?').inputValue()).toBe('Because it connects us.');
    expect(await deliberator.getByTestId('survey-progress').textContent()).toBe(en('survey.progress', { done: 3, total: 3 }));
  });

  it('lets a control member answer the same wave on the survey-only page of their link', async () => {
    await control.goto(`${server.url}/survey#${controlToken}`);
    await control.locator('[data-testid="survey"][data-wave="T1"]').waitFor();
    await control.locator('[data-question="trust"]').getByRole('radio', { name: '3', exact: true }).check();
    await status(control, 'trust', 'saved');
    expect(await axeViolations(control)).toEqual([]);
    await control.reload();
    await expect.poll(() => control.locator('[data-question="trust"]').getByRole('radio', { name: '3', exact: true }).isChecked()).toBe(true);

    const report = await ok(server.api('/api/events/poll/report'));
    const trust = report.results.questions.find((q: { id: string }) => q.id === 'trust');
    expect(trust.respondents).toEqual({ deliberation: { T1: 1, T2: 0 }, control: { T1: 1, T2: 0 } });
    expect(trust.measures[0].arms.deliberation.T1.mean).toBe(7);
    expect(trust.measures[0].arms.control.T1.mean).toBe(3);
  });
});
