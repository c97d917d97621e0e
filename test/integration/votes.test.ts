import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol';
import type { SessionView } from '../../shared/session';
import type { CreateSessionInput } from '../../shared/session';
import type { OwnVotes } from '../../shared/votes';
import { ManualClock } from '../support/manual-clock';
import { createSession, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

const agenda: CreateSessionInput = {
  title: 'Forum',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    { kind: 'breakout', title: 'Tables', minutes: 30, questions: ['What first?'], closeSeconds: 0 },
    { kind: 'plenary', title: 'Questions to the panel', minutes: 20 },
    { kind: 'vote', title: 'Priorities', minutes: 5, maxChoices: 2, options: ['Schools', 'Clinics', 'Roads'] },
  ],
};

let server: RunningServer | null = null;
const clients: LiveClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = null;
});

async function join(token: string): Promise<LiveClient> {
  const client = liveClient(server!.url, token, { autoConnect: false });
  clients.push(client);
  const welcome = nextEvent(client, 'welcome');
  const first = nextEvent(client, 'state');
  client.connect();
  await first;
  await joinScreen(client, (await welcome).seat);
  return client;
}

const send = <T>(client: LiveClient, event: string, payload: unknown) => client.emitWithAck(event as 'vote:cast', payload) as Promise<Ack<T>>;

describe('votes and upvotes under concurrent clients', () => {
  it('counts one upvote and one ballot per person however many arrive at once, and exports no names or tokens', async () => {
    server = await startServer({ clock: new ManualClock() });
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(20), agenda);
    const people = new Map<string, LiveClient>();
    for (const [memberId, token] of tokens) people.set(memberId, await join(token));
    const drive = async (command: string, body?: unknown) => {
      const reply = await server!.api(`/api/sessions/${id}/agenda/${command}`, { method: 'POST', token: moderatorToken, body: JSON.stringify(body ?? {}), headers: { 'content-type': 'application/json' } });
      expect(reply.status).toBe(200);
      return (await reply.json()) as SessionView;
    };
    await drive('start');
    await drive('next');
    // The note taker of p02's table sends a question for it.
    const sent = await send<{ id: string }>(people.get('p02')!, 'contribution:send', { kind: 'question', text: 'Who pays for it?' });
    expect(sent).toMatchObject({ ok: true });
    const questionId = (sent as { result: { id: string } }).result.id;
    // A participant may not send for the table.
    expect(await send(people.get('p03')!, 'contribution:send', { kind: 'idea', text: 'Mine' })).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(await send(people.get('p03')!, 'contribution:send', { kind: 'rant', text: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    await drive('next');

    // Everyone upvotes at once; p03 sends it five times.
    const upvotes = [...people.values()].map((c) => send<OwnVotes>(c, 'question:upvote', { id: questionId, up: true }));
    const repeats = Array.from({ length: 5 }, () => send<OwnVotes>(people.get('p03')!, 'question:upvote', { id: questionId, up: true }));
    const acks = await Promise.all([...upvotes, ...repeats]);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(acks[2]).toMatchObject({ result: { upvoted: [questionId] } });
    let view = (await (await server.api(`/api/sessions/${id}`, { token: moderatorToken })).json()) as SessionView;
    expect(view.contributions).toEqual([expect.objectContaining({ id: questionId, kind: 'question', upvotes: 20, takenAt: null })]);

    view = await drive('next');
    expect(view.agenda[view.stepIndex]).toMatchObject({ kind: 'vote', options: ['Schools', 'Clinics', 'Roads'] });
    // Everyone votes at once; p01 changes their mind four times in the same instant: one ballot each.
    const ballots = [...people.entries()].map(([memberId, c]) => send<OwnVotes>(c, 'vote:cast', { stepIndex: 3, choices: memberId === 'p01' ? ['o2'] : ['o0', 'o1'] }));
    const changes = ['o1', 'o2', 'o0', 'o2'].map((o) => send<OwnVotes>(people.get('p01')!, 'vote:cast', { stepIndex: 3, choices: [o] }));
    const voted = await Promise.all([...ballots, ...changes]);
    expect(voted.every((a) => a.ok)).toBe(true);
    expect(await send(people.get('p05')!, 'vote:cast', { stepIndex: 3, choices: ['o0', 'o1', 'o2'] })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const mine = await send<OwnVotes>(people.get('p01')!, 'votes:mine', {});
    view = (await (await server.api(`/api/sessions/${id}`, { token: moderatorToken })).json()) as SessionView;
    const results = view.votes!.find((v) => v.stepIndex === 3)!;
    expect(results.ballots).toBe(20);
    const last = (mine as { result: OwnVotes }).result.ballots['3']![0]!;
    const expected = { o0: 19, o1: 19, o2: 0 } as Record<string, number>;
    expected[last] = (expected[last] ?? 0) + 1;
    expect(Object.fromEntries(results.options.map((o) => [o.id, o.count]))).toEqual(expected);

    // The audit log has every ballot; the export has results and ballots, no names or tokens.
    const audit = (await (await server.api(`/api/sessions/${id}/audit`, { token: moderatorToken })).json()) as { entries: Array<{ action: string }> };
    expect(audit.entries.filter((e) => e.action === 'vote.cast')).toHaveLength(24);
    for (const format of ['json', 'csv']) {
      const exported = await server.api(`/api/sessions/${id}/votes?format=${format}`, { token: moderatorToken });
      expect(exported.status).toBe(200);
      const text = await exported.text();
      expect(text).toContain('Schools');
      expect(text).toContain('Who pays for it?');
      expect(text).not.toMatch(/Person \d|p\d\d/);
      for (const token of tokens.values()) expect(text).not.toContain(token);
    }
    const refused = await server.api(`/api/sessions/${id}/votes`, { token: tokens.get('p03')! });
    expect(refused.status).toBe(403);
  });
});
