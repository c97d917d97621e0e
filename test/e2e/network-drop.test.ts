import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, igfAgenda, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { launchChromium, screenshots, shownSeconds } from './support/browser';
import { join, tr } from './support/people';

/**
 * A participant's network drops in the middle of a breakout and comes back: the page resumes where
 * the session is, without a reload, at the same table and with the moderator's countdown, which the
 * moderator changed meanwhile.
 */
const en = tr('en');
let server: RunningServer;
let browser: Browser;
let moderator: Page;
let participantContext: BrowserContext;
let participant: Page;
let others: LiveClient[] = [];
let sessionId = '';

beforeAll(async () => {
  server = await startServer();
  const session = await createSession(server, rosterCsv(10), igfAgenda);
  sessionId = session.id;
  browser = await launchChromium();
  moderator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  participantContext = await browser.newContext({ viewport: { width: 360, height: 780 } });
  participant = await participantContext.newPage();
  // The other nine take part over plain sockets: joined, so they are seated, at no browser's cost.
  others = [...session.tokens].filter(([id]) => id !== 'p01').map(([, token]) => liveClient(server.url, token));
  await Promise.all(others.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));
  await moderator.goto(`${server.url}/console#${session.moderatorToken}`);
  await join(participant, server.url, session.tokens.get('p01')!, { name: 'Amina', language: 'en' });
  await moderator.getByText(en('console.presence', { connected: 10, roster: 10 })).waitFor();
  await moderator.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
  await participant.getByRole('heading', { level: 1, name: en('plenary.title', { title: 'Opening' }) }).waitFor();
  await moderator.getByRole('button', { name: en('console.next', { title: 'Discussion in groups' }) }).click();
  await participant.locator('h1[data-screen="breakout"]').waitFor();
}, 60_000);

afterAll(async () => {
  for (const socket of others) socket.disconnect();
  await browser?.close();
  await server?.close();
});

describe('a network drop mid-breakout', () => {
  it('resumes at the same table with the right countdown, without a reload', async () => {
    const groupId = await participant.locator('h1[data-screen="breakout"]').getAttribute('data-group');
    const members = (await participant.getByTestId('group-members').locator('.member-name').allTextContents()).sort();
    expect(members).toContain('Amina');
    await participant.evaluate(() => Object.assign(window, { sameDocument: true }));
    const room = moderator.locator(`[data-testid="room"][data-group="${groupId}"]`);
    await room.locator('[data-member="p01"]').getByText(en('members.present')).waitFor();

    await participantContext.setOffline(true);
    await participant.locator('[data-testid="connection"][data-state="offline"]').getByText(en('connection.offline')).waitFor();
    await room.locator('[data-member="p01"]').getByText(en('members.away')).waitFor();
    // The page still shows the table and a running clock while offline.
    const offlineClock = await shownSeconds(participant);
    await expect.poll(() => shownSeconds(participant)).toBeLessThan(offlineClock);
    await screenshots(participant, 'breakout-offline');

    // Meanwhile the moderator gives the groups five more minutes.
    const before = await shownSeconds(moderator);
    await moderator.getByRole('button', { name: en('console.extendShort', { count: 5 }) }).click();
    await expect.poll(() => shownSeconds(moderator)).toBeGreaterThan(before + 4 * 60);

    await participantContext.setOffline(false);
    await participant.locator('[data-testid="connection"][data-state="connected"]').waitFor();
    await participant.locator(`h1[data-screen="breakout"][data-group="${groupId}"]`).waitFor();
    expect((await participant.getByTestId('group-members').locator('.member-name').allTextContents()).sort()).toEqual(members);
    await expect
      .poll(async () => {
        const [mine, theirs] = await Promise.all([shownSeconds(participant), shownSeconds(moderator)]);
        return Math.abs(mine - theirs);
      })
      .toBeLessThanOrEqual(2);
    expect(await shownSeconds(participant)).toBeGreaterThan(39 * 60);
    expect(await participant.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await room.locator('[data-member="p01"]').getByText(en('members.present')).waitFor();
  });

  it('follows the session when it moved on while offline', async () => {
    await participantContext.setOffline(true);
    await participant.locator('[data-testid="connection"][data-state="offline"]').waitFor();
    // The breakout ends while the participant is away: back online, the page is in plenary.
    await moderator.getByRole('button', { name: en('console.next', { title: 'Report-back and conclusion' }) }).click();
    await moderator.getByTestId('report-queue').waitFor();
    await participantContext.setOffline(false);
    await participant.getByRole('heading', { level: 1, name: en('plenary.title', { title: 'Report-back and conclusion' }) }).waitFor();
    await participant.getByRole('region', { name: en('report.heading'), exact: true }).waitFor();
    expect(await participant.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('ends on a clear page when the invitation is revoked during the session', async () => {
    const res = await server.api(`/api/sessions/${sessionId}/invites/revoke`, { method: 'POST', body: JSON.stringify({ memberId: 'p01' }) });
    expect(res.status).toBe(200);
    await participant.getByRole('heading', { level: 1, name: en('problem.unauthorized.title') }).waitFor();
    await participant.getByText(en('problem.unauthorized.text')).waitFor();
  });
});
