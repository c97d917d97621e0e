import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CreateSessionInput } from '../../../shared/session';
import { startLivekit, type RunningLivekit } from '../../../server/src/media/livekit-binary';
import { createSession, liveClient, nextEvent, startServer, type RunningServer } from '../../support/test-server';
import { fakeMediaArgs, launchChromium } from './browser';

/**
 * What the media scenarios and the media bench share, inside their loopback-only namespace:
 * Roundtable wired to a real LiveKit server, and Chromium with fake devices whose pages can read
 * their inbound audio.
 */
export const livekitKey = 'roundtable-media-test';
const livekitSecret = 'roundtable-media-test-secret-0123456789';
const livekitPort = 7880;

export interface MediaStack {
  server: RunningServer;
  livekit: RunningLivekit;
  browser: Browser;
  session: { id: string; moderatorToken: string; tokens: Map<string, string> };
  /** A fresh context (its own person) with microphone and camera allowed and the stats probe in. */
  open(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** Wraps RTCPeerConnection so a test can read every connection's inbound audio from getStats. */
const statsProbe = `
  (() => {
    // Audio only, as the budget of two cores asks: the call's remembered choice, without the check.
    try { localStorage.setItem('roundtable.media.devices', JSON.stringify({ checked: false, video: false })); } catch {}
    const connections = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(...args) { super(...args); connections.push(this); }
    };
    window.__inboundAudio = async () => {
      const bytes = {};
      for (const pc of connections) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        stats.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') bytes[r.id + ':' + r.ssrc] = r.bytesReceived; });
      }
      return bytes;
    };
  })();
`;


/** Roundtable (in this process), LiveKit (a child) posting webhooks to it, one session, Chromium. */
export async function startMediaStack(roster: string, agenda: CreateSessionInput): Promise<MediaStack> {
  const server = await startServer({
    config: { livekit: { url: `ws://127.0.0.1:${livekitPort}`, apiKey: livekitKey, apiSecret: livekitSecret, iceServers: [] } },
    livekit: { reconcileDelayMs: 300 },
    mediaPresenceIntervalMs: 200,
  });
  let livekit: RunningLivekit | undefined;
  try {
    livekit = await startLivekit({
      port: livekitPort,
      udpPort: livekitPort + 2,
      apiKey: livekitKey,
      apiSecret: livekitSecret,
      webhookUrl: `${server.url}/api/livekit/webhook`,
      emptyTimeout: 10,
    });
    const session = await createSession(server, roster, agenda);
    const browser = await launchChromium(fakeMediaArgs);
    const running = livekit;
    return {
      server,
      livekit: running,
      browser,
      session,
      async open() {
        const context = await browser.newContext({ permissions: ['microphone', 'camera'], viewport: { width: 1000, height: 900 } });
        await context.addInitScript(statsProbe);
        const page = await context.newPage();
        // The pages' own complaints, when debugging a run (MEDIA_DEBUG=1); uncaught errors always.
        if (process.env.MEDIA_DEBUG) page.on('console', (m) => m.type() === 'error' && process.stderr.write(`[page] ${m.text()}\n`));
        page.on('pageerror', (e) => process.stderr.write(`[page] ${e.message}\n`));
        return { context, page };
      },
      async close() {
        await browser.close().catch(() => undefined);
        await running.stop().catch(() => undefined);
        await server.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await livekit?.stop();
    await server.close();
    throw error;
  }
}

/** How many inbound audio streams carry sound over a short window (bytes received grow). */
export async function audibleStreams(page: Page, windowMs = 1500): Promise<number> {
  return page.evaluate(async (ms) => {
    const read = (window as unknown as { __inboundAudio: () => Promise<Record<string, number>> }).__inboundAudio;
    const before = await read();
    // A rate needs two readings some time apart: this is the measurement window, not a wait for an event.
    await new Promise((resolve) => setTimeout(resolve, ms));
    const after = await read();
    return Object.keys(after).filter((k) => (after[k] ?? 0) - (before[k] ?? 0) > 300).length;
  }, windowMs);
}

/** Reads again until the count satisfies `ok` (audio takes a moment to start and to stop). */
export async function audibleUntil(page: Page, ok: (n: number) => boolean, timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = await audibleStreams(page);
  while (!ok(n) && Date.now() < deadline) n = await audibleStreams(page);
  return n;
}

let umd: string | undefined;
/** livekit-client's own browser build, for a page that talks to LiveKit without Roundtable's client. */
export function livekitUmd(): string {
  // Beside the package's entry point: its exports do not list it.
  umd ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('livekit-client')), 'livekit-client.umd.js'), 'utf8');
  return umd;
}

/** The LiveKit ticket Roundtable gives this person, over their own live connection. */
export async function ticketFor(server: RunningServer, token: string): Promise<{ url: string; token: string }> {
  const socket = liveClient(server.url, token);
  try {
    await nextEvent(socket, 'state');
    const reply = (await socket.timeout(10_000).emitWithAck('media:token', {})) as { ok: boolean; result?: { mode: string; url: string; token: string } };
    if (!reply.ok || reply.result?.mode !== 'livekit') throw new Error(`no LiveKit ticket: ${JSON.stringify(reply)}`);
    return { url: reply.result.url, token: reply.result.token };
  } finally {
    socket.close();
  }
}
