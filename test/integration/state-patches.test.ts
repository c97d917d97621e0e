import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { SessionClient, type LiveState } from '../../client/src/live/session-client';
import { applyStatePatch, type HeldView } from '../../client/src/live/view-patches';
import { PROTOCOL_VERSION, ResyncResult, StatePatch, StateRevision, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol';
import { SessionView } from '../../shared/session';
import { systemClock } from '../../server/src/domain/clock';
import { ManualClock } from '../support/manual-clock';
import { createSession, igfAgenda, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

/**
 * What goes over the socket after the first view: one patch per audience per change (or per
 * window of changes), a whole view on a change of audience, and a resync for a client that missed one.
 */
let server: RunningServer;
/**
 * The timer of the window that joins changes: wall-clock time, or moved by hand once a test says
 * so (then what the window holds goes out when the test advances it).
 */
class WindowClock {
  readonly manual = new ManualClock();
  byHand = false;
  setTimer(fn: () => void, ms: number): () => void {
    return this.byHand ? this.manual.setTimer(fn, ms) : systemClock.setTimer(fn, ms);
  }
}
let window: WindowClock;
const closing: Array<{ close(): void }> = [];

beforeEach(async () => {
  window = new WindowClock();
  server = await startServer({ stateWindowMs: 40, stateWindowClock: window });
});
afterEach(async () => {
  for (const c of closing.splice(0)) c.close();
  await server.close();
});

type Wire = { event: string; payload: unknown; bytes: number };

/** A participant's connection that also keeps every state and patch message as it came over the wire. */
async function open(token: string): Promise<{ client: LiveClient; wire: Wire[]; views: SessionView[] }> {
  const client = liveClient(server.url, token, { autoConnect: false });
  closing.push(client);
  const wire: Wire[] = [];
  const views: SessionView[] = [];
  client.onAny((event: string, payload: unknown) => {
    if (event === 'state' || event === 'state:patch') wire.push({ event, payload, bytes: Buffer.byteLength(JSON.stringify(payload)) });
  });
  client.on('state', (view) => void views.push(SessionView.parse(view)));
  const seat = nextEvent(client, 'welcome');
  client.connect();
  await joinScreen(client, (await seat).seat);
  return { client, wire, views };
}

const until = (views: SessionView[], client: LiveClient, match: (v: SessionView) => boolean) =>
  views.some(match) ? Promise.resolve(views.find(match)!) : nextEvent(client, 'state', (v) => match(SessionView.parse(v)));

async function plenaryOf(n: number) {
  const session = await createSession(server, rosterCsv(n), igfAgenda);
  const moderator = await open(session.moderatorToken);
  const people = new Map<string, Awaited<ReturnType<typeof open>>>();
  for (const [id, token] of session.tokens) people.set(id, await open(token));
  const everyone = [moderator, ...people.values()];
  const version = SessionView.parse(await (await server.api(`/api/sessions/${session.id}`)).json()).version;
  await Promise.all(everyone.map((p) => until(p.views, p.client, (v) => v.version === version && v.presence.connected === n)));
  return { session, moderator, people, everyone };
}

describe('state patches over socket.io', () => {
  it('costs each bystander of a raised hand one patch under 400 bytes, which brings them the view the server has', async () => {
    const { people, moderator } = await plenaryOf(10);
    const raiser = people.get('p03')!;
    const bystanders = [...people.values()].filter((p) => p !== raiser);
    for (const p of [...bystanders, moderator]) p.wire.length = 0;
    const ack = (await raiser.client.emitWithAck('hand:raise', { raised: true })) as Ack;
    expect(ack.ok).toBe(true);
    const seen = await Promise.all(bystanders.map((p) => until(p.views, p.client, (v) => v.hands.some((h) => h.id === 'p03'))));
    for (const p of bystanders) {
      expect(p.wire.map((w) => w.event)).toEqual(['state:patch']);
      expect(p.wire[0]!.bytes).toBeLessThan(400);
      expect(StatePatch.parse(p.wire[0]!.payload).ops.length).toBeGreaterThan(0);
    }
    // What the patch made is what a whole view says now.
    const whole = ResyncResult.parse(((await bystanders[0]!.client.emitWithAck('state:resync', {})) as Ack & { result: unknown }).result);
    expect({ ...seen[0]!, serverNow: 0 }).toEqual({ ...whole.view, serverNow: 0 });
    expect(whole.rev).toBe(StatePatch.parse(bystanders[0]!.wire[0]!.payload).rev);
    expect(moderator.wire.map((w) => w.event)).toEqual(['state:patch']);
  });

  it('holds changes back within the window: many hands at once reach each bystander as one patch', async () => {
    const { people } = await plenaryOf(10);
    window.byHand = true;
    const bystander = people.get('p01')!;
    // The first change goes at once and opens the window; the next ones wait in it.
    await people.get('p02')!.client.emitWithAck('hand:raise', { raised: true });
    await until(bystander.views, bystander.client, (v) => v.hands.length === 1);
    bystander.wire.length = 0;
    const raisers = ['p03', 'p04', 'p05', 'p06', 'p07', 'p08'];
    for (const id of raisers) expect(((await people.get(id)!.client.emitWithAck('hand:raise', { raised: true })) as Ack).ok).toBe(true);
    expect(bystander.wire).toEqual([]);
    const all = until(bystander.views, bystander.client, (v) => v.hands.length === 7);
    window.manual.advance(40);
    expect((await all).hands.map((h) => h.id)).toEqual(['p02', ...raisers]);
    expect(bystander.wire.map((w) => w.event)).toEqual(['state:patch']);
  });

  it('sends the whole view when a person changes audience, and patches again in the new one', async () => {
    const { moderator, people } = await plenaryOf(10);
    const p01 = people.get('p01')!;
    p01.wire.length = 0;
    moderator.wire.length = 0;
    await moderator.client.emitWithAck('agenda:command', { type: 'start' });
    await moderator.client.emitWithAck('agenda:command', { type: 'next' });
    const grouped = await until(p01.views, p01.client, (v) => v.group !== null);
    const full = p01.wire.filter((w) => w.event === 'state');
    expect(full).toHaveLength(1);
    expect(SessionView.parse(full[0]!.payload).group?.id).toBe(grouped.group!.id);
    // The staff stay in their audience: patches only.
    expect(moderator.wire.every((w) => w.event === 'state:patch')).toBe(true);
    p01.wire.length = 0;
    // Within the group: patches again.
    await moderator.client.emitWithAck('agenda:command', { type: 'extend', minutes: 1 });
    const extended = grouped.endsAt! + 60_000;
    await until(p01.views, p01.client, (v) => v.endsAt === extended);
    expect(p01.wire.map((w) => w.event)).toEqual(['state:patch']);
    p01.wire.length = 0;
    await moderator.client.emitWithAck('agenda:command', { type: 'next' });
    const back = await until(p01.views, p01.client, (v) => v.group === null && v.stepIndex === 2);
    expect(back.stepIndex).toBe(2);
    expect(p01.wire.filter((w) => w.event === 'state')).toHaveLength(1);
  });

  it('a client that missed a revision asks for the whole view, gets it at the latest revision, and follows the patches again', async () => {
    const { session, moderator } = await plenaryOf(5);
    // A client of its own making, that drops one patch as a lossy link would.
    const raw: Socket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, {
      auth: { token: session.tokens.get('p02')!, protocol: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    closing.push(raw);
    let held: HeldView | null = null;
    let dropped = 0;
    const outcomes: string[] = [];
    const followed: SessionView[] = [];
    const waiting: Array<{ version: number; resolve: () => void }> = [];
    const follow = (view: SessionView) => {
      followed.push(view);
      for (const w of waiting.filter((w) => w.version === view.version)) w.resolve();
    };
    const reaches = (version: number) =>
      followed.at(-1)?.version === version ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ version, resolve }));
    const first = new Promise<void>((resolve) =>
      raw.on('state', (view, revision) => {
        held = { view: SessionView.parse(view), rev: StateRevision.parse(revision).rev };
        resolve();
      }),
    );
    raw.on('state:patch', (patch) => {
      if (dropped++ === 0) return;
      const outcome = applyStatePatch(held, patch);
      outcomes.push(outcome.kind);
      if (outcome.kind === 'applied') {
        held = outcome.held;
        follow(held.view);
      } else if (outcome.kind === 'resync') {
        void raw.emitWithAck('state:resync', {}).then((ack) => {
          const result = ResyncResult.parse((ack as Ack & { result: unknown }).result);
          held = result;
          follow(result.view);
        });
      }
    });
    await first;
    const version = async () => SessionView.parse(await (await server.api(`/api/sessions/${session.id}`)).json()).version;
    const step = async (command: unknown) => {
      const ack = (await moderator.client.emitWithAck('agenda:command', command)) as Ack;
      expect(ack.ok).toBe(true);
      return version();
    };
    const started = await step({ type: 'start' }); // its patch is dropped
    await until(moderator.views, moderator.client, (v) => v.version === started);
    const extended = await step({ type: 'extend', minutes: 1 }); // does not apply: asks for the whole view
    await reaches(extended);
    expect(outcomes).toEqual(['resync']);
    const latest = followed.at(-1)!;
    expect(latest.status).toBe('running');
    const again = await step({ type: 'extend', minutes: 1 });
    await reaches(again);
    expect(outcomes).toEqual(['resync', 'applied']);
    expect(followed.at(-1)!.endsAt).toBe(latest.endsAt! + 60_000);
  });

  it('the web client applies patches to a new view object each time, keeps serverNow current, and resyncs on request', async () => {
    const { session, people } = await plenaryOf(4);
    const fake = Object.assign(new EventTarget(), { navigator: { onLine: true } }) as unknown as Window;
    const web = new SessionClient(server.url, session.tokens.get('p04')!, fake);
    closing.push(web);
    const seen = (match: (s: LiveState) => boolean) =>
      new Promise<LiveState>((resolve) => {
        if (match(web.state)) return resolve(web.state);
        const stop = web.subscribe(() => {
          if (!match(web.state)) return;
          stop();
          resolve(web.state);
        });
      });
    web.start();
    const before = await seen((s) => s.view !== null && s.connection === 'connected');
    await people.get('p01')!.client.emitWithAck('hand:raise', { raised: true });
    const after = await seen((s) => (s.view?.hands.length ?? 0) === 1);
    expect(after.view).not.toBe(before.view);
    expect(before.view!.hands).toEqual([]);
    expect(after.view!.serverNow).toBeGreaterThanOrEqual(before.view!.serverNow);
    await web.resync();
    expect(web.state.view!.hands.map((h) => h.id)).toEqual(['p01']);
  });
});
