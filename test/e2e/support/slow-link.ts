import type { Browser } from 'playwright-core';
// The English file itself (not the client's i18n module, which is built for Vite): the bench runs under plain tsx.
import en from '../../../client/src/i18n/en.json';

/** A weak mobile link: about 400 kbit/s each way and 400 ms of round trip. */
export const weakLink = { offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 } as const;

export interface ThrottledJoin {
  /** From asking for the invitation page to the countdown on screen, the form filled at once. */
  ms: number;
  /** Bytes that came over the wire (as sent: compressed where the server compressed). */
  bytes: number;
}

/**
 * Opens an invitation in a fresh browser context on the weak link (nothing cached), joins in
 * English and resolves once the running step's countdown shows.
 */
export async function joinOnWeakLink(browser: Browser, url: string, token: string): Promise<ThrottledJoin> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', weakLink);
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event) => (bytes += event.encodedDataLength));
    const started = performance.now();
    await page.goto(`${url}/join#${token}`, { waitUntil: 'commit' });
    await page.getByLabel(en.join.nameLabel).fill('Ama');
    await page.getByRole('button', { name: en.join.submit }).click();
    await page.getByTestId('countdown').first().waitFor({ state: 'visible' });
    return { ms: performance.now() - started, bytes };
  } finally {
    await context.close();
  }
}
