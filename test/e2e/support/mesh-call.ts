import type { BrowserContext, Page } from 'playwright-core';
import type { Ack } from '../../../shared/protocol';
import { createSession, igfAgenda, liveClient, nextEvent, rosterCsv, startServer } from '../../support/test-server';
import { axeViolations, fakeMediaArgs, launchChromium } from './browser';
import { join, tr } from './people';

/**
 * A breakout table of five in headless Chromium, talking by the browser mesh (no media server).
 * Run inside a network namespace with only `lo` (see mesh-call.test.ts): Roundtable and Chromium
 * both live in it. Prints one JSON line, `MESH-RESULT {...}`, for the test to judge.
 */

/**
 * Every RTCPeerConnection a page makes, so the test can read what arrives (getStats). Plain
 * JavaScript in a string: the page runs it as it is, before the app's own scripts.
 */
const recordConnections = `
(() => {
  const Original = window.RTCPeerConnection;
  const made = [];
  window.RTCPeerConnection = class extends Original {
    constructor(config) {
      super(config);
      made.push(this);
    }
  };
  // Open connections: their state, inbound audio bytes and how many ICE servers they were given.
  window.meshStats = () =>
    Promise.all(
      made
        .filter((pc) => pc.signalingState !== 'closed')
        .map(async (pc) => {
          let bytes = 0;
          (await pc.getStats()).forEach((r) => {
            if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes += r.bytesReceived || 0;
          });
          return { state: pc.connectionState, bytes, iceServers: (pc.getConfiguration().iceServers || []).length };
        }),
    );
})();
`;

interface Link {
  state: string;
  bytes: number;
  iceServers: number;
}

/**
 * Resolves once the page holds `count` connected links and each has received at least `more` audio
 * bytes beyond `floor`; returns the links as seen at that moment. getStats has no event to await,
 * so the page reads it at each poll (as waitForFunction would) until the deadline.
 */
function linksReceiving(page: Page, count: number, floor: number, more: number, timeoutMs = 60_000): Promise<Link[]> {
  return page.evaluate(
    async ({ count, floor, more, timeoutMs }) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const stats = await (window as unknown as { meshStats: () => Promise<Link[]> }).meshStats();
        const connected = stats.filter((s) => s.state === 'connected');
        if (connected.length === count && connected.every((s) => s.bytes > floor + more)) return connected;
        if (Date.now() > until) throw new Error(`links after ${timeoutMs} ms: ${JSON.stringify(stats)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    { count, floor, more, timeoutMs },
  );
}

/** Every one of `count` links connected and receiving audio: bytes arrive, then more arrive (about a second of Opus). */
async function audioFlowing(page: Page, count: number): Promise<Link[]> {
  const first = await linksReceiving(page, count, 0, 0);
  return linksReceiving(page, count, Math.min(...first.map((s) => s.bytes)), 2048);
}

async function main(): Promise<void> {
  const en = tr('en');
  const server = await startServer();
  const browser = await launchChromium(fakeMediaArgs);
  const contexts: BrowserContext[] = [];
  try {
    // Five people: rosterCsv gives p01 the facilitator, p02 the note taker; one table of five.
    const session = await createSession(server, rosterCsv(5), igfAgenda);
    const ids = [...session.tokens.keys()];
    const pages: Page[] = [];
    for (const id of ids) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['microphone', 'camera'] });
      await context.addInitScript({ content: recordConnections });
      contexts.push(context);
      // Two cores shared with other work: five pages in a call can be slow to answer, never stuck.
      context.setDefaultTimeout(120_000);
      const page = await context.newPage();
      page.on('console', (m) => m.type() === 'error' && console.error(`[${id}] ${m.text()}`));
      await join(page, server.url, session.tokens.get(id)!, { name: `Person ${id}`, language: 'en' });
      pages.push(page);
    }
    const drive = async (action: string) => {
      const res = await server.api(`/api/sessions/${session.id}/agenda/${action}`, { method: 'POST', body: '{}' });
      if (res.status !== 200) throw new Error(`agenda ${action}: ${res.status} ${await res.text()}`);
    };
    await drive('start');
    await drive('next');
    await Promise.all(pages.map((p) => p.locator('h1[data-screen="breakout"]').waitFor()));

    // Everyone goes through the check (level meter, pickers) and joins with audio only, which
    // spares the two cores five video encoders; axe looks at the first person's check.
    const first = pages[0]!;
    let checkViolations: Awaited<ReturnType<typeof axeViolations>> = [];
    for (const page of pages) {
      await page.getByRole('button', { name: en('media.checkDevices') }).click();
      await page.getByTestId('mic-level').waitFor();
      await page.getByLabel(en('media.microphoneLabel'), { exact: true }).waitFor();
      const video = page.getByLabel(en('media.videoOnJoin'));
      if (await video.isChecked()) await video.uncheck();
      if (page === first) checkViolations = await axeViolations(first);
      await page.getByTestId('call-join').click();
    }

    const connected = await Promise.all(pages.map((p) => audioFlowing(p, 4)));
    await Promise.all(pages.map((p) => p.locator('[data-testid="call-tile"]').nth(4).waitFor()));
    const tiles = await Promise.all(pages.map((p) => p.getByTestId('call-tile').count()));
    const standing = await first.getByTestId('call-standing').textContent();
    const callViolations = await axeViolations(first);
    // Muting is one tap, and says so.
    await first.getByRole('button', { name: en('media.mute') }).click();
    await first.getByRole('button', { name: en('media.unmute') }).waitFor();
    const mutedPressed = await first.getByRole('button', { name: en('media.unmute') }).getAttribute('aria-pressed');
    await first.getByRole('button', { name: en('media.unmute') }).click();

    // The fourth person reloads: the page comes back into the call by itself, and everyone hears them again.
    const reloading = pages[3]!;
    await reloading.reload();
    await reloading.locator('h1[data-screen="breakout"]').waitFor();
    // Once the reloaded page hears all four, the others have dropped their link to the page that left.
    const reloaded = await audioFlowing(reloading, 4);
    const afterReload = await Promise.all(pages.map((p) => (p === reloading ? reloaded : audioFlowing(p, 4))));

    // A network drop: the page goes offline, comes back, and joins the call again by itself.
    const dropping = pages[1]!;
    await dropping.context().setOffline(true);
    await dropping.locator('[data-testid="connection"][data-state="offline"]').waitFor();
    await dropping.context().setOffline(false);
    const back = await audioFlowing(dropping, 4);
    const afterDrop = await Promise.all(pages.map((p) => (p === dropping ? back : audioFlowing(p, 4))));

    // The facilitator (p01) sees a speaking bar per member of the table, from the members' own reports.
    await first.getByTestId('speaking-bar').nth(4).waitFor();
    const bars = await first.getByTestId('speaking-bar').count();
    const othersSeeBars = await Promise.all(pages.slice(1).map((p) => p.getByTestId('speaking-balance').count()));

    // Back in plenary the call follows without a reload: nobody at the table may speak there, so no
    // links; when the table's rapporteur (p02, the note taker) presents, everyone hears them.
    const groupId = (await first.locator('h1[data-screen="breakout"]').getAttribute('data-group'))!;
    await drive('next');
    await Promise.all(pages.map((p) => p.locator('h1[data-screen="plenary"]').waitFor()));
    const plenaryQuiet = await Promise.all(pages.map((p) => p.getByTestId('call-standing').filter({ hasText: en('media.listening') }).waitFor().then(() => linksReceiving(p, 0, 0, 0))));
    const moderator = liveClient(server.url, session.moderatorToken);
    await nextEvent(moderator, 'state');
    const presented = (await moderator.emitWithAck('report:present', { groupId })) as Ack;
    moderator.close();
    if (!presented.ok) throw new Error(`report:present refused: ${JSON.stringify(presented)}`);
    const rapporteur = pages[1]!;
    await rapporteur.getByTestId('call-standing').filter({ hasText: en('media.haveFloor') }).waitFor();
    // The rapporteur's four links carry their voice out (nothing comes back from listeners); each listener hears them.
    const presenterLinks = await linksReceiving(rapporteur, 4, -1, 0);
    const listenerLinks = await Promise.all(pages.filter((p) => p !== rapporteur).map((p) => audioFlowing(p, 1)));

    const result = {
      links: connected.map((links) => links.length),
      iceServers: connected.flat().map((l) => l.iceServers),
      tiles,
      standing,
      mutedPressed,
      linksAfterReload: afterReload.map((links) => links.length),
      linksAfterDrop: afterDrop.map((links) => links.length),
      bars,
      othersSeeBars,
      plenaryQuiet: plenaryQuiet.map((links) => links.length),
      presenterLinks: presenterLinks.length,
      listenerLinks: listenerLinks.map((links) => links.length),
      violations: [...checkViolations, ...callViolations].map((v) => `${v.id}: ${v.help} ${v.nodes.join(' | ')}`),
    };
    console.log(`MESH-RESULT ${JSON.stringify(result)}`);
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
