import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { launchChromium, screenshots } from './support/browser';
import { join, tr } from './support/people';

/**
 * What people are told, in real Chromium: who is missing (and their link), the floor given to a
 * raised hand, a person moved to another table (and their notes following), a call for help
 * cancelled, the rooms' closing countdown, and an invitation opened after the end.
 */
const agenda: CreateSessionInput = {
  title: 'Neighbourhood forum',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 10 },
    { kind: 'breakout', title: 'Tables', minutes: 30, groupSize: 3, questions: ['What would you change first?'], closeSeconds: 45 },
    { kind: 'plenary', title: 'Report-back', minutes: 10 },
  ],
};
const en = tr('en');
const groupLabel = (id: string) => en('group.numbered', { n: Number(id.slice(1)) });

let server: RunningServer;
let browser: Browser;
let moderator: Page;
let amina: Page; // p03
let bruno: Page; // p01
let sockets: LiveClient[] = [];
let sessionId = '';
let tokens = new Map<string, string>();
let copiedLink = '';

beforeAll(async () => {
  server = await startServer();
  const session = await createSession(server, rosterCsv(7), agenda);
  sessionId = session.id;
  tokens = session.tokens;
  browser = await launchChromium();
  moderator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  amina = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
  bruno = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  // Four more take part over plain sockets; p07 never comes.
  sockets = ['p02', 'p04', 'p05', 'p06'].map((id) => liveClient(server.url, tokens.get(id)!));
  await Promise.all(sockets.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));
  await moderator.goto(`${server.url}/console#${session.moderatorToken}`);
  await join(amina, server.url, tokens.get('p03')!, { name: 'Amina', language: 'en' });
  await join(bruno, server.url, tokens.get('p01')!, { name: 'Bruno', language: 'en' });
  await moderator.getByText(en('console.presence', { connected: 6, roster: 7 })).waitFor();
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await browser?.close();
  await server?.close();
});

describe('feedback where people used to get none', { timeout: 60_000 }, () => {
  it('lists who is missing with their invitation to copy; opening it takes no seat', async () => {
    const attendance = moderator.getByTestId('attendance');
    await attendance.getByRole('heading', { name: en('attendance.heading', { count: 1 }) }).waitFor();
    const row = attendance.locator('[data-testid="missing-person"][data-member="p07"]');
    await row.getByText(en('attendance.status.not-joined')).waitFor();
    await row.getByRole('button', { name: en('attendance.copy', { name: 'Person 7' }) }).click();
    copiedLink = await row.getByLabel(en('attendance.linkLabel', { name: 'Person 7' })).inputValue();
    expect(copiedLink).toMatch(new RegExp(`^${server.url}/join#`));
    await screenshots(moderator, 'console-attendance');

    // The link opens the join screen; until the terms are agreed to, nobody more is here.
    const looking = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
    await looking.goto(copiedLink);
    await looking.getByRole('button', { name: en('join.submit') }).waitFor();
    await moderator.getByText(en('console.presence', { connected: 6, roster: 7 })).waitFor();
    await row.waitFor();
    await looking.context().close();
  });

  it('gives the floor to a raised hand, names the speaker to everyone, and takes it back', async () => {
    await moderator.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
    await amina.getByRole('button', { name: en('floor.raiseHand') }).click();
    await moderator.getByTestId('hands').getByText('Amina', { exact: true }).waitFor();
    await moderator.getByRole('button', { name: en('floor.giveTo', { name: 'Amina' }) }).click();
    await amina.getByTestId('floor-holder').getByText(en('floor.youHaveFloor')).waitFor();
    await bruno.getByTestId('floor-holder').getByText(en('floor.holder', { name: 'Amina' })).waitFor();
    await moderator.getByTestId('floor-holder').getByText(en('floor.holder', { name: 'Amina' })).waitFor();
    expect(await amina.getByRole('button', { name: en('floor.raiseHand') }).count()).toBe(0);
    await screenshots(bruno, 'floor-given');
    await moderator.getByRole('button', { name: en('floor.takeBack', { name: 'Amina' }) }).click();
    await bruno.getByTestId('floor-holder').getByText(en('floor.nobody')).waitFor();
    await amina.getByRole('button', { name: en('floor.raiseHand') }).waitFor();
  });

  it('tells a person moved to another table where they went, and their notes follow', async () => {
    await moderator.getByRole('button', { name: en('console.next', { title: 'Tables' }) }).click();
    const heading = amina.locator('h1[data-screen="breakout"]');
    await heading.waitFor();
    const from = (await heading.getAttribute('data-group'))!;
    await amina.getByTestId('notes-panel').getByRole('textbox', { name: en('notes.editorLabel') }).waitFor();
    const rooms = moderator.getByTestId('rooms');
    const to = (await rooms.getByTestId('room').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-group')!))).find((g) => g !== from)!;
    await rooms.getByRole('combobox', { name: en('move.personLabel') }).selectOption({ label: 'Amina' });
    await rooms.getByRole('combobox', { name: en('move.targetLabel') }).selectOption({ label: en('move.groupOption', { group: groupLabel(to), count: 3 }) });
    await rooms.getByRole('button', { name: en('move.submit') }).click();

    await amina.locator(`h1[data-screen="breakout"][data-group="${to}"]`).waitFor();
    await amina.getByTestId('moved-notice').getByText(en('moved.notice', { from: groupLabel(from), to: groupLabel(to) })).waitFor();
    const editor = amina.getByTestId('notes-panel').getByRole('textbox', { name: en('notes.editorLabel') });
    await editor.waitFor();
    await amina.getByTestId('notes-panel').getByText(en('notes.connected')).waitFor();
    await editor.click();
    await amina.keyboard.press('End');
    await amina.keyboard.type(' Moved and writing.');
    await expect.poll(() => server.roundtable.notes.textOf({ sessionId, stepIndex: 1, groupId: to })).toContain('Moved and writing.');
    expect(await server.roundtable.notes.textOf({ sessionId, stepIndex: 1, groupId: from })).not.toContain('Moved and writing.');
    await screenshots(amina, 'breakout-moved');
    await amina.getByRole('button', { name: en('moved.dismiss') }).click();
    expect(await amina.getByTestId('moved-notice').count()).toBe(0);
  });

  it('lets a caller cancel a call for help', async () => {
    await amina.getByRole('button', { name: en('help.call') }).click();
    await amina.getByTestId('help-status').getByText(en('help.status.open')).waitFor();
    await moderator.getByTestId('help-call').waitFor();
    await amina.getByRole('button', { name: en('help.cancel') }).click();
    await amina.getByTestId('help-status').getByText(en('help.status.cancelled')).waitFor();
    await moderator.getByText(en('helpCalls.none')).waitFor();
    await amina.getByRole('button', { name: en('help.call') }).waitFor();
  });

  it('counts down in every room before the rooms close; the moderator keeps them open, then closes them', async () => {
    await moderator.getByRole('button', { name: en('console.next', { title: 'Report-back' }) }).click();
    for (const page of [amina, bruno, moderator]) await page.getByTestId('rooms-closing').getByText(en('closing.then', { title: 'Report-back' })).waitFor();
    const seconds = async () => Number((await amina.getByTestId('rooms-closing').getByRole('timer').textContent())?.match(/\d+/)?.[0]);
    await expect.poll(seconds).toBeLessThanOrEqual(45);
    expect(await seconds()).toBeGreaterThan(30);
    await screenshots(amina, 'breakout-rooms-closing');
    await moderator.getByRole('button', { name: en('closing.keepOpen') }).click();
    await amina.getByTestId('rooms-closing').waitFor({ state: 'detached' });
    await amina.locator('h1[data-screen="breakout"]').waitFor();
    await moderator.getByRole('button', { name: en('console.next', { title: 'Report-back' }) }).click();
    await moderator.getByRole('button', { name: en('closing.closeNow') }).click();
    for (const page of [amina, bruno]) await page.getByRole('heading', { level: 1, name: en('plenary.title', { title: 'Report-back' }) }).waitFor();
  });

  it('opens an invitation used after the end on "this session has ended", not the join form', async () => {
    await moderator.getByRole('button', { name: en('console.endSession') }).click();
    await moderator.getByRole('button', { name: en('console.endConfirm') }).click();
    await bruno.getByRole('heading', { level: 1, name: en('ended.title') }).waitFor();
    const late = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
    await late.goto(copiedLink);
    await late.getByRole('heading', { level: 1, name: en('ended.title') }).waitFor();
    expect(await late.getByRole('button', { name: en('join.submit') }).count()).toBe(0);
    await screenshots(late, 'invite-after-end');
    await late.context().close();
  });
});
