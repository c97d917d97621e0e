import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput, SessionView } from '../../shared/session';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { axeViolations, launchChromium, screenshots } from './support/browser';
import { join, tr } from './support/people';

/**
 * Ideas, questions and votes in real Chromium, on a phone: the note taker sends the table's
 * question, everyone upvotes it back together, the moderator takes it, and a ranking vote is cast
 * and changed with buttons only, its results shown as bars and as a table. axe on each screen.
 */
const agenda: CreateSessionInput = {
  title: 'Neighbourhood forum',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 10 },
    { kind: 'breakout', title: 'Tables', minutes: 30, groupSize: 3, questions: ['What would you change first?'], closeSeconds: 0 },
    { kind: 'plenary', title: 'Questions to the panel', minutes: 10 },
    { kind: 'vote', title: 'Priorities', minutes: 5, method: 'ranking', maxChoices: 2, options: ['Schools', 'Clinics', 'Roads'] },
  ],
};
const en = tr('en');

let server: RunningServer;
let browser: Browser;
let moderator: Page;
let taker: Page; // p02, a note taker
let amina: Page; // p03, a participant
let sockets: LiveClient[] = [];
let sessionId = '';
let moderatorToken = '';

const drive = async (command: string) => {
  const reply = await server.api(`/api/sessions/${sessionId}/agenda/${command}`, { method: 'POST', token: moderatorToken, body: '{}', headers: { 'content-type': 'application/json' } });
  expect(reply.status).toBe(200);
};
const noViolations = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

beforeAll(async () => {
  server = await startServer();
  const session = await createSession(server, rosterCsv(6), agenda);
  sessionId = session.id;
  moderatorToken = session.moderatorToken;
  browser = await launchChromium();
  moderator = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  taker = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  amina = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
  sockets = ['p01', 'p04', 'p05', 'p06'].map((id) => liveClient(server.url, session.tokens.get(id)!));
  await Promise.all(sockets.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));
  await moderator.goto(`${server.url}/console#${moderatorToken}`);
  await join(taker, server.url, session.tokens.get('p02')!, { name: 'Bruno', language: 'en' });
  await join(amina, server.url, session.tokens.get('p03')!, { name: 'Amina', language: 'en' });
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await browser?.close();
  await server?.close();
});

describe('ideas, questions and votes', { timeout: 60_000 }, () => {
  it('the note taker sends the table’s question during the breakout and is told it went', async () => {
    await drive('start');
    await drive('next');
    const form = taker.getByTestId('table-contributions');
    await form.waitFor();
    await form.getByLabel(en('votes.kind.question')).check();
    await form.getByLabel(en('votes.textLabel')).fill('Who pays for the new bus line?');
    await form.getByRole('button', { name: en('votes.send') }).click();
    await form.getByText(en('votes.sent')).waitFor();
    await form.getByRole('list', { name: en('votes.sentList') }).getByText('Who pays for the new bus line?').waitFor();
    await noViolations(taker);
    // A participant has no such form.
    await amina.locator('h1[data-screen="breakout"]').waitFor();
    expect(await amina.getByTestId('table-contributions').count()).toBe(0);
  });

  it('everyone upvotes the question back together; the moderator takes it to the speakers', async () => {
    await drive('next');
    const list = amina.getByTestId('questions-list');
    const upvote = list.getByRole('button', { name: new RegExp(`^${en('votes.upvote')}\\s*: Who pays for the new bus line\\?$`) });
    await upvote.click();
    await list.getByRole('button', { name: new RegExp(`^${en('votes.upvoted')}\\s*: Who pays for the new bus line\\?$`), pressed: true }).waitFor();
    await list.getByText(en('votes.upvotes', { count: 1 })).waitFor();
    await noViolations(amina);
    await screenshots(amina, 'questions-phone');
    // Reloading keeps what one gave.
    await amina.reload();
    await amina.getByTestId('questions-list').getByRole('button', { name: new RegExp(`^${en('votes.upvoted')}\\s*: Who pays for the new bus line\\?$`), pressed: true }).waitFor();
    const queue = moderator.getByTestId('questions-list');
    await queue.getByText(en('votes.upvotes', { count: 1 })).waitFor();
    await queue.getByRole('button', { name: en('votes.takeLabel', { question: 'Who pays for the new bus line?' }) }).click();
    await amina.getByTestId('questions-list').getByRole('heading', { name: en('votes.takenHeading') }).waitFor();
  });

  it('takes a ranking ballot with buttons only, changeable, with live results as bars and a table', async () => {
    await drive('next');
    const ballot = amina.getByTestId('ballot');
    await ballot.getByText(en('votes.rankingHelp', { count: 2 })).waitFor();
    await ballot.getByLabel('Clinics').check();
    await ballot.getByLabel('Schools').check();
    // A third is not possible: the limit is two.
    expect(await ballot.getByLabel('Roads').isDisabled()).toBe(true);
    await ballot.getByRole('button', { name: en('votes.moveUp', { option: 'Schools' }) }).click();
    await ballot.getByRole('button', { name: en('votes.cast') }).click();
    await ballot.getByText(en('votes.saved')).waitFor();
    const results = amina.getByTestId('vote-results');
    await results.getByText(en('votes.ballots', { count: 1 })).waitFor();
    const rows = await results.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText)));
    expect(rows).toEqual([
      ['Schools', '1', '3', '1'],
      ['Clinics', '1', '2', '0'],
      ['Roads', '0', '0', '0'],
    ]);
    await noViolations(amina);
    await screenshots(amina, 'vote-phone');
    const view = (await (await server.api(`/api/sessions/${sessionId}`, { token: moderatorToken })).json()) as SessionView;
    expect(view.votes!.at(-1)!.ballots).toBe(1);
    // The moderator sees the same results live.
    await moderator.getByTestId('vote-results').first().getByText(en('votes.ballots', { count: 1 })).waitFor();
  });
});
