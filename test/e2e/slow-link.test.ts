import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../client/src/i18n/en.json';
import { createSession, rosterCsv, startServer, type RunningServer } from '../support/test-server';
import { axeViolations, fakeMediaArgs, launchChromium } from './support/browser';
import { openOnWeakLink, weakLink } from './support/slow-link';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium(fakeMediaArgs);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const codeMirrorChunk = /\/assets\/codemirror-editor-[^/]*\.js$/;

describe('joining over a weak link', () => {
  it(`joins at ${(weakLink.downloadThroughput * 8) / 1000} kbit/s and ${weakLink.latency} ms with data saver on by itself: audio only, notes on request`, async () => {
    const { id, tokens } = await createSession(server, rosterCsv(1));
    expect((await server.api(`/api/sessions/${id}/agenda/start`, { method: 'POST' })).status).toBe(200);
    const joined = await openOnWeakLink(browser, server.url, tokens.get('p01')!, { viewport: { width: 360, height: 740 } });
    const { page, requests } = joined;
    try {
      console.log(`Joined on a weak link and saw the countdown in ${(joined.ms / 1000).toFixed(2)} s (${(joined.bytes / 1024).toFixed(1)} KB over the wire)`);
      // Compressed: well under what the uncompressed scripts alone weigh (about 260 KB).
      expect(joined.bytes).toBeLessThan(150 * 1024);

      // Switched on by what the link showed, not by a choice; the header says why in words.
      const toggle = page.getByTestId('saver-toggle');
      await page.locator('[data-testid="saver-toggle"][aria-pressed="true"]').waitFor();
      const reason = await toggle.getAttribute('data-reason');
      console.log(`Data saver switched on by itself (${reason})`);
      expect(['slowNetwork', 'roundTrip']).toContain(reason);
      await page.locator('[data-testid="connection"][data-weak="true"]').getByText(en.saver.weak).waitFor({ state: 'attached' });

      // In the group: the notes wait to be asked for, the call is audio only.
      expect((await server.api(`/api/sessions/${id}/agenda/next`, { method: 'POST' })).status).toBe(200);
      await page.getByTestId('notes-on-demand').waitFor();
      await page.getByTestId('call-audio-only').waitFor();
      expect(await page.getByLabel(en.media.videoOnJoin).count()).toBe(0);
      await page.getByTestId('call-join').click();
      const asked = await joined.firstMediaRequest;
      expect(asked.audio).toBeTruthy();
      expect(asked.video ?? false).toBe(false);
      expect(await page.getByTestId('call-camera').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      expect(requests.filter((url) => codeMirrorChunk.test(url))).toEqual([]);
      const editorLoaded = page.waitForRequest(codeMirrorChunk);
      await page.getByTestId('notes-open').click();
      await editorLoaded;
      await page.locator('.cm-editor').waitFor();
      expect(await page.getByTestId('notes-on-demand').count()).toBe(0);
    } finally {
      await joined.context.close();
    }
  }, 120_000);

  it('leaves video and the notes as usual for someone who switched data saver off', async () => {
    const { id, tokens } = await createSession(server, rosterCsv(1));
    expect((await server.api(`/api/sessions/${id}/agenda/start`, { method: 'POST' })).status).toBe(200);
    const joined = await openOnWeakLink(browser, server.url, tokens.get('p01')!, { saver: 'off' });
    const { page } = joined;
    try {
      await page.locator('[data-testid="saver-toggle"][aria-pressed="false"]').waitFor();
      expect((await server.api(`/api/sessions/${id}/agenda/next`, { method: 'POST' })).status).toBe(200);
      const editorLoaded = page.waitForRequest(codeMirrorChunk);
      await page.getByTestId('notes-panel').waitFor();
      await editorLoaded;
      expect(await page.getByTestId('notes-on-demand').count()).toBe(0);
      // Switched back on by hand, it stays on, and says so as the person's choice.
      await page.getByTestId('saver-toggle').click();
      await page.locator('[data-testid="saver-toggle"][data-reason="choice"]').waitFor();
      expect(await page.evaluate(() => localStorage.getItem('roundtable.saver'))).toBe('on');
      await page.locator('[data-testid="connection"][data-weak="false"]').waitFor({ state: 'attached' });
    } finally {
      await joined.context.close();
    }
  }, 120_000);
});
