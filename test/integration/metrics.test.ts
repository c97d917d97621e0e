import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol';
import { createSession, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

let server: RunningServer | null = null;
const clients: LiveClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
});

/** One sample's value from Prometheus text: `name{labels} value`. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('serves this node’s metrics in Prometheus format, labelled with the node', async () => {
  server = await startServer({ config: { nodeId: 'solo', signingKey: 's'.repeat(40) } });
  const session = await createSession(server, rosterCsv(3));
  const [first, second] = [...session.tokens.values()];
  const a = liveClient(server.url, first!);
  const b = liveClient(server.url, second!);
  clients.push(a, b);
  await Promise.all([nextEvent(a, 'state'), nextEvent(b, 'state')]);
  const seenByB = nextEvent(b, 'state', (v) => v.status === 'running');
  expect((await server.api(`/api/sessions/${session.id}/agenda/start`, { method: 'POST' })).status).toBe(200);
  await seenByB;
  expect(((await a.timeout(5000).emitWithAck('hand:raise', { raised: true })) as Ack).ok).toBe(true);

  const res = await server.api('/metrics', { token: null });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  expect(sample(text, 'roundtable_live_connections', 'node="solo"')).toBe(2);
  expect(sample(text, 'roundtable_live_sessions', 'node="solo"')).toBe(1);
  // The roster import, the start and the hand: one commit each.
  expect(sample(text, 'roundtable_commits_total', 'node="solo"')).toBe(3);
  // A whole view to each on joining, then patches: the start and the hand reached both.
  expect(sample(text, 'roundtable_fanout_deliveries_total', 'event="state",node="solo"')).toBe(2);
  expect(sample(text, 'roundtable_fanout_deliveries_total', 'event="state:patch",node="solo"')).toBeGreaterThanOrEqual(3);
  expect(sample(text, 'roundtable_notes_documents', 'node="solo"')).toBe(0);
  expect(sample(text, 'roundtable_redis_up', 'node="solo"')).toBe(-1);
  expect(text).toContain('# TYPE roundtable_commits_total counter');
  // Those three commits wrote what they changed: the roster's members, then a few small parts.
  expect(sample(text, 'roundtable_committed_bytes_total', 'node="solo"')).toBeGreaterThan(0);
  // SIGNING_KEY given: no key generated into the data directory.
  expect(existsSync(join(server.dataDir, 'signing-key'))).toBe(false);
});
