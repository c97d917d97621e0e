import { createClient } from 'redis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { NOTES_TEXT, type NotesGrant } from '../../shared/notes';
import { parseDocName } from '../../server/src/notes/doc-name';
import { RedisNotesStore } from '../../server/src/store/redis-notes-store';
import { TestCluster, type ClusterNode } from '../support/cluster';
import { notesClient, notesToken, startBreakout, type Breakout, type NotesClient } from '../support/notes';
import { startRedis, type TestRedis } from '../support/redis-server';
import { rosterCsv } from '../support/test-server';

// Nodes are processes of their own that take several seconds each to start on a busy machine:
// these tests get two minutes (each waits on events, never on time).
let redis: TestRedis;
let cluster: TestCluster;
let breakout: Breakout | null = null;
const clients: NotesClient[] = [];

beforeEach(async () => {
  redis = await startRedis();
  cluster = new TestCluster(redis.url);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  breakout?.close();
  breakout = null;
  await cluster.close();
  await redis.stop();
});

/** The same grant, opened on another node: any node serves any document (the links are signed with the shared key). */
const on = (node: ClusterNode, grant: NotesGrant): NotesGrant => ({ ...grant, url: grant.url.replace(/^ws:\/\/[^/]+/, node.server.url.replace(/^http/, 'ws')) });

/** Two members of one group, the first with its notes open on `first`, the second on `second`. */
async function twoWriters(first: ClusterNode, second: ClusterNode) {
  breakout = await startBreakout(first.server, rosterCsv(5));
  const [one, two] = breakout.groups[0]!.members;
  const grantOne = await notesToken(breakout.people.get(one!.id)!);
  const grantTwo = await notesToken(breakout.people.get(two!.id)!);
  const writerOne = notesClient(on(first, grantOne));
  clients.push(writerOne);
  await writerOne.synced;
  const writerTwo = notesClient(on(second, grantTwo));
  clients.push(writerTwo);
  await writerTwo.synced;
  return { docName: grantOne.docName, writerOne, writerTwo, nameOne: one!.name };
}

async function storedText(docName: string): Promise<string> {
  const client: ReturnType<typeof createClient> = createClient({ url: redis.url });
  await client.connect();
  const stored = await new RedisNotesStore(client).load(parseDocName(docName)!);
  await client.close();
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored?.updates ?? []) Y.applyUpdate(doc, u);
  return doc.getText(NOTES_TEXT).toString();
}

it('two members of one group on two nodes edit the same notes and see each other’s cursors', async () => {
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
  const { writerOne, writerTwo, nameOne } = await twoWriters(a, b);
  // The template, once: only the node that stores a new document fills it. Node b may answer the
  // first sync before node a has stored the template; it hears it over the fan-out a moment later.
  expect(writerOne.text.length).toBeGreaterThan(0);
  const template = writerOne.text.toString();
  await writerTwo.until((t) => t.length >= template.length);
  expect(writerTwo.text.toString()).toBe(template);
  expect(writerOne.text.toString()).toBe(template);

  writerOne.text.insert(writerOne.text.length, '\nTrust needs time. ');
  writerTwo.text.insert(0, 'Agreed: ');
  const both = (t: string) => t.includes('Trust needs time.') && t.includes('Agreed: ');
  const [seenOne, seenTwo] = await Promise.all([writerOne.until(both), writerTwo.until(both)]);
  expect(seenOne).toBe(seenTwo);

  // The cursor crosses nodes under the name the session knows (the server owns who an entry is).
  const cursor = { anchor: { at: 3 }, head: { at: 7 } };
  const cursorSeen = new Promise<Record<string, unknown>>((resolve) => {
    const check = () => {
      const entry = writerTwo.provider.awareness.getStates().get(writerOne.doc.clientID);
      if (entry?.cursor) resolve(entry);
    };
    writerTwo.provider.awareness.on('change', check);
    check();
  });
  writerOne.provider.awareness.setLocalState({ user: { name: 'One', color: '#047857' }, cursor });
  const seen = await cursorSeen;
  expect(seen.user).toEqual({ name: nameOne, color: '#047857', colorLight: '#04785733' });
  expect(seen.cursor).toEqual(cursor);
}, 120_000);

it('kill -9 of the node that stores a document: another node takes over storing it, and no edit it had heard is lost', async () => {
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
  const { docName, writerOne, writerTwo } = await twoWriters(a, b);
  const lock = createClient({ url: redis.url });
  await lock.connect();
  expect(await lock.get(`rt:notes:storer:${docName}`)).toBe('a');
  await lock.close();

  // Someone on node a types without pausing until node a has stored some of it…
  let n = 0;
  const type = () => writerOne.text.insert(writerOne.text.length, `[${n++}]`);
  const storedOnce = a.flushed(docName);
  const typing = setInterval(type, 40);
  type();
  await storedOnce;
  clearInterval(typing);
  // …and a few more that node a has not stored yet, but node b has heard.
  for (let i = 0; i < 5; i++) type();
  const last = `[${n - 1}]`;
  await writerTwo.until((t) => t.includes(last));
  const heard = writerTwo.text.toString();

  const takenOver = b.flushed(docName);
  await a.kill();
  await takenOver;
  const stored = await storedText(docName);
  expect(stored).toBe(heard);
  // And the notes go on from node b.
  writerTwo.text.insert(writerTwo.text.length, ' (after)');
  await b.flushed(docName);
  expect(await storedText(docName)).toBe(`${heard} (after)`);
}, 120_000);
