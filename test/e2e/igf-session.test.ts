import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { createSession, rosterCsv, startServer, type RunningServer } from '../support/test-server';
import { launchChromium, screenshots, shownSeconds } from './support/browser';
import { expectedRapporteur, join, rosterRole, tr, type Person } from './support/people';

/**
 * The IGF format end to end in real Chromium: one moderator and eleven participants (three tables)
 * through the opening plenary, a breakout with its countdown, a broadcast, a warning and a call for
 * help, an early end by the moderator, and the report-back with each rapporteur in turn.
 */
const agenda: CreateSessionInput = {
  title: 'Internet Governance with and for the Citizens',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5, speakers: ['p06'], note: 'Welcome, and what the day is for.' },
    {
      kind: 'breakout',
      title: 'Discussion in groups',
      minutes: 35,
      // Tables of four here, so that eleven people make three tables (4 + 4 + 3); at five they would make two.
      groupSize: 4,
      questions: ['How do these results inspire me?', 'What do they mean for us as a community?'],
    },
    { kind: 'plenary', title: 'Report-back and conclusion', minutes: 20 },
  ],
};
const names = ['Amina', 'Bruno', 'Chloé', 'Dev', 'Elif', 'Farah', 'Gabriel', 'Hana', 'Inès', 'Jonas', 'Kofi'];
const french = new Set(['p03', 'p08']);
const en = tr('en');

let server: RunningServer;
let browser: Browser;
let moderator: Page;
let moderatorContext: BrowserContext;
let people: Person[] = [];
let sessionId = '';
/** Group id → member ids, as the moderator locked them. */
const groups = new Map<string, string[]>();

const byName = (name: string) => people.find((p) => p.name === name)!;
const everyone = (check: (p: Person) => Promise<unknown>) => Promise.all(people.map(check));
const memberNames = async (scope: Locator) => (await scope.locator('.member-name').allTextContents()).map((s) => s.trim());
const groupLabel = (t: Person['t'], id: string) => t('group.numbered', { n: Number(id.slice(1)) });

beforeAll(async () => {
  server = await startServer();
  const session = await createSession(server, rosterCsv(11), agenda);
  sessionId = session.id;
  browser = await launchChromium();
  moderatorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  moderator = await moderatorContext.newPage();
  people = await Promise.all(
    names.map(async (name, i) => {
      const id = `p${String(i + 1).padStart(2, '0')}`;
      const language = french.has(id) ? 'fr' : 'en';
      const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
      const page = await context.newPage();
      return { id, name, language, role: rosterRole(i + 1), context, page, t: tr(language) } satisfies Person;
    }),
  );
  (globalThis as { tokens?: Map<string, string> }).tokens = session.tokens;
  await moderator.goto(`${server.url}/console#${session.moderatorToken}`);
  await moderator.getByRole('heading', { level: 1, name: en('console.title') }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// Twelve pages on two cores: each step is given a minute.
describe('the IGF format with a moderator and eleven participants', { timeout: 60_000 }, () => {
  it('shows a clear page for a link that does not open a session', async () => {
    const page = await moderatorContext.newPage();
    await page.goto(`${server.url}/join#not-a-real-invitation`);
    await page.getByRole('heading', { level: 1, name: en('problem.unauthorized.title') }).waitFor();
    await screenshots(page, 'invalid-link');
    await page.close();
  });

  it('lets every participant join from an invite link, in English or French', async () => {
    const tokens = (globalThis as { tokens?: Map<string, string> }).tokens!;
    const first = people[0]!;
    await first.page.goto(`${server.url}/join#${tokens.get(first.id)}`);
    await first.page.getByRole('button', { name: en('join.submit') }).waitFor();
    await expect.poll(() => first.page.getByLabel(en('join.nameLabel')).inputValue()).toBe('Person 1');
    await screenshots(first.page, 'join');
    await everyone((p) => join(p.page, server.url, tokens.get(p.id)!, p));
    await everyone(async (p) => {
      await p.page.getByRole('heading', { level: 1, name: p.t('plenary.lobbyTitle') }).waitFor();
      expect(await p.page.locator('html').getAttribute('lang')).toBe(p.language);
      // On a phone who one is sits behind the session title's disclosure: in the page, not on show.
      await p.page.getByTestId('who').getByText(p.name).waitFor({ state: 'attached' });
    });
    // The language follows the participant's choice, also after joining; the server keeps it.
    const dev = byName('Dev');
    await dev.page.getByRole('combobox', { name: en('language.label') }).selectOption('fr');
    await dev.page.getByRole('heading', { level: 1, name: tr('fr')('plenary.lobbyTitle') }).waitFor();
    expect(await dev.page.locator('html').getAttribute('lang')).toBe('fr');
    await dev.page.reload();
    await dev.page.getByRole('heading', { level: 1, name: tr('fr')('plenary.lobbyTitle') }).waitFor();
    await dev.page.getByRole('combobox', { name: tr('fr')('language.label') }).selectOption('en');
    await dev.page.getByRole('heading', { level: 1, name: en('plenary.lobbyTitle') }).waitFor();
    await screenshots(byName('Chloé').page, 'lobby-fr');
    await screenshots(people[0]!.page, 'lobby');
    await moderator.getByText(en('console.presence', { connected: 11, roster: 11 })).waitFor();
  });

  it('lets the moderator preview, reshuffle, adjust and lock the groups', async () => {
    const preview = moderator.getByTestId('group-preview');
    await preview.getByRole('combobox', { name: en('preview.stepLabel') }).selectOption({ label: en('preview.stepOption', { n: 1, title: 'Discussion in groups' }) });
    await preview.getByRole('button', { name: en('preview.form') }).click();
    // The groups are formed in a worker thread, which may still be starting: await them, then count.
    await preview.getByTestId('preview-score').waitFor();
    expect(await preview.getByTestId('preview-group').count()).toBe(3);
    expect(await preview.getByTestId('preview-score').textContent()).toMatch(/^Diversity score [\d.]+ of at most [\d.]+$/);
    // The size rule, each group's language and each member's languages, in words.
    expect(await preview.getByTestId('preview-rule').textContent()).toBe(en('grouping.rule', { size: 4, min: 3, count: 3 }));
    expect(await preview.getByTestId('member-languages').first().textContent()).toBe(en('grouping.speaks', { languages: 'English, French' }));
    const details = preview.getByText(/^Seed \d+/);
    const firstSeed = await details.textContent();
    await preview.getByRole('button', { name: en('preview.reshuffle') }).click();
    await expect.poll(() => details.textContent()).not.toBe(firstSeed);

    // Move one person from the largest group to the smallest.
    const cards = await preview.getByTestId('preview-group').all();
    const sized = await Promise.all(cards.map(async (card) => ({ id: (await card.getAttribute('data-group'))!, names: await memberNames(card) })));
    sized.sort((a, b) => b.names.length - a.names.length);
    const from = sized[0]!;
    const to = sized.at(-1)!;
    const moved = from.names.at(-1)!;
    await preview.getByRole('combobox', { name: en('move.personLabel') }).selectOption({ label: moved });
    await preview.getByRole('combobox', { name: en('move.targetLabel') }).selectOption({ label: en('move.groupOption', { group: groupLabel(en, to.id), count: to.names.length }) });
    await preview.getByRole('button', { name: en('move.submit') }).click();
    await expect.poll(async () => memberNames(preview.locator(`[data-testid="preview-group"][data-group="${to.id}"]`))).toContain(moved);

    await preview.getByRole('button', { name: en('preview.lock') }).click();
    await preview.getByTestId('preview-lock').getByText(en('preview.locked')).waitFor();
    for (const card of await preview.getByTestId('preview-group').all()) {
      groups.set((await card.getAttribute('data-group'))!, (await memberNames(card)).map((n) => byName(n).id));
    }
    expect([...groups.values()].flat().sort()).toEqual(people.map((p) => p.id).sort());
    await screenshots(moderator, 'console-preview');
  });

  it('opens with a plenary: agenda, countdown, named speaker, raised hands', async () => {
    await moderator.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
    await everyone(async (p) => {
      await p.page.getByRole('heading', { level: 1, name: p.t('plenary.title', { title: 'Opening' }) }).waitFor();
      await p.page.locator('[aria-current="step"]').getByText('Opening').waitFor();
      await p.page.getByTestId('speakers').getByText('Farah').waitFor();
      const left = await shownSeconds(p.page);
      expect(left).toBeGreaterThan(4 * 60 + 30);
      expect(left).toBeLessThanOrEqual(5 * 60);
    });
    await byName('Farah').page.getByText(en('floor.youMaySpeak')).waitFor();

    const dev = byName('Dev');
    await dev.page.getByRole('button', { name: en('floor.raiseHand') }).click();
    await moderator.getByTestId('hands').getByText('Dev', { exact: true }).waitFor();
    await byName('Amina').page.getByTestId('hands').getByText('Dev', { exact: true }).waitFor();
    await screenshots(people[0]!.page, 'plenary');
    await screenshots(moderator, 'console-plenary');
    await moderator.getByRole('button', { name: en('floor.lowerHandOf', { name: 'Dev' }) }).click();
    await dev.page.getByRole('button', { name: en('floor.raiseHand') }).waitFor();
  });

  it('seats everyone at the locked tables with the questions, the countdown and the notes panel', async () => {
    await moderator.getByRole('button', { name: en('console.next', { title: 'Discussion in groups' }) }).click();
    await everyone(async (p) => {
      const groupId = [...groups].find(([, ids]) => ids.includes(p.id))![0];
      await p.page.locator(`h1[data-screen="breakout"][data-group="${groupId}"]`).waitFor();
      await p.page.getByRole('heading', { level: 1, name: p.t('breakout.title', { group: groupLabel(p.t, groupId) }) }).waitFor();
      const shown = await memberNames(p.page.getByTestId('group-members'));
      expect(shown.sort()).toEqual(groups.get(groupId)!.map((id) => people.find((q) => q.id === id)!.name).sort());
      // The questions are the headings the table's notes open with.
      await p.page.getByTestId('notes-panel').locator('.cm-line.rt-notes-heading', { hasText: 'How do these results inspire me?' }).waitFor();
      await p.page.getByRole('region', { name: p.t('breakout.notesHeading') }).waitFor();
      await p.page.getByRole('region', { name: p.t('media.heading') }).waitFor();
      const left = await shownSeconds(p.page);
      expect(left).toBeGreaterThan(34 * 60);
      expect(left).toBeLessThanOrEqual(35 * 60);
    });
    // A note taker writes in the group's shared notes; the others at the table see it.
    const bruno = byName('Bruno');
    const notes = bruno.page.getByRole('textbox', { name: en('notes.editorLabel') });
    await notes.click();
    await bruno.page.keyboard.press('Control+End');
    await bruno.page.keyboard.type('Trust comes first.');
    const brunoGroup = [...groups].find(([, ids]) => ids.includes(bruno.id))!;
    for (const id of brunoGroup[1].filter((id) => id !== bruno.id)) {
      const mate = people.find((p) => p.id === id)!;
      await mate.page.getByRole('textbox', { name: mate.t('notes.editorLabel') }).getByText('Trust comes first.').waitFor();
    }
    // Roles are shown at the table.
    const facilitator = byName('Amina');
    await facilitator.page.getByTestId('group-members').locator('[data-member="p01"]').getByText(en('roles.facilitator')).waitFor();
    await screenshots(facilitator.page, 'breakout');
    await screenshots(byName('Chloé').page, 'breakout-fr');
    await moderator.getByTestId('rooms').getByTestId('room').first().waitFor();
    expect(await moderator.getByTestId('room').count()).toBe(3);
    // The console shows, in words, that Bruno's table is writing (one person typed, though all have
    // the editor open) and has edited; another has not.
    const brunoNotes = moderator.locator(`[data-testid="room"][data-group="${brunoGroup[0]}"]`).getByTestId('notes-activity');
    await expect
      .poll(() => brunoNotes.textContent(), { timeout: 15_000 })
      .toBe(en('rooms.notes', { activity: `${en('rooms.notesWriting', { count: 1 })} · ${en('rooms.notesEditedNow')}` }));
    const quiet = [...groups.keys()].find((id) => id !== brunoGroup[0])!;
    await expect
      .poll(() => moderator.locator(`[data-testid="room"][data-group="${quiet}"]`).getByTestId('notes-activity').textContent())
      .toContain(en('rooms.notesNoEdits'));
  });

  it('delivers a broadcast to every table and warns at five minutes left', async () => {
    await moderator.getByLabel(en('broadcastForm.textLabel')).fill('Five minutes left: please agree on three key points.');
    await moderator.getByRole('combobox', { name: en('broadcastForm.targetLabel') }).selectOption({ label: en('broadcastForm.everyone') });
    await moderator.getByRole('button', { name: en('broadcastForm.send') }).click();
    await everyone((p) => p.page.getByTestId('broadcast').getByText('please agree on three key points').waitFor());

    // The moderator shortens the breakout by 25 minutes with the console's buttons; every clock follows.
    const shorten = moderator.getByRole('button', { name: en('console.shortenShort', { count: 5 }) });
    for (let i = 1; i <= 5; i++) {
      await shorten.click();
      await expect.poll(() => shownSeconds(moderator)).toBeLessThanOrEqual((35 - 5 * i) * 60);
    }
    await everyone(async (p) => expect.poll(() => shownSeconds(p.page)).toBeLessThanOrEqual(10 * 60));
    // Then to just over five minutes (through the REST API, to the second), so the server's own
    // five-minute warning comes a moment later. A shortening that jumps over a mark says nothing.
    const view = (await (await server.api(`/api/sessions/${sessionId}`)).json()) as { endsAt: number; serverNow: number };
    const minutes = (5 * 60_000 + 2_500 - (view.endsAt - view.serverNow)) / 60_000;
    expect((await server.api(`/api/sessions/${sessionId}/agenda/extend`, { method: 'POST', body: JSON.stringify({ minutes }) })).status).toBe(200);
    await everyone(async (p) => {
      await p.page.getByTestId('time-warning').getByText(p.t('countdown.minutesLeft', { count: 5 })).waitFor();
      await p.page.getByTestId('countdown-announcement').getByText(p.t('countdown.minutesLeft', { count: 5 })).waitFor({ state: 'attached' });
      expect(await shownSeconds(p.page)).toBeLessThanOrEqual(5 * 60);
    });
    await screenshots(byName('Hana').page, 'breakout-warning-fr');
  });

  it('carries a call for help to the moderator, who acknowledges, visits and resolves it; the caller sees each answer', async () => {
    const farah = byName('Farah'); // a facilitator
    const groupId = [...groups].find(([, ids]) => ids.includes(farah.id))![0];
    await farah.page.getByLabel(en('help.messageLabel')).fill('Two people cannot hear each other.');
    await farah.page.getByRole('button', { name: en('help.call') }).click();
    await farah.page.getByTestId('help-status').getByText(en('help.status.open')).waitFor();
    // One call at a time: the form gives way to the call's status and a way to take it back.
    expect(await farah.page.getByRole('button', { name: en('help.call') }).count()).toBe(0);
    await farah.page.getByRole('button', { name: en('help.cancel') }).waitFor();

    const call = moderator.getByTestId('help-call');
    await call.getByText('Two people cannot hear each other.').waitFor();
    await call.getByText(groupLabel(en, groupId)).waitFor();
    await moderator.locator(`[data-testid="room"][data-group="${groupId}"]`).getByText(en('rooms.calls', { count: 1 })).waitFor();
    await call.getByRole('button', { name: en('helpCalls.acknowledge') }).click();
    await moderator.locator('[data-testid="help-call"][data-status="acknowledged"]').waitFor();
    await farah.page.getByTestId('help-status').getByText(en('help.status.acknowledged', { name: 'Moderator' })).waitFor();

    const visitButton = moderator.getByRole('button', { name: en('rooms.visit', { group: groupLabel(en, groupId) }) });
    await visitButton.click();
    const visit = moderator.getByTestId('visit-room');
    await visit.getByRole('heading', { name: en('visit.heading', { group: groupLabel(en, groupId) }) }).waitFor();
    await expect.poll(() => moderator.evaluate(() => document.activeElement?.textContent)).toBe(en('visit.heading', { group: groupLabel(en, groupId) }));
    await visit.getByText('Farah', { exact: true }).waitFor();
    await visit.getByRole('region', { name: en('visit.notesHeading', { group: groupLabel(en, groupId) }) }).waitFor();
    await screenshots(moderator, 'console-rooms');
    await visit.getByRole('button', { name: en('visit.close') }).click();
    await expect.poll(() => moderator.evaluate(() => document.activeElement?.textContent)).toBe(en('rooms.visit', { group: groupLabel(en, groupId) }));

    await call.getByRole('button', { name: en('helpCalls.resolve') }).click();
    await moderator.getByText(en('helpCalls.none')).waitFor();
    await moderator.getByText(en('helpCalls.resolvedCount', { count: 1 })).waitFor();
    await farah.page.getByTestId('help-status').getByText(en('help.status.resolved', { name: 'Moderator' })).waitFor();
    await farah.page.getByRole('button', { name: en('help.call') }).waitFor();
  });

  it('brings everyone back to plenary when the moderator ends the breakout early, after telling every room', async () => {
    await moderator.getByRole('button', { name: en('console.next', { title: 'Report-back and conclusion' }) }).click();
    // No room closes silently: each is told, and the moderator may close them now or keep them open.
    await everyone((p) => p.page.getByTestId('rooms-closing').getByText(p.t('closing.then', { title: 'Report-back and conclusion' })).waitFor());
    await expect.poll(async () => Number((await people[0]!.page.getByTestId('rooms-closing').getByRole('timer').textContent())?.match(/\d+/)?.[0])).toBeLessThanOrEqual(60);
    await screenshots(byName('Hana').page, 'rooms-closing-fr');
    await moderator.getByRole('button', { name: en('closing.closeNow') }).click();
    await everyone(async (p) => {
      await p.page.getByRole('heading', { level: 1, name: p.t('plenary.title', { title: 'Report-back and conclusion' }) }).waitFor();
      await p.page.getByRole('region', { name: p.t('report.heading'), exact: true }).waitFor();
      expect(await p.page.locator('.queue li').count()).toBe(3);
      await p.page.getByTestId('presenting').getByText(p.t('report.nobody')).waitFor();
    });
  });

  it('runs the report-back: the moderator orders the queue and each rapporteur presents in turn, marked once presented', async () => {
    const queue = moderator.getByTestId('report-queue');
    const order = async () => Promise.all((await queue.getByTestId('queue-item').all()).map(async (li) => (await li.getAttribute('data-group'))!));
    const before = await order();
    const last = before.at(-1)!;
    await queue.getByRole('button', { name: en('report.moveUp', { group: groupLabel(en, last) }) }).click();
    const reordered = [...before.slice(0, -2), last, before.at(-2)!];
    await expect.poll(order).toEqual(reordered);
    // Participants see the same order.
    await expect
      .poll(async () => (await people[0]!.page.locator('.queue li').allTextContents()).map((text) => text.slice(0, 7)))
      .toEqual(reordered.map((g) => groupLabel(en, g)));

    for (const [turn, groupId] of reordered.entries()) {
      const members = groups.get(groupId)!.map((id) => people.find((p) => p.id === id)!);
      const rapporteur = expectedRapporteur(members)!;
      await queue.getByRole('button', { name: en('report.present', { group: groupLabel(en, groupId) }) }).click();
      await everyone(async (p) => {
        await p.page.getByTestId('presenting').getByText(p.t('report.presenting', { group: groupLabel(p.t, groupId), name: rapporteur.name })).waitFor();
        await p.page.getByRole('region', { name: p.t('report.notesHeading', { group: groupLabel(p.t, groupId) }) }).waitFor();
      });
      await rapporteur.page.getByText(rapporteur.t('report.youPresent')).waitFor();
      // The group before has presented: marked so in the console and on everyone's queue.
      const done = reordered.slice(0, turn);
      for (const page of [moderator, people[0]!.page]) {
        for (const g of done) await page.locator(`[data-testid="queue-item"][data-group="${g}"][data-presented="true"]`).waitFor();
        expect(await page.locator('[data-testid="queue-item"][data-presented="true"]').count()).toBe(done.length);
      }
      if (groups.get(groupId)!.includes('p02')) {
        // What the table wrote is on every screen, read-only.
        await everyone((p) => p.page.getByTestId('notes-panel').getByText('Trust comes first.').waitFor());
        expect(await people.find((p) => !groups.get(groupId)!.includes(p.id))!.page.getByRole('textbox', { name: en('notes.editorLabel') }).getAttribute('aria-readonly')).toBe('true');
      }
      if (turn === 0) {
        // The rapporteur brings every screen to the second question of the notes.
        const question = 'What do they mean for us as a community?';
        await rapporteur.page.getByRole('button', { name: rapporteur.t('report.guideTo', { question }) }).click();
        await everyone((p) => p.page.getByTestId('guided').getByText(p.t('report.guided', { name: rapporteur.name, heading: question })).waitFor());
        await screenshots(rapporteur.page, 'report-back');
        await screenshots(moderator, 'console-report-back');
      }
    }
    await queue.getByRole('button', { name: en('report.stop') }).click();
    await everyone((p) => p.page.getByTestId('presenting').getByText(p.t('report.nobody')).waitFor());
    await expect.poll(() => moderator.locator('[data-testid="queue-item"][data-presented="true"]').count()).toBe(reordered.length);
    await moderator.getByTestId('report-queue').getByText(en('report.presented')).first().waitFor();
  });

  it('ends the session for everyone', async () => {
    await moderator.getByRole('button', { name: en('console.endSession') }).click();
    await moderator.getByRole('button', { name: en('console.endConfirm') }).click();
    await everyone((p) => p.page.getByRole('heading', { level: 1, name: p.t('ended.title') }).waitFor());
    await moderator.getByTestId('session-status').getByText(en('console.statusEnded')).waitFor();
    await screenshots(people[0]!.page, 'ended');
    expect(sessionId).not.toBe('');
  });
});
