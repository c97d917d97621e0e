import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';
import { axeViolations, launchChromium } from './support/browser';
import { join, tr } from './support/people';

/**
 * For people who do not read easily, in real Chromium at 360 px: the listen control reads the
 * step's texts in the person's language (the browser voice is stubbed in the test page only), an
 * organizer's recording plays instead where there is one, no control shows where nothing can read
 * the text, every touch target is at least 44 px, joining takes one button, and a facilitator
 * marks someone as taking part by voice only, which their note taker is told.
 */
const recording = 'https://audio.example/comment.wav';
const agenda: CreateSessionInput = {
  title: 'Forum',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: { en: 'Opening', fr: 'Ouverture' }, minutes: 5, note: { en: 'Welcome.', fr: 'Bienvenue.' } },
    {
      kind: 'breakout',
      title: { en: 'Tables', fr: 'Tables' },
      minutes: 30,
      questions: [
        { en: 'Why?', fr: 'Pourquoi ?' },
        { en: 'How?', fr: 'Comment ?' },
      ],
      audio: { 'questions.1': { fr: recording } },
    },
  ],
};

/** 0.2 s of silence as a WAV file: what the organizer's recording address serves in this test. */
function silentWav(): Buffer {
  const samples = 1600;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
}

/**
 * In the page only: a browser voice for each of `voices` that records what it is asked to say, and
 * a record of each media file that really started playing.
 */
function stubSpeech(voices: string[]) {
  const w = window as unknown as { __spoken: Array<{ text: string; lang: string }>; __played: string[] };
  w.__spoken = [];
  w.__played = [];
  const synthesis = new EventTarget() as EventTarget & Record<string, unknown>;
  synthesis.getVoices = () => voices.map((lang) => ({ lang, name: `Test ${lang}`, voiceURI: lang, localService: true, default: false }));
  synthesis.speak = (u: { text: string; lang: string; onend?: (() => void) | null }) => {
    w.__spoken.push({ text: u.text, lang: u.lang });
    queueMicrotask(() => u.onend?.());
  };
  synthesis.cancel = () => undefined;
  Object.defineProperty(window, 'speechSynthesis', { value: synthesis, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', {
    configurable: true,
    value: class {
      text: string;
      lang = '';
      constructor(text: string) {
        this.text = text;
      }
    },
  });
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    this.addEventListener('playing', () => w.__played.push(this.currentSrc), { once: true });
    return play.call(this);
  };
}

const spoken = (page: Page) => page.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken);

/** Buttons, links and disclosures on screen smaller than 44 × 44 px. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, a[href], summary, [role="button"], select')]
      .filter((el) => !el.closest('.visually-hidden') && !el.matches('.skip-link:not(:focus)') && el.getClientRects().length > 0)
      .flatMap((el) => {
        const box = el.getBoundingClientRect();
        return box.width < 44 || box.height < 44 ? [`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`] : [];
      }),
  );
}

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let others: LiveClient[] = [];

async function phone(locale: string, voices: string[]): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 360, height: 780 } });
  contexts.push(context);
  await context.addInitScript(stubSpeech, voices);
  await context.route('https://audio.example/**', (route) => route.fulfill({ status: 200, contentType: 'audio/wav', body: silentWav() }));
  return context.newPage();
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
}, 60_000);
afterAll(async () => {
  for (const socket of others) socket.disconnect();
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

describe('for people who do not read easily', () => {
  it('hears every text, joins with one button, and is marked as taking part by voice', async () => {
    const fr = tr('fr');
    const en = tr('en');
    const session = await createSession(server, rosterCsv(5), agenda);
    others = ['p04', 'p05'].map((id) => liveClient(server.url, session.tokens.get(id)!));
    await Promise.all(others.map(async (socket) => joinScreen(socket, (await nextEvent(socket, 'welcome')).seat)));

    // The join screen: a picture, three short sentences, the terms heard aloud, one button.
    const chloe = await phone('fr-FR', ['fr-FR']);
    await chloe.goto(`${server.url}/join#${session.tokens.get('p03')}`);
    await chloe.getByRole('radio', { name: 'français' }).check();
    await chloe.getByRole('img', { name: fr('easy.phasesPicture') }).waitFor();
    await expect(chloe.locator('.join-said p').allTextContents()).resolves.toEqual([fr('easy.join1'), fr('easy.join2'), fr('easy.join3')]);
    await chloe.getByRole('button', { name: `${fr('easy.listen')} ${fr('easy.whatJoin')}` }).click();
    await chloe.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length === 1);
    await expect(spoken(chloe)).resolves.toEqual([{ text: [fr('easy.join1'), fr('easy.join2'), fr('easy.join3'), fr('join.terms')].join(' '), lang: 'fr' }]);
    await expect(smallTargets(chloe)).resolves.toEqual([]);
    expect(await axeViolations(chloe)).toEqual([]);
    // Nothing to type: the roster's name and the chosen language stand; the one button agrees and joins.
    await chloe.getByRole('button', { name: fr('join.submit') }).click();
    await chloe.locator('h1[data-screen="lobby"]').waitFor();

    const facilitator = await phone('en-GB', []);
    await join(facilitator, server.url, session.tokens.get('p01')!, { name: 'Farah', language: 'en' });
    const notetaker = await phone('en-GB', []);
    await join(notetaker, server.url, session.tokens.get('p02')!, { name: 'Nour', language: 'en' });

    // Everyone together: the title and the note heard in French; the time left also as a bar.
    expect((await server.api(`/api/sessions/${session.id}/agenda/start`, { method: 'POST' })).status).toBe(200);
    await chloe.locator('h1[data-screen="plenary"]').waitFor();
    await chloe.getByRole('button', { name: `${fr('easy.listen')} ${fr('easy.whatTitle')}` }).click();
    await chloe.getByRole('button', { name: `${fr('easy.listen')} ${fr('easy.whatNote')}` }).click();
    await chloe.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length === 3);
    await expect(spoken(chloe).then((s) => s.slice(1))).resolves.toEqual([
      { text: 'Ouverture', lang: 'fr' },
      { text: 'Bienvenue.', lang: 'fr' },
    ]);
    const bar = chloe.getByRole('progressbar', { name: fr('easy.timeBar') });
    await expect(bar.getAttribute('aria-valuetext')).resolves.toBe(fr('countdown.minutesLeft', { count: 5 }));
    await expect(bar.getAttribute('aria-valuemax')).resolves.toBe('5');
    await expect(smallTargets(chloe)).resolves.toEqual([]);
    expect(await axeViolations(chloe)).toEqual([]);
    // No voice for English in that browser and no recording: no control where nothing could read.
    await facilitator.locator('h1[data-screen="plenary"]').waitFor();
    await expect(facilitator.getByTestId('listen').count()).resolves.toBe(0);

    // At the table: the first question by the browser's voice, the second by the organizer's recording.
    expect((await server.api(`/api/sessions/${session.id}/agenda/next`, { method: 'POST' })).status).toBe(200);
    await chloe.locator('h1[data-screen="breakout"]').waitFor();
    await chloe.getByRole('button', { name: `${fr('easy.listen')} ${fr('easy.whatQuestion', { n: 1 })}` }).click();
    await chloe.waitForFunction(() => (window as unknown as { __spoken: unknown[] }).__spoken.length === 4);
    await expect(spoken(chloe).then((s) => s[3])).resolves.toEqual({ text: 'Pourquoi ?', lang: 'fr' });
    const second = chloe.getByRole('button', { name: `${fr('easy.listen')} ${fr('easy.whatQuestion', { n: 2 })}` });
    await expect(second.getAttribute('data-source')).resolves.toBe('recording');
    await second.click();
    await chloe.waitForFunction(() => (window as unknown as { __played: unknown[] }).__played.length === 1);
    await expect(chloe.evaluate(() => (window as unknown as { __played: string[] }).__played)).resolves.toEqual([recording]);
    await expect(spoken(chloe)).resolves.toHaveLength(4);
    await expect(smallTargets(chloe)).resolves.toEqual([]);

    // The facilitator marks Chloé as taking part by voice; her table sees it, her note taker is told.
    await facilitator.locator('h1[data-screen="breakout"]').waitFor();
    await expect(facilitator.getByTestId('listen').count()).resolves.toBe(0);
    await expect(smallTargets(facilitator)).resolves.toEqual([]);
    const mark = facilitator.getByRole('button', { name: new RegExp(`^Person 3\\s*:\\s*${en('easy.voiceOnlySwitch')}$`) });
    await mark.click();
    await expect.poll(() => mark.getAttribute('aria-pressed')).toBe('true');
    await chloe.locator('[data-member="p03"]').getByTestId('voice-only').waitFor();
    await notetaker.getByTestId('voice-only-hint').getByText(en('easy.noteForVoice', { names: 'Person 3' })).waitFor();
    expect(await axeViolations(facilitator)).toEqual([]);
    expect(await axeViolations(chloe)).toEqual([]);
    const audit = (await (await server.api(`/api/sessions/${session.id}/audit`)).json()) as { entries: Array<{ action: string; actor: string; detail: { memberId?: string } }> };
    expect(audit.entries.filter((e) => e.action === 'member.voiceOnly')).toEqual([expect.objectContaining({ actor: 'facilitator:p01', detail: { memberId: 'p03' } })]);
  }, 180_000);
});
