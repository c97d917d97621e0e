import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import { awarenessEntries as forged } from '../support/awareness';
import { ManualClock } from '../support/manual-clock';
import { notesClient, notesToken, startBreakout, type Breakout, type NotesClient } from '../support/notes';
import { rosterCsv, startServer, type RunningServer } from '../support/test-server';

let server: RunningServer;
let breakout: Breakout | null = null;
const clients: NotesClient[] = [];

beforeEach(async () => {
  server = await startServer({ clock: new ManualClock() });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  breakout?.close();
  breakout = null;
  await server.close();
});

/** Resolves once `awareness` holds a state for `clientId` that satisfies `match`. */
function until(awareness: Awareness, clientId: number, match: (state: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const check = () => {
      const state = awareness.getStates().get(clientId);
      if (!state || !match(state)) return;
      awareness.off('change', check);
      resolve(state);
    };
    awareness.on('change', check);
    check();
  });
}

describe('who is shown in the notes', () => {
  it("is the server's to say: roster names, #rrggbb colours, nobody else's entry changed, no ghosts", async () => {
    breakout = await startBreakout(server, rosterCsv(10));
    const group = breakout.groups[0]!;
    const [victimId, attackerId, watcherId] = group.members.map((m) => m.id);
    const open = async (memberId: string) => {
      const client = notesClient(await notesToken(breakout!.people.get(memberId)!));
      clients.push(client);
      await client.synced;
      return client;
    };
    const [victim, attacker, watcher] = [await open(victimId!), await open(attackerId!), await open(watcherId!)];
    const nameOf = (id: string) => group.members.find((m) => m.id === id)!.name;
    const seen = watcher.provider.awareness;

    victim.provider.awareness.setLocalState({ user: { name: nameOf(victimId!), color: '#047857' }, cursor: null });
    const victimEntry = await until(seen, victim.doc.clientID, (s) => typeof s.user === 'object');
    expect(victimEntry).toEqual({ user: { name: nameOf(victimId!), color: '#047857', colorLight: '#04785733' }, cursor: null });

    const overlay = 'red; position: fixed; inset: 0; z-index: 9999';
    attacker.provider.awareness.setLocalState({ user: { name: 'Moderator (official)', color: overlay }, cursor: null });
    const attackerEntry = await until(seen, attacker.doc.clientID, (s) => typeof s.user === 'object');
    expect(attackerEntry.user).toEqual({ name: nameOf(attackerId!), color: expect.stringMatching(/^#[0-9a-f]{6}$/), colorLight: expect.stringMatching(/^#[0-9a-f]{8}$/) });

    // Reuse the victim's id, remove it, add a thousand ghosts; then one honest change to know all of it has arrived.
    const ws = attacker.provider.ws!;
    ws.send(forged([victim.doc.clientID, 99, { user: { name: 'Moderator (official)', color: overlay }, cursor: null }]));
    ws.send(forged([victim.doc.clientID, 100, null]));
    ws.send(forged(...Array.from({ length: 1000 }, (_, i): [number, number, unknown] => [7_000_000 + i, 1, {}])));
    attacker.provider.awareness.setLocalStateField('cursor', { anchor: null, head: null });
    await until(seen, attacker.doc.clientID, (s) => s.cursor !== null);
    expect(seen.getStates().get(victim.doc.clientID)).toEqual(victimEntry);
    const others = [...seen.getStates().keys()].filter((id) => id !== watcher.doc.clientID);
    expect(others.sort()).toEqual([victim.doc.clientID, attacker.doc.clientID].sort());
    // The forged entries, and the ones each browser echoes of the others.
    expect(server.roundtable.notes.stats.droppedAwareness).toBeGreaterThanOrEqual(1002);
  });
});

describe('notes connections of one invitation', () => {
  it('are at most three per document: the next upgrade is refused with CONFLICT, and opens once one closes', async () => {
    breakout = await startBreakout(server, rosterCsv(10));
    const memberId = breakout.groups[0]!.members[0]!.id;
    const grant = await notesToken(breakout.people.get(memberId)!);
    const tabs = [notesClient(grant), notesClient(grant), notesClient(grant)];
    clients.push(...tabs);
    await Promise.all(tabs.map((t) => t.synced));
    const url = `${grant.url}?token=${encodeURIComponent(grant.token)}`;
    const attempt = () =>
      new Promise<{ status: number; body?: string }>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.on('open', () => {
          ws.close();
          resolve({ status: 101 });
        });
        ws.on('error', () => undefined);
      });
    const refused = await attempt();
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body!)).toMatchObject({ error: { code: 'CONFLICT' } });
    // Another member of the group is not affected.
    const other = notesClient(await notesToken(breakout.people.get(breakout.groups[0]!.members[1]!.id)!));
    clients.push(other);
    await other.synced;
    tabs[0]!.destroy();
    let status = 0;
    for (let tries = 0; tries < 100 && status !== 101; tries++) status = (await attempt()).status;
    expect(status).toBe(101);
  });
});
