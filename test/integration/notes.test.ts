import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { NotesExport, notesCloseCodes } from '../../shared/notes';
import { MemoryNotesStore } from '../../server/src/store/memory-notes-store';
import { ManualClock } from '../support/manual-clock';
import { notesClient, notesToken, send, startBreakout, type Breakout, type NotesClient } from '../support/notes';
import { adminToken, liveClient, nextEvent, rosterCsv, startServer, type RunningServer } from '../support/test-server';

const questions = ['How do these results inspire me?', 'What do they mean for us as a community?'];

let clock: ManualClock;
let server: RunningServer;
let breakout: Breakout | null = null;
const clients: NotesClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  server = await startServer({ clock });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  breakout?.close();
  breakout = null;
  await server.close();
});

function open(grant: Parameters<typeof notesClient>[0]): NotesClient {
  const client = notesClient(grant);
  clients.push(client);
  return client;
}

async function begin(people = 10): Promise<Breakout> {
  breakout = await startBreakout(server, rosterCsv(people));
  return breakout;
}

/** Opens a second member's client and waits until it shows `text`: then the server has it too. */
async function witness(b: Breakout, memberId: string, text: string): Promise<string> {
  const client = open(await notesToken(b.people.get(memberId)!));
  return client.until((t) => t.includes(text));
}

/** Roster ids of a group, its rapporteur (the note taker) first. */
function groupOf(b: Breakout, index: number): { id: string; members: string[]; rapporteur: string; others: string[] } {
  const g = b.groups[index]!;
  const rapporteur = g.members.find((m) => m.role === 'notetaker')!.id;
  return { id: g.id, members: g.members.map((m) => m.id), rapporteur, others: g.members.map((m) => m.id).filter((m) => m !== rapporteur) };
}

const serverText = (b: Breakout, groupId: string) => server.roundtable.notes.textOf({ sessionId: b.id, stepIndex: 1, groupId });

/** Tries to open a notes WebSocket; resolves with the HTTP refusal, or 101 when it opened. */
function upgrade(url: string): Promise<{ status: number; body?: { error: { code: string; message: string } } }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as { error: { code: string; message: string } } }));
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.on('error', () => undefined);
  });
}

describe('writing together', () => {
  it('two members of a group see each other’s edits, starting from the questions of the step', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const grants = await Promise.all(g.members.slice(0, 2).map((m) => notesToken(b.people.get(m)!)));
    expect(grants.map((x) => x.access)).toEqual(['write', 'write']);
    expect(grants[0]!.docName).toBe(`${b.id}.1.${g.id}`);
    const [a, c] = grants.map(open);
    await Promise.all([a!.synced, c!.synced]);
    expect(a!.text.toString()).toBe(questions.map((q) => `# ${q}\n\n`).join(''));
    a!.text.insert(a!.text.toString().indexOf('\n\n') + 2, 'Hope for the local network.');
    await c!.until((t) => t.includes('Hope for the local network.'));
    c!.text.insert(c!.text.length, 'We should meet again.');
    await a!.until((t) => t.includes('We should meet again.'));
    expect(a!.text.toString()).toBe(c!.text.toString());
    expect(await serverText(b, g.id)).toBe(a!.text.toString());
  });

  it('five members typing at once converge on the same text', async () => {
    const b = await begin();
    const g = groupOf(b, 1);
    const five = (await Promise.all(g.members.map((m) => notesToken(b.people.get(m)!)))).map(open);
    await Promise.all(five.map((c) => c.synced));
    five.forEach((c, i) => {
      for (let k = 0; k < 5; k++) c.text.insert(c.text.length, `[${i}.${k}]`);
    });
    const words = five.flatMap((_, i) => Array.from({ length: 5 }, (_, k) => `[${i}.${k}]`));
    const texts = await Promise.all(five.map((c) => c.until((t) => words.every((w) => t.includes(w)))));
    expect(new Set(texts).size).toBe(1);
    expect(await serverText(b, g.id)).toBe(texts[0]);
  });
});

describe('who may open what', () => {
  it("a reader's edit is dropped and reported; the document does not change", async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const grant = await notesToken(b.moderator, { groupId: g.id });
    expect(grant.access).toBe('read');
    const reader = open(grant);
    const writer = open(await notesToken(b.people.get(g.members[0]!)!));
    await Promise.all([reader.synced, writer.synced]);
    await reader.notice((n) => n.type === 'access' && n.access === 'read');
    const before = await serverText(b, g.id);
    reader.text.insert(0, 'moderator was here');
    const rejected = await reader.notice((n) => n.type === 'rejected');
    expect(rejected).toMatchObject({ type: 'rejected', code: 'READ_ONLY' });
    expect(server.roundtable.notes.stats.rejectedWrites).toBe(1);
    expect(await serverText(b, g.id)).toBe(before);
    // A writer's next edit reaches the reader; the dropped one reached nobody.
    writer.text.insert(0, 'ok ');
    await reader.until((t) => t.includes('ok '));
    expect(writer.text.toString()).not.toContain('moderator was here');
  });

  it("a participant of group A cannot open group B's notes: refused on the socket and at the upgrade", async () => {
    const b = await begin();
    const a = groupOf(b, 0);
    const other = groupOf(b, 1);
    const member = b.people.get(a.members[2]!)!;
    await expect(notesToken(member, { groupId: other.id })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    const own = await notesToken(member);
    const bUrl = own.url.replace(`.${a.id}`, `.${other.id}`);
    const withOwnToken = await upgrade(`${bUrl}?token=${own.token}`);
    expect(withOwnToken).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await upgrade(bUrl)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect(await upgrade(`${own.url.replace(/\/[^/]+$/, '/not-a-doc')}?token=${own.token}`)).toMatchObject({ status: 404 });
    expect(await upgrade(`${own.url}?token=${own.token}`)).toEqual({ status: 101 });
    expect(server.roundtable.notes.stats.upgradesRefused).toBe(3);
  });

  it('a person moved to another room is told where, and their notes follow: the old room closes to them, the new one opens for writing', async () => {
    const b = await begin();
    const a = groupOf(b, 0);
    const other = groupOf(b, 1);
    const who = a.members[2]!;
    const member = b.people.get(who)!;
    const before = open(await notesToken(member));
    await before.synced;
    const moved = nextEvent(member, 'groups:moved');
    const seated = nextEvent(member, 'state', (v) => v.group?.id === other.id);
    const bystander = b.people.get(a.members[3]!)!;
    const bystanderHeard: unknown[] = [];
    bystander.on('groups:moved', (e) => bystanderHeard.push(e));
    expect(await send(b.moderator, 'groups:move', { memberId: who, groupId: other.id })).toMatchObject({ ok: true });
    expect((await seated).group!.members.map((m) => m.id)).toContain(who);
    expect(await moved).toMatchObject({ from: a.id, to: other.id, serverNow: clock.now() });
    // The old room's notes close to them; the new room's open to them for writing, by default.
    expect((await before.closed).code).toBe(notesCloseCodes.forbidden);
    const now = await notesToken(member);
    expect(now).toMatchObject({ groupId: other.id, access: 'write' });
    const writer = open(now);
    await writer.synced;
    writer.text.insert(writer.text.length, 'Moved here.');
    expect(await witness(b, other.members[0]!, 'Moved here.')).toContain('Moved here.');
    await expect(notesToken(member, { groupId: a.id })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    expect(await send(bystander, 'time:sync', {})).toMatchObject({ ok: true });
    expect(bystanderHeard).toEqual([]);
  });

  it('a token expires after ten minutes', async () => {
    const b = await begin();
    const grant = await notesToken(b.people.get(groupOf(b, 0).members[0]!)!);
    clock.advance(10 * 60_000 + 1000);
    expect(await upgrade(`${grant.url}?token=${grant.token}`)).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) } } });
  });
});

describe('after the breakout', () => {
  it('members become readers (live connections too) and the rapporteur still writes until the report-back ends', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const rapporteur = open(await notesToken(b.people.get(g.rapporteur)!));
    const member = open(await notesToken(b.people.get(g.others[0]!)!));
    await Promise.all([rapporteur.synced, member.synced]);
    member.text.insert(member.text.length, 'said in the group. ');
    await rapporteur.until((t) => t.includes('said in the group.'));

    await b.agenda({ type: 'next' }); // report-back in plenary
    await member.notice((n) => n.type === 'access' && n.access === 'read');
    member.text.insert(0, 'after the bell ');
    await member.notice((n) => n.type === 'rejected' && n.code === 'READ_ONLY');
    rapporteur.text.insert(rapporteur.text.length, 'Summary for the plenary.');
    await member.until((t) => t.includes('Summary for the plenary.'));
    expect(await serverText(b, g.id)).not.toContain('after the bell');
    expect(rapporteur.notices.filter((n) => n.type === 'access')).toEqual([{ type: 'access', access: 'write' }]);
    // A member who asks now gets a read token; the rapporteur a write token.
    expect((await notesToken(b.people.get(g.others[1]!)!)).access).toBe('read');
    expect((await notesToken(b.people.get(g.rapporteur)!)).access).toBe('write');

    await b.agenda({ type: 'next' }); // the session ends: the report-back is over
    await rapporteur.notice((n) => n.type === 'access' && n.access === 'read');
  });

  it('keeps the version of each group’s notes as the breakout ended', async () => {
    await server.close();
    const notesStore = new MemoryNotesStore();
    server = await startServer({ clock, notesStore });
    const b = await begin();
    const g = groupOf(b, 0);
    const writer = open(await notesToken(b.people.get(g.members[0]!)!));
    await writer.synced;
    writer.text.insert(writer.text.length, 'Decided: a local forum.');
    await witness(b, g.members[1]!, 'Decided: a local forum.');
    await b.agenda({ type: 'next' });
    await server.roundtable.notes.settled();
    const kept = await notesStore.version({ sessionId: b.id, stepIndex: 1, groupId: g.id }, 'breakout-end');
    expect(kept?.meta.members).toEqual(expect.arrayContaining([expect.objectContaining({ id: g.rapporteur, role: 'notetaker', rapporteur: true })]));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, kept!.state);
    expect(doc.getText('notes').toString()).toContain('Decided: a local forum.');
  });

  it('exports the notes as the breakout ended, and marks what the rapporteur changed afterwards', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const get = async (query: string) => {
      const res = await server.api(`/api/sessions/${b.id}/notes?format=json&step=1&group=${g.id}${query}`, { token: adminToken });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const rapporteur = open(await notesToken(b.people.get(g.rapporteur)!));
    await rapporteur.synced;
    rapporteur.text.insert(rapporteur.text.length, 'Said at the table.\n');
    await witness(b, g.members[1]!, 'Said at the table.');
    // No breakout-end version while the breakout runs.
    const early = await get('&version=breakout-end');
    expect(early.status).toBe(409);

    clock.advance(60_000);
    const endedAt = clock.now();
    await b.agenda({ type: 'next' }); // report-back
    rapporteur.text.insert(rapporteur.text.length, 'Added while presenting.\n');
    await witness(b, g.others[0]!, 'Added while presenting.');

    const final = NotesExport.parse((await get('')).body).steps[0]!.groups[0]!;
    expect(final.text).toContain('Added while presenting.');
    expect(final.afterBreakout).toEqual({ breakoutEndedAt: endedAt, added: ['Added while presenting.'], removed: [] });
    const atEnd = await get('&version=breakout-end');
    expect(atEnd.status).toBe(200);
    const ended = NotesExport.parse(atEnd.body);
    expect(ended.version).toBe('breakout-end');
    expect(ended.steps[0]!.groups[0]!.text).toContain('Said at the table.');
    expect(ended.steps[0]!.groups[0]!.text).not.toContain('Added while presenting.');
    expect(ended.steps[0]!.groups[0]!.afterBreakout).toBeNull();

    const md = await (await server.api(`/api/sessions/${b.id}/notes?format=md`, { token: adminToken })).text();
    expect(md).toContain('**Edited after the breakout ended');
    expect(md).toContain('- added: Added while presenting.');
    // Another group, untouched after the breakout, carries no mark.
    const g2 = groupOf(b, 1);
    const otherGroup = async () =>
      NotesExport.parse(await (await server.api(`/api/sessions/${b.id}/notes?format=json&group=${g2.id}`, { token: adminToken })).json()).steps[0]!.groups[0]!;
    expect((await otherGroup()).afterBreakout).toBeNull();
    // Its notes were never opened in the breakout; its rapporteur writes them while presenting: marked too.
    const late = open(await notesToken(b.people.get(g2.rapporteur)!));
    await late.synced;
    late.text.insert(late.text.length, 'Written only after the breakout.\n');
    await witness(b, g2.others[0]!, 'Written only after the breakout.');
    expect((await otherGroup()).afterBreakout).toEqual({ breakoutEndedAt: endedAt, added: ['Written only after the breakout.'], removed: [] });
    expect((await get('&version=latest')).status).toBe(400);
  });

  it('the presenting group’s notes are open to everyone, live, and only while it presents; its rapporteur scrolls everyone', async () => {
    const b = await begin();
    const g1 = groupOf(b, 0);
    const g2 = groupOf(b, 1);
    const author = open(await notesToken(b.people.get(g1.rapporteur)!));
    await author.synced;
    author.text.insert(author.text.length, 'Point one.');
    await b.agenda({ type: 'next' });
    const outsider = b.people.get(g2.others[0]!)!;
    await expect(notesToken(outsider, { groupId: g1.id })).rejects.toMatchObject({ code: 'NOT_ALLOWED' });

    const presenting = await send(b.moderator, 'report:present', { groupId: g1.id });
    expect(presenting.ok).toBe(true);
    await nextEvent(outsider, 'state', (v) => v.reportBack.presenting === g1.id);
    const grant = await notesToken(outsider, { groupId: g1.id });
    expect(grant.access).toBe('read');
    const viewer = open(grant);
    await viewer.until((t) => t.includes('Point one.'));
    author.text.insert(author.text.length, ' Point two.');
    await viewer.until((t) => t.includes('Point two.'));

    const scrolled = nextEvent(outsider, 'notes:scroll');
    const byOther = await send(b.people.get(g1.others[0]!)!, 'notes:scroll', { heading: questions[1] });
    expect(byOther).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(await send(b.people.get(g1.rapporteur)!, 'notes:scroll', { heading: questions[1] })).toMatchObject({ ok: true });
    expect(await scrolled).toMatchObject({ groupId: g1.id, stepIndex: 1, heading: questions[1] });

    await send(b.moderator, 'report:present', { groupId: g2.id });
    expect(await viewer.closed).toEqual({ code: notesCloseCodes.forbidden, reason: expect.stringMatching(/ended/) });
    expect(await upgrade(`${grant.url}?token=${grant.token}`)).toMatchObject({ status: 403, body: { error: { code: 'NOT_ALLOWED' } } });
  });
});

describe('limits', () => {
  it('refuses an update larger than the limit with a coded close, and does not apply it', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const big = open(await notesToken(b.people.get(g.members[0]!)!));
    await big.synced;
    const before = await serverText(b, g.id);
    big.text.insert(0, 'x'.repeat(2 * 1024 * 1024 + 10));
    expect((await big.closed).code).toBe(notesCloseCodes.tooLarge);
    expect(await serverText(b, g.id)).toBe(before);
    expect(server.roundtable.notes.stats.refusedTooLarge).toBe(1);
  });

  it('survives garbage on the wire', async () => {
    const b = await begin();
    const grant = await notesToken(b.people.get(groupOf(b, 0).members[0]!)!);
    for (const payload of [Buffer.from([0xff, 0xff, 0xff]), Buffer.from([0, 2, 50, 1, 2]), 'text frame']) {
      const ws = new WebSocket(`${grant.url}?token=${grant.token}`);
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((resolve) => ws.on('open', resolve));
      ws.send(payload);
      expect(await closed).toBe(notesCloseCodes.malformed);
    }
    const fine = open(grant);
    await fine.synced;
  });
});

describe('restart and export', () => {
  it('keeps the text across a restart on the same data directory', async () => {
    await server.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-notes-restart-'));
    try {
      server = await startServer({ clock, config: { dataDir } });
      const b = await begin();
      const g = groupOf(b, 0);
      const writer = open(await notesToken(b.people.get(g.members[0]!)!));
      await writer.synced;
      writer.text.insert(writer.text.length, 'Written before the restart. ');
      writer.text.delete(0, 2);
      const expected = await writer.until((t) => t.includes('restart'));
      await witness(b, g.members[1]!, 'restart');
      expect(await serverText(b, g.id)).toBe(expected);
      b.close();
      breakout = null;
      for (const c of clients.splice(0)) c.destroy();
      await server.close();

      server = await startServer({ clock, config: { dataDir } });
      expect(await server.roundtable.notes.textOf({ sessionId: b.id, stepIndex: 1, groupId: g.id })).toBe(expected);
      const again = liveClient(server.url, b.tokens.get(g.members[1]!)!);
      await nextEvent(again, 'state');
      const reader = open(await notesToken(again));
      await reader.until((t) => t === expected);
      again.close();
    } finally {
      await server.close();
      server = await startServer({ clock });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('unloads a document nobody has had open for a while, storing it first; the next person finds it as it was', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const writer = open(await notesToken(b.people.get(g.members[0]!)!));
    // Synced first, so the edit lands after the questions and a witness never sees it alone.
    await writer.synced;
    writer.text.insert(writer.text.length, 'Kept while nobody looks.');
    await witness(b, g.members[1]!, 'Kept while nobody looks.');
    const notes = server.roundtable.notes;
    const everyoneLeft = new Promise<void>((resolve) => notes.onConnections((open) => open === 0 && resolve()));
    for (const c of clients.splice(0)) c.destroy();
    await everyoneLeft;
    // The server's text, not the witness's: the writer's edit may have reached the witness before the questions did.
    const text = (await serverText(b, g.id))!;
    expect(text).toContain('Kept while nobody looks.');
    const stored = new Promise<void>((resolve) => notes.onFlushed(() => resolve()));
    clock.advance(30_000);
    await stored;
    await server.roundtable.notes.settled();
    const again = open(await notesToken(b.people.get(g.members[2]!)!));
    expect(await again.until((t) => t.length > 0)).toBe(text);
    // It was unloaded: its final snapshot was taken.
    expect(server.roundtable.notes.stats.compactions).toBeGreaterThanOrEqual(1);
  });

  it('exports the notes as Markdown, HTML and JSON with the questions and the groups’ members', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const writer = open(await notesToken(b.people.get(g.members[0]!)!));
    await writer.synced;
    writer.text.insert(writer.text.length, 'Trust <needs> time & care.');
    await witness(b, g.members[1]!, 'Trust <needs> time & care.');
    const get = (query: string, token: string | null = adminToken) => server.api(`/api/sessions/${b.id}/notes${query}`, { token });

    const md = await get('?format=md');
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    const mdText = await md.text();
    // Neutralized: it reads the same once rendered, and is never HTML.
    expect(mdText).toContain('Trust &lt;needs> time &amp; care.');
    for (const q of questions) expect(mdText).toContain(q);
    expect(mdText).toContain(`### Group ${groupOf(b, 1).id}`);

    const html = await get(`?format=html&group=${g.id}`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const htmlText = await html.text();
    expect(htmlText).toContain('Trust &lt;needs&gt; time &amp; care.');
    expect(htmlText).not.toContain(`Group ${groupOf(b, 1).id}`);

    const json = await get('?format=json&step=1');
    expect(json.headers.get('content-disposition')).toContain(`roundtable-notes-${b.id}-step1.json`);
    const exp = NotesExport.parse(await json.json());
    expect(exp.steps).toHaveLength(1);
    expect(exp.steps[0]!.stepIndex).toBe(1);
    expect(exp.steps[0]!.questions).toEqual(questions);
    const exported = exp.steps[0]!.groups.find((x) => x.groupId === g.id)!;
    expect(exported.text).toContain('Trust <needs> time & care.');
    expect(exported.language).toBe(b.groups[0]!.language);
    expect(exp.steps[0]!.groups.map((x) => x.groupId)).toEqual(b.groups.map((x) => x.id));
    // The step number in a heading is the one `?step=` takes.
    expect(mdText).toContain('(step 1)');

    const moderatorToken = (b.moderator.auth as { token: string }).token;
    expect((await get('?format=md', moderatorToken)).status).toBe(200);
    expect((await get('?format=md', b.tokens.get(g.members[0]!)!)).status).toBe(403);
    expect((await get('?format=md', null)).status).toBe(401);
    expect((await get('?format=pdf')).status).toBe(400);
    expect((await get('?names=all')).status).toBe(400);
    expect((await get('?group=g99')).status).toBe(404);
    expect((await get('?step=0')).status).toBe(404);
  });

  it('publishes without names (roles only); the staff copy with names is the organizer’s alone', async () => {
    const b = await begin();
    const g = groupOf(b, 0);
    const get = (query: string, token: string | null = adminToken) => server.api(`/api/sessions/${b.id}/notes${query}`, { token });
    const names = b.groups.flatMap((x) => x.members.map((m) => m.name));
    expect(names.length).toBeGreaterThan(0);
    const moderatorToken = (b.moderator.auth as { token: string }).token;
    for (const token of [adminToken, moderatorToken]) {
      for (const format of ['md', 'html', 'json']) {
        const body = await (await get(`?format=${format}`, token)).text();
        for (const name of names) expect(body).not.toContain(name);
        for (const id of g.members) expect(body).not.toContain(`"${id}"`);
      }
    }
    const publication = NotesExport.parse(await (await get('?format=json')).json());
    expect(publication.names).toBe('none');
    expect(publication.steps[0]!.groups.find((x) => x.groupId === g.id)!.members).toContainEqual({ role: 'notetaker', rapporteur: true });

    const staff = await get('?format=json&names=staff');
    expect(staff.headers.get('content-disposition')).toContain('-staff.json');
    const staffCopy = NotesExport.parse(await staff.json());
    expect(staffCopy.names).toBe('staff');
    expect(staffCopy.steps[0]!.groups.find((x) => x.groupId === g.id)!.members).toContainEqual(
      expect.objectContaining({ id: g.rapporteur, name: expect.any(String), role: 'notetaker', rapporteur: true }),
    );
    const refused = await get('?names=staff', moderatorToken);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_ALLOWED');
  });
});
