/**
 * The LiveKit call scenarios, run inside a network namespace that has only `lo` (see
 * media-livekit.test.ts): Roundtable, the real LiveKit server and Chromium with fake devices, all on
 * 127.0.0.1. Prints one JSON line of observations per scenario on stdout; the test asserts them.
 */
import type { Page } from 'playwright-core';
import { RoomServiceClient } from 'livekit-server-sdk';
import type { SessionView } from '../../../shared/session';
import { groupLabel } from '../../../client/src/ui/names';
import { audibleStreams, audibleUntil, livekitKey, livekitUmd, startMediaStack, ticketFor, type MediaStack } from './media-stack';
import { join as joinSession, tr } from './people';

const en = tr('en');
/** Long enough for a loaded two-core machine; every wait ends as soon as its condition holds. */
const patience = 45_000;

export interface Reports {
  plenary: {
    heardAtStart: number[];
    voices: Array<string | null>;
    speakerVoice: string | null;
    refusal: { granted: { canPublish: boolean }; error: string; identity: string; close: boolean };
    latecomerTracksOnServer: number;
    heardAfterAttempt: number[];
    webhooksJoined: number;
  };
  floor: { heardWithFloor: number[]; heardAfterFloor: number[]; floorRoomKept: string | null; plenary: string; canPublishAfter: boolean | null; tracksAfter: number };
  breakout: {
    groups: Array<{ id: string; members: string[] }>;
    tables: Array<{ memberId: string; group: string; room: string | null; expectedRoom: string; participants: string[]; audible: number }>;
    consoleCounts: number[];
    visitorSees: string[];
    membersSeeDuringVisit: string[][];
    hiddenOnServer: boolean | null;
    visitorHears: number;
    membersSeeSpeaking: string[][];
  };
  return: { closingShown: boolean[]; roomsDuringGrace: Array<{ room: string | null; expectedRoom: string }>; arrivals: Array<number | null>; reloads: number[] };
}

function report<K extends keyof Reports>(scenario: K, observed: Reports[K]): void {
  process.stdout.write(`${JSON.stringify({ scenario, observed })}\n`);
}

interface Person {
  id: string;
  name: string;
  page: Page;
}

const call = (page: Page) => page.getByTestId('call').first();

async function callState(page: Page): Promise<{ state: string | null; room: string | null; participants: string[] }> {
  const panel = call(page);
  return {
    state: await panel.getAttribute('data-connection'),
    room: await panel.getAttribute('data-room'),
    participants: await panel.locator('[data-testid="call-tile"][data-participant]').evaluateAll((items) => items.map((li) => li.getAttribute('data-participant') ?? '')),
  };
}

async function waitForCall(page: Page, room: string, timeout = patience): Promise<void> {
  try {
    await page.locator(`[data-testid="call"][data-connection="connected"][data-room="${room}"]`).waitFor({ timeout });
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
        [...document.querySelectorAll('[data-testid="call-tiles"] [data-participant]')]
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
  let stack: MediaStack | undefined;
  try {
    stack = await startMediaStack(rosterCsv(), {
      title: 'Media',
      languages: ['en'],
      agenda: [
        { kind: 'plenary', title: 'Opening', minutes: 30, speakers: ['p01'] },
        { kind: 'breakout', title: 'Tables', minutes: 30, groupSize: 3 },
        { kind: 'plenary', title: 'Back together', minutes: 30 },
      ],
    });
    const { server, session, livekit, open } = stack;
    const rooms = new RoomServiceClient(livekit.httpUrl, livekitKey, livekit.apiSecret);
    const plenary = `${session.id}.plenary`;

    const moderator = await open();
    await moderator.page.goto(`${server.url}/console#${session.moderatorToken}`);
    await moderator.page.getByRole('heading', { level: 1, name: en('console.title') }).waitFor();
    // p01 is the Opening's speaker; p02–p05 listen; p06 comes to the call for the tables.
    const people: Person[] = [];
    for (let i = 1; i <= 6; i++) {
      const id = `p0${i}`;
      const { page } = await open();
      await joinSession(page, server.url, session.tokens.get(id)!, { name: `Person ${i}`, language: 'en' });
      people.push({ id, name: `Person ${i}`, page });
    }
    const [speaker, ...rest] = people;
    const listeners = rest.slice(0, 4);
    const latecomer = rest[4]!;

    await moderator.page.getByRole('button', { name: en('console.start', { title: 'Opening' }) }).click();
    await Promise.all(people.map((p) => p.page.locator('h1[data-screen="plenary"]').waitFor()));
    const joinCall = async (page: Page) => page.getByTestId('call-join').first().click();
    for (const p of [moderator.page, speaker!.page, ...listeners.map((l) => l.page)]) await joinCall(p);
    await Promise.all([moderator.page, speaker!.page, ...listeners.map((l) => l.page)].map((p) => waitForCall(p, plenary)));

    // ---- Plenary: the moderator and the speaker are heard by every listener; listeners are not. ----
    const heardAtStart = await Promise.all(listeners.map((l) => audibleUntil(l.page, (n) => n >= 2)));
    const voices = await Promise.all(listeners.map((l) => l.page.getByTestId('call-standing').textContent()));
    const speakerVoice = await speaker!.page.getByTestId('call-standing').textContent();

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
    // Given the floor, their microphone (on since the check) is published where they are.
    await first.page.locator('[data-testid="call-standing"]', { hasText: en('media.haveFloor') }).waitFor({ timeout: patience });
    const heardWithFloor = await Promise.all(others.map((l) => audibleUntil(l.page, (n) => n >= 3)));
    const floorRoomKept = (await callState(first.page)).room;
    await moderator.page.getByRole('button', { name: en('floor.takeBack', { name: first.name }) }).click();
    await first.page.locator('[data-testid="call-standing"]', { hasText: en('media.listening') }).waitFor({ timeout: patience });
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
    await moderator.page.getByRole('button', { name: en('rooms.visit', { group: table }) }).click({ timeout: patience });
    await waitForCall(moderator.page, visitedRoom);
    const visitorSees = await participantsAre(moderator.page, [...visited.members, '@moderator']);
    const membersSeeDuringVisit = await Promise.all(visited.members.map(async (id) => (await callState(byId.get(id)!.page)).participants.sort()));
    const hiddenOnServer = (await rooms.listParticipants(visitedRoom)).find((p) => p.identity === '@moderator')?.permission?.hidden ?? null;
    const visitorHears = await audibleUntil(moderator.page, (n) => n >= 3);
    // They choose to speak: now the table sees them.
    await moderator.page.getByRole('button', { name: en('livekit.speakVisit', { group: table }) }).click({ timeout: patience });
    const membersSeeSpeaking = await Promise.all(visited.members.map((id) => participantsAre(byId.get(id)!.page, [...visited.members, '@moderator'])));
    report('breakout', { groups, tables, consoleCounts, visitorSees, membersSeeDuringVisit, hiddenOnServer, visitorHears, membersSeeSpeaking });

    // ---- Back to plenary: the rooms first close with the default grace, and everyone stays at their
    // table meanwhile; once they close, everyone is in the plenary room again, by themselves, within seconds. ----
    const everyone = [moderator.page, ...people.map((p) => p.page)];
    await moderator.page.getByRole('button', { name: en('console.next', { title: 'Back together' }) }).click();
    const closingShown = await Promise.all(
      people.map((p) =>
        p.page
          .getByTestId('rooms-closing')
          .first()
          .waitFor({ timeout: patience })
          .then(() => true)
          .catch(() => false),
      ),
    );
    // The banner comes with the same state that would have moved a call: each call is asked where it is now.
    const roomsDuringGrace = await Promise.all(
      groups.flatMap((g) => g.members.map(async (memberId) => ({ room: (await callState(byId.get(memberId)!.page)).room, expectedRoom: `${session.id}.1.${g.id}` }))),
    );
    const startedAt = Date.now();
    await moderator.page.getByRole('button', { name: en('closing.closeNow') }).click();
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
    report('return', { closingShown, roomsDuringGrace, arrivals, reloads });
  } finally {
    await stack?.close();
  }
}

function rosterCsv(): string {
  const lines = ['id,name,language,role'];
  for (let i = 1; i <= 6; i++) lines.push(`p0${i},Person ${i},en,participant`);
  return `${lines.join('\n')}\n`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
