import type { Browser, BrowserContext, Page } from 'playwright-core';
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

export interface WeakLinkOptions {
  /** The data-saver choice already made on this device; by default none (automatic). */
  saver?: 'auto' | 'on' | 'off';
  /** The window's size; by default Playwright's 1280×720. */
  viewport?: { width: number; height: number };
}

/** A joined page, still open on the weak link, and what it asked of the network and the devices. */
export interface WeakLinkPage extends ThrottledJoin {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** Resolves with the constraints of the page's first getUserMedia call. */
  firstMediaRequest: Promise<MediaStreamConstraints>;
}

/**
 * Opens an invitation in a fresh browser context on the weak link (nothing cached), joins in
 * English and resolves once the running step's countdown shows; the page stays open (close its context).
 */
export async function openOnWeakLink(browser: Browser, url: string, token: string, options: WeakLinkOptions = {}): Promise<WeakLinkPage> {
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  try {
    if (options.saver) await context.addInitScript((choice) => localStorage.setItem('roundtable.saver', choice), options.saver);
    // Only watched, not replaced: the page gets the (fake) devices it asks for.
    let mediaAsked!: (constraints: MediaStreamConstraints) => void;
    const firstMediaRequest = new Promise<MediaStreamConstraints>((resolve) => (mediaAsked = resolve));
    await context.exposeBinding('roundtableMediaAsked', (_source, constraints: MediaStreamConstraints) => mediaAsked(constraints));
    await context.addInitScript(() => {
      const devices = navigator.mediaDevices;
      if (!devices) return;
      const open = devices.getUserMedia.bind(devices);
      devices.getUserMedia = (constraints?: MediaStreamConstraints) => {
        void (window as unknown as { roundtableMediaAsked(c: unknown): Promise<void> }).roundtableMediaAsked(constraints ?? {});
        return open(constraints);
      };
    });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
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
    return { ms: performance.now() - started, bytes, page, context, requests, firstMediaRequest };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** As openOnWeakLink, then closes the page: the time and the bytes only. */
export async function joinOnWeakLink(browser: Browser, url: string, token: string, options: WeakLinkOptions = {}): Promise<ThrottledJoin> {
  const opened = await openOnWeakLink(browser, url, token, options);
  await opened.context.close();
  return { ms: opened.ms, bytes: opened.bytes };
}
