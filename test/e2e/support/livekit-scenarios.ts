/**
 * The LiveKit call scenarios, run inside a network namespace that has only `lo` (see
 * media-livekit.test.ts): Roundtable, the real LiveKit server and Chromium with fake devices, all on
 * 127.0.0.1. Prints one JSON line of observations per scenario on stdout; the test asserts them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { SessionView } from '../../../shared/session';
import { startLivekit, type RunningLivekit } from '../../../server/src/media/livekit-binary';
import { createSession, startServer, type RunningServer } from '../../support/test-server';
import { chromiumPath } from './browser';
import { groupLabel } from '../../../client/src/ui/names';
import { join as joinSession, tr } from './people';

const en = tr('en');
const apiKey = 'roundtable-media-test';
const apiSecret = 'roundtable-media-test-secret-0123456789';
const livekitPort = 7880;
/** Long enough for a loaded two-core machine; every wait ends as soon as its condition holds. */
const patience = 45_000;

export interface Observations {
  [scenario: string]: Record<string, unknown>;
}

function report(scenario: string, observed: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ scenario, observed })}\n`);
}

/** Wraps RTCPeerConnection so a test can read every connection's inbound audio from getStats. */
const statsProbe = `
  (() => {
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

interface Person {
  id: string;
  name: string;
  context: BrowserContext;
  page: Page;
}

/** How many inbound audio streams carry sound over a short window (bytes received grow). */
async function audibleStreams(page: Page, windowMs = 1500): Promise<number> {
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
async function audibleUntil(page: Page, ok: (n: number) => boolean, timeoutMs = patience): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = await audibleStreams(page);
  while (!ok(n) && Date.now() < deadline) n = await audibleStreams(page);
  return n;
}

const call = (page: Page) => page.getByTestId('call').first();

async function callState(page: Page): Promise<{ state: string | null; room: string | null; participants: string[] }> {
  const panel = call(page);
  return {
    state: await panel.getAttribute('data-state'),
    room: await panel.getAttribute('data-room'),
    participants: await panel.locator('[data-participant]').evaluateAll((items) => items.map((li) => li.getAttribute('data-participant') ?? '')),
  };
}

async function waitForCall(page: Page, room: string, timeout = patience): Promise<void> {
  try {
    await page.locator(`[data-testid="call"][data-state="connected"][data-room="${room}"]`).waitFor({ timeout });
  } catch (error) {
    const seen = await callState(page).catch(() => null);
    const problem = await page.getByTestId('call-error').first().textContent({ timeout: 100 }).catch(() => null);
    throw new Error(`${page.url()}: not connected to ${room}: ${JSON.stringify(seen)} ${problem ?? ''}`, { cause: error });
  }
}

async function participantsAre(page: Page, ids: string[], timeout = patience): Promise<string[]> {
  const want = [...ids].sort().join(',');
  await page
    .waitForFunction(
      (expected) =>
        [...document.querySelectorAll('[data-testid="call-participants"] [data-participant]')]
          .map((li) => li.getAttribute('data-participant'))
          .sort()
          .join(',') === expected,
      want,
      { timeout, polling: 200 },
    )
    .catch(() => undefined);
  return (await callState(page)).participants.sort();
}

async function main(): Promise<void> {
  let server: RunningServer | undefined;
  let livekit: RunningLivekit | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer({
      config: { livekit: { url: `ws://127.0.0.1:${livekitPort}`, apiKey, apiSecret, iceServers: [] } },
      livekit: { reconcileDelayMs: 300 },
      mediaPresenceIntervalMs: 200,
    });
    livekit = await startLivekit({ port: livekitPort, udpPort: livekitPort + 2, apiKey, apiSecret, webhookUrl: `${server.url}/api/livekit/webhook`, emptyTimeout: 10 });
    const rooms = new RoomServiceClient(livekit.httpUrl, apiKey, apiSecret);

    const session = await createSession(server, rosterCsv(), {
      title: 'Media',
      languages: ['en'],
      agenda: [
        { kind: 'plenary', title: 'Opening', minutes: 30, speakers: ['p01'] },
        { kind: 'breakout', title: 'Tables', minutes: 30, groupSize: 3 },
        { kind: 'plenary', title: 'Back together', minutes: 30 },
      ],
    });
    const plenary = `${session.id}.plenary`;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--allow-loopback-in-peer-connection',
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    const open = async (): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser!.newContext({ permissions: ['microphone', 'camera'], viewport: { width: 1000, height: 900 } });
      await context.addInitScript(statsProbe);
      const page = await context.newPage();
      // The pages' own complaints, for a failing run's report.
      page.on('console', (m) => m.type() === 'error' && process.stderr.write(`[page] ${m.text()}\n`));
      page.on('pageerror', (e) => process.stderr.write(`[page] ${e.message}\n`));
      return { context, page };
    };

    const moderator = await open();
    await moderator.page.goto(`${server.url}/console#${session.moderatorToken}`);
    await moderator.page.getByRole('heading', { level: 1, name: en('console.title') }).waitFor();
    // p01 is the Opening's speaker; p02–p05 listen; p06 comes to the call for the tables.
    const people: Person[] = [];
    for (let i = 1; i <= 6; i++) {
      const id = `p0${i}`;
      const { context, page } = await open();
      await joinSession(page, server.url, session.tokens.get(id)!, { name: `Person ${i}`, language: 'en' });
      people.push({ id, name: `Person ${i}`, context, page });
    }
    const [speaker, ...rest] = people;
    const listeners = rest.slice(0, 4);
    const latecomer = rest[4]!;

    await moderator.page.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
    await Promise.all(people.map((p) => p.page.locator('h1[data-screen="plenary"]').waitFor()));
    const joinCall = async (page: Page) => page.getByRole('button', { name: en('livekit.join') }).click();
    for (const p of [moderator.page, speaker!.page, ...listeners.map((l) => l.page)]) await joinCall(p);
    await Promise.all([moderator.page, speaker!.page, ...listeners.map((l) => l.page)].map((p) => waitForCall(p, plenary)));

    // ---- Plenary: the moderator and the speaker are heard by every listener; listeners are not. ----
    const heardAtStart = await Promise.all(listeners.map((l) => audibleUntil(l.page, (n) => n >= 2)));
    const voices = await Promise.all(listeners.map((l) => l.page.getByTestId('call-voice').textContent()));
    const speakerVoice = await speaker!.page.getByTestId('call-voice').textContent();

    // A listener's own attempt to publish, past the client's check, with the token Roundtable gave
    // them: LiveKit itself refuses it, and nobody receives anything more.
    const refusal = await latecomer.page.evaluate(
      async ({ source, url, token }) => {
        (0, eval)(source);
        const lk = (window as unknown as { LivekitClient: typeof import('livekit-client') }).LivekitClient;
        const room = new lk.Room();
        await room.connect(url, token, { rtcConfig: { iceServers: [] } });
        const permission = room.localParticipant.permissions!;
        const granted = { canPublish: permission.canPublish };
        permission.canPublish = true;
        permission.canPublishSources = [];
        let error = '';
        try {
          await room.localParticipant.setMicrophoneEnabled(true);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        const identity = room.localParticipant.identity;
        return { granted, error, identity, close: await room.disconnect().then(() => true) };
      },
      { source: livekitUmd(), ...(await ticketFor(server, session.tokens.get(latecomer.id)!)) },
    );
    const latecomerOnServer = (await rooms.listParticipants(plenary)).find((p) => p.identity === latecomer.id);
    const heardAfterAttempt = await Promise.all(listeners.map((l) => audibleStreams(l.page)));
    report('plenary', {
      heardAtStart,
      voices,
      speakerVoice,
      refusal,
      latecomerTracksOnServer: latecomerOnServer?.tracks.length ?? 0,
      heardAfterAttempt,
      webhooksJoined: server.roundtable.livekit!.connections.recorded.get('participant_joined') ?? 0,
    });

    // ---- The floor: given to a listener, their voice reaches the others; taken back, it stops. ----
    const [first, ...others] = listeners as [Person, ...Person[]];
    await first.page.getByRole('button', { name: en('floor.raiseHand') }).click();
    await moderator.page.getByRole('button', { name: en('floor.giveTo', { name: first.name }) }).click();
    await first.page.locator('[data-testid="call-voice"]', { hasText: en('livekit.speaking') }).waitFor({ timeout: patience });
    await first.page.getByRole('button', { name: en('livekit.unmute') }).click();
    const heardWithFloor = await Promise.all(others.map((l) => audibleUntil(l.page, (n) => n >= 3)));
    const floorRoomKept = (await callState(first.page)).room;
    await moderator.page.getByRole('button', { name: en('floor.takeBack', { name: first.name }) }).click();
    await first.page.locator('[data-testid="call-voice"]', { hasText: en('livekit.listening') }).waitFor({ timeout: patience });
    const heardAfterFloor = await Promise.all(others.map((l) => audibleUntil(l.page, (n) => n <= 2)));
    const firstOnServer = (await rooms.listParticipants(plenary)).find((p) => p.identity === first.id);
    report('floor', {
      heardWithFloor,
      heardAfterFloor,
      floorRoomKept,
      plenary,
      canPublishAfter: firstOnServer?.permission?.canPublish ?? null,
      tracksAfter: firstOnServer?.tracks.length ?? -1,
    });

    // ---- Breakout: two tables of three; each hears its own table only. ----
    await moderator.page.getByRole('button', { name: en('console.next', { title: 'Tables' }) }).click();
    await latecomer.page.locator('h1[data-screen="breakout"], [data-screen="breakout"]').first().waitFor({ timeout: patience });
    await joinCall(latecomer.page);
    const view = (await (await server.api(`/api/sessions/${session.id}`, { token: session.moderatorToken })).json()) as SessionView;
    const groups = (view.groups ?? []).map((g) => ({ id: g.id, members: g.members.map((m) => m.id) }));
    const byId = new Map(people.map((p) => [p.id, p]));
    const tables = await Promise.all(
      groups.flatMap((g) =>
        g.members.map(async (memberId) => {
          const page = byId.get(memberId)!.page;
          const room = `${session.id}.1.${g.id}`;
          await waitForCall(page, room).catch(() => undefined);
          const seen = await participantsAre(page, g.members);
          return { memberId, group: g.id, room: (await callState(page)).room, expectedRoom: room, participants: seen, audible: await audibleUntil(page, (n) => n >= 2) };
        }),
      ),
    );
    const consoleCounts = await moderator.page
      .getByTestId('call-presence')
      .evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('data-count'))))
      .catch(() => []);

    // A hidden visit: the moderator listens at the first table and is in nobody's list there.
    const visited = groups[0]!;
    const visitedRoom = `${session.id}.1.${visited.id}`;
    const table = groupLabel(en, visited.id);
    await moderator.page.getByRole('button', { name: en('rooms.visit', { group: table }) }).click();
    await moderator.page.getByRole('button', { name: en('livekit.joinVisit', { group: table }) }).or(moderator.page.getByTestId('call-voice')).first().waitFor();
    await waitForCall(moderator.page, visitedRoom);
    const visitorSees = await participantsAre(moderator.page, [...visited.members, '@moderator']);
    const membersSeeDuringVisit = await Promise.all(visited.members.map(async (id) => (await callState(byId.get(id)!.page)).participants.sort()));
    const hiddenOnServer = (await rooms.listParticipants(visitedRoom)).find((p) => p.identity === '@moderator')?.permission?.hidden ?? null;
    const visitorHears = await audibleUntil(moderator.page, (n) => n >= 3);
    // They choose to speak: now the table sees them.
    await moderator.page.getByRole('button', { name: en('livekit.speakVisit', { group: table }) }).click();
    const membersSeeSpeaking = await Promise.all(visited.members.map((id) => participantsAre(byId.get(id)!.page, [...visited.members, '@moderator'])));
    report('breakout', { groups, tables, consoleCounts, visitorSees, membersSeeDuringVisit, hiddenOnServer, visitorHears, membersSeeSpeaking });

    // ---- Back to plenary: everyone is in the plenary room again, by themselves, within seconds. ----
    const everyone = [moderator.page, ...people.map((p) => p.page)];
    const startedAt = Date.now();
    await moderator.page.getByRole('button', { name: en('console.next', { title: 'Back together' }) }).click();
    const arrivals = await Promise.all(
      everyone.map(async (page) => {
        try {
          await waitForCall(page, plenary, 20_000);
          return Date.now() - startedAt;
        } catch {
          return null;
        }
      }),
    );
    const reloads = await Promise.all(everyone.map((page) => page.evaluate(() => performance.getEntriesByType('navigation').length)));
    report('return', { arrivals, reloads });
  } finally {
    await browser?.close().catch(() => undefined);
    await livekit?.stop().catch(() => undefined);
    await server?.close().catch(() => undefined);
  }
}

function rosterCsv(): string {
  const lines = ['id,name,language,role'];
  for (let i = 1; i <= 6; i++) lines.push(`p0${i},Person ${i},en,participant`);
  return `${lines.join('\n')}\n`;
}

let umd: string | undefined;
function livekitUmd(): string {
  // The package's own browser build, beside its entry point (its exports do not list it).
  umd ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('livekit-client')), 'livekit-client.umd.js'), 'utf8');
  return umd;
}

/** The LiveKit ticket Roundtable gives this person, over their own live connection. */
async function ticketFor(server: RunningServer, token: string): Promise<{ url: string; token: string }> {
  const { liveClient, nextEvent } = await import('../../support/test-server');
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
