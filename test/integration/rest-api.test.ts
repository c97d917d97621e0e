import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import { AuditLog, ErrorResponse, RosterImported } from '../../shared/api';
import { SessionCreated, SessionView, type CreateSessionInput } from '../../shared/session';
import { createServer } from '../../server/src/app';
import { SqliteSessionStore } from '../../server/src/store/sqlite-store';
import { ManualClock } from '../support/manual-clock';
import { adminToken, createSession, igfAgenda, joinScreen, liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sampleRoster = (name: string) => readFileSync(join(repoRoot, 'test/fixtures', name), 'utf8');
const minute = 60_000;

let clock: ManualClock;
let server: RunningServer;
const clients: LiveClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  server = await startServer({ clock });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

/** Reads a successful response with its schema. */
async function ok<T>(res: Response, status: number, schema: ZodType<T>): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/** Checks an error response: its status, its code, and the one shape every error has. */
async function failure(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = ErrorResponse.parse(JSON.parse(text));
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

const post = (path: string, body?: unknown, token?: string | null, contentType = 'application/json') =>
  server.api(path, {
    method: 'POST',
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': contentType },
    ...(token === undefined ? {} : { token }),
  });
const postCsv = (id: string, csv: string, token?: string) => post(`/api/sessions/${id}/roster`, csv, token, 'text/csv');

async function newSession(agenda: CreateSessionInput = igfAgenda) {
  return ok(await post('/api/sessions', agenda), 201, SessionCreated);
}
async function view(id: string, token?: string) {
  return ok(await server.api(`/api/sessions/${id}`, token === undefined ? {} : { token }), 200, SessionView);
}
async function audit(id: string, token?: string) {
  return (await ok(await server.api(`/api/sessions/${id}/audit`, token === undefined ? {} : { token }), 200, AuditLog)).entries;
}

/** What the live socket answers a link it refuses: the `connect_error`'s `{ code, message }`. */
async function refusalOf(token: string): Promise<{ code?: string; message?: string } | undefined> {
  const client = liveClient(server.url, token);
  clients.push(client);
  return (await new Promise<{ data?: { code?: string; message?: string } }>((resolve) => client.on('connect_error', resolve))).data;
}

/** Connects live clients and resolves once each has joined the session (so it counts as present). */
async function connect(tokens: string[]): Promise<LiveClient[]> {
  const connected = tokens.map(async (token) => {
    const client = liveClient(server.url, token, { autoConnect: false });
    clients.push(client);
    const welcome = nextEvent(client, 'welcome');
    const first = nextEvent(client, 'state');
    client.connect();
    await first;
    await joinScreen(client, (await welcome).seat);
    return client;
  });
  return Promise.all(connected);
}

describe('health', () => {
  it('answers /healthz and /readyz once sessions have resumed', async () => {
    expect(await (await server.api('/healthz', { token: null })).json()).toEqual({ status: 'ok' });
    const ready = await server.api('/readyz', { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });

  it('reports "starting" on /readyz (503) until unfinished sessions have resumed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-ready-'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    /** The real SQLite store, slow to list the sessions it must resume. */
    class SlowToResume extends SqliteSessionStore {
      override async listActive(): Promise<string[]> {
        await gate;
        return super.listActive();
      }
    }
    const roundtable = createServer(
      { port: 0, host: '127.0.0.1', dataDir, adminToken, publicUrl: undefined, logLevel: 'silent', store: 'sqlite' },
      { store: new SlowToResume(dataDir), logger: pino({ level: 'silent' }) },
    );
    try {
      const listening = roundtable.listen();
      if (!roundtable.httpServer.listening) await once(roundtable.httpServer, 'listening');
      const { port } = roundtable.httpServer.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      const early = await fetch(`${base}/readyz`);
      expect(early.status).toBe(503);
      expect(await early.json()).toEqual({ status: 'starting' });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      release();
      expect(await listening).toBe(base);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok' });
    } finally {
      release();
      await roundtable.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('POST /api/sessions', () => {
  it('creates a session (201) with its id and moderator link', async () => {
    const created = await newSession();
    expect(created.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(created.moderatorLink).toBe(`${server.url}/join#${created.moderatorToken}`);
    const session = await view(created.id);
    expect(session).toMatchObject({ id: created.id, title: igfAgenda.title, status: 'lobby', stepIndex: -1, endsAt: null, version: 1 });
    expect(session.agenda.map((s) => [s.kind, s.minutes, s.advance])).toEqual([
      ['plenary', 5, 'hold'],
      ['breakout', 35, 'hold'],
      ['plenary', 20, 'hold'],
    ]);
    expect(session.presence).toMatchObject({ connected: 0, roster: 0 });
  });

  it('rejects a bad body with 400 BAD_INPUT and details naming the fields', async () => {
    const error = await failure(
      await post('/api/sessions', { title: '', languages: ['english'], agenda: [{ kind: 'plenary', title: 'Opening', minutes: 0 }] }),
      400,
      'BAD_INPUT',
    );
    const fields = (error.details ?? []).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'languages.0', 'agenda.0.minutes']));
    for (const detail of error.details ?? []) expect(detail.problem.length).toBeGreaterThan(0);
    await failure(await post('/api/sessions', { title: 'No agenda', languages: ['en'], agenda: [] }), 400, 'BAD_INPUT');
    await failure(await post('/api/sessions', 'title,languages\n', undefined, 'text/csv'), 400, 'BAD_INPUT');
  });

  it('asks for the admin token: 401 without or with a wrong one, 403 with a moderator link', async () => {
    await failure(await post('/api/sessions', igfAgenda, null), 401, 'UNAUTHORIZED');
    await failure(await post('/api/sessions', igfAgenda, 'not-the-admin-token'), 401, 'UNAUTHORIZED');
    await failure(
      await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(igfAgenda), token: null, headers: { authorization: 'Basic abc' } }),
      401,
      'UNAUTHORIZED',
    );
    const { moderatorToken } = await newSession();
    await failure(await post('/api/sessions', igfAgenda, moderatorToken), 403, 'NOT_ALLOWED');
  });

  it('answers a malformed JSON body with 400 BAD_INPUT', async () => {
    await failure(await post('/api/sessions', '{"title": "Oops",'), 400, 'BAD_INPUT');
  });
});

describe('roster import', () => {
  it('imports the sample rosters of 60 and 1000 people', async () => {
    const small = await newSession();
    const imported60 = await ok(await postCsv(small.id, sampleRoster('roster-60.csv')), 200, RosterImported);
    expect(imported60).toMatchObject({ added: 60, updated: 0 });
    expect(imported60.invitations).toHaveLength(60);
    expect(new Set(imported60.invitations.map((i) => i.link)).size).toBe(60);
    for (const invitation of imported60.invitations) expect(invitation.link.startsWith(`${server.url}/join#`)).toBe(true);
    expect(imported60.invitations.filter((i) => i.role === 'facilitator')).toHaveLength(10);
    expect(imported60.invitations.filter((i) => i.role === 'notetaker')).toHaveLength(10);
    expect(imported60.invitations.filter((i) => i.role === 'observer')).toHaveLength(1);
    expect((await view(small.id)).presence.roster).toBe(60);

    const large = await newSession();
    const imported1000 = await ok(await postCsv(large.id, sampleRoster('roster-1000.csv')), 200, RosterImported);
    expect(imported1000).toMatchObject({ added: 1000, updated: 0 });
    expect((await view(large.id)).presence.roster).toBe(1000);
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside fields, CRLF lines', async () => {
    const { id, moderatorToken } = await newSession({
      ...igfAgenda,
      agenda: [{ kind: 'breakout', title: 'Groups', minutes: 10, groupSize: 3 }],
    });
    const csv = [
      'id,name,language,role,city,"motto, in full"',
      'p1,"Doe, Jane",en,facilitator,"Line one\r\nLine two","a, b"',
      'p2,"He said ""hi""",en|fr,notetaker,Paris,""',
      '"p3",Plain,fr,Participant,"",x',
      '',
    ].join('\r\n');
    const imported = await ok(await postCsv(id, csv), 200, RosterImported);
    expect(imported.added).toBe(3);
    expect(imported.invitations.map((i) => [i.id, i.name, i.role])).toEqual([
      ['p1', 'Doe, Jane', 'facilitator'],
      ['p2', 'He said "hi"', 'notetaker'],
      ['p3', 'Plain', 'participant'],
    ]);
    // The private columns show in the moderator's view of the groups.
    await connect(imported.invitations.map((i) => i.link.split('#')[1]!));
    await post(`/api/sessions/${id}/agenda/start`, undefined, moderatorToken);
    const session = await view(id, moderatorToken);
    const members = new Map(session.groups!.flatMap((g) => g.members).map((m) => [m.id, m]));
    expect(members.get('p1')!.attributes).toEqual({ city: 'Line one\r\nLine two', 'motto, in full': 'a, b' });
    expect(members.get('p2')!.attributes).toEqual({ city: 'Paris' });
    expect(members.get('p3')!.attributes).toEqual({ 'motto, in full': 'x' });
  });

  it('rejects a file with problems as a whole, naming each problem with its line and field', async () => {
    const { id } = await newSession();
    await ok(await postCsv(id, rosterCsv(3)), 200, RosterImported);
    const before = await view(id);
    const auditBefore = await audit(id);

    const bad = [
      'id,name,language,role', // 1
      'p01,"Renamed', // 2: a record over two lines
      'on two lines",en,participant', // 3
      'p50,Bob,en,chief', // 4: bad role
      '', // 5: empty lines are skipped but counted
      'p51,Carl,english,participant', // 6: bad language
      'p50,Dup,en,participant', // 7: duplicate id
      'p52,"Dee', // 8: a bad role in a record over two lines
      'Dee",fr,boss', // 9
      ',Nobody,en,participant', // 10: empty id
      'p53,Eve,en,participant', // 11: fine
    ];
    for (const eol of ['\n', '\r\n']) {
      const error = await failure(await postCsv(id, bad.join(eol) + eol), 400, 'BAD_INPUT');
      expect(error.details!.map((d) => [d.line, d.field])).toEqual([
        [4, 'role'],
        [6, 'language'],
        [7, 'id'],
        [8, 'role'],
        [10, 'id'],
      ]);
      expect(error.details![2]!.problem).toMatch(/line 4/);
    }

    const cases: Array<{ csv: string; line: number; field: string | null }> = [
      { csv: 'name,language,role\nAda,en,participant\n', line: 1, field: 'id' },
      { csv: '', line: 1, field: null },
      { csv: '\n\n', line: 1, field: null },
      { csv: 'id,name\n', line: 2, field: null },
      { csv: 'id,name\r\np1,"Multi\r\nline"\r\np2,Ann,extra\r\n', line: 4, field: null },
      { csv: 'id,name,id\np1,a,b\n', line: 1, field: 'id' },
      { csv: '\ufeffid,name,role\r\np1,"A\r\nB",participant\r\np2,C,boss\r\n', line: 4, field: 'role' },
      { csv: '\r\n\r\nname\r\nAda\r\n', line: 3, field: 'id' },
    ];
    for (const { csv, line, field } of cases) {
      const error = await failure(await postCsv(id, csv), 400, 'BAD_INPUT');
      expect(error.details, csv).toHaveLength(1);
      expect(error.details![0], csv).toMatchObject({ line, field });
      expect(error.details![0]!.problem.length).toBeGreaterThan(0);
    }

    // Nothing was imported: neither the good rows of the bad files nor any change.
    const after = await view(id);
    expect(after.presence.roster).toBe(before.presence.roster);
    expect(after.version).toBe(before.version);
    expect(await audit(id)).toEqual(auditBefore);
  });

  it('updates people by id on a second import instead of adding them again', async () => {
    const { id } = await newSession();
    await ok(await postCsv(id, sampleRoster('roster-60.csv')), 200, RosterImported);
    const again = await ok(await postCsv(id, sampleRoster('roster-60.csv')), 200, RosterImported);
    expect(again).toMatchObject({ added: 0, updated: 60 });
    const mixed = await ok(await postCsv(id, 'id,name,language\np00001,Renamed,en\np00061,Newcomer,fr\n'), 200, RosterImported);
    expect(mixed).toMatchObject({ added: 1, updated: 1 });
    expect(mixed.invitations.map((i) => [i.id, i.name])).toEqual([
      ['p00001', 'Renamed'],
      ['p00061', 'Newcomer'],
    ]);
    expect((await view(id)).presence.roster).toBe(61);
  });

  it('keeps invite links valid when a person is updated', async () => {
    const { id, tokens } = await createSession(server, rosterCsv(2));
    await ok(await postCsv(id, 'id,name,language,role\np01,Renamed,fr,notetaker\n'), 200, RosterImported);
    const client = liveClient(server.url, tokens.get('p01')!);
    clients.push(client);
    expect(await nextEvent(client, 'welcome')).toMatchObject({ seat: { memberId: 'p01', name: 'Renamed', role: 'notetaker', languages: ['fr'] } });
  });

  it('imports JSON rosters, as an array or as { participants }, with attributes', async () => {
    const { id, moderatorToken } = await newSession({ ...igfAgenda, agenda: [{ kind: 'breakout', title: 'Groups', minutes: 10, groupSize: 3 }] });
    const imported = await ok(
      await post(`/api/sessions/${id}/roster`, [
        { id: 'j1', name: 'Ana', language: ['en', 'fr'], role: 'facilitator', attributes: { country: 'BR' }, age_band: '30-44' },
        { id: 2, name: 'Bo', language: 'fr', role: 'rapporteur', country: 'SN' },
        { id: 'j3', email: 'c@example.org' },
      ]),
      200,
      RosterImported,
    );
    expect(imported).toMatchObject({ added: 3, updated: 0 });
    expect(imported.invitations.map((i) => [i.id, i.name, i.role])).toEqual([
      ['j1', 'Ana', 'facilitator'],
      ['2', 'Bo', 'notetaker'],
      ['j3', 'j3', 'participant'],
    ]);
    await connect(imported.invitations.map((i) => i.link.split('#')[1]!));
    await post(`/api/sessions/${id}/agenda/start`, undefined, moderatorToken);
    const members = new Map((await view(id)).groups!.flatMap((g) => g.members).map((m) => [m.id, m]));
    expect(members.get('j1')!.attributes).toEqual({ country: 'BR', age_band: '30-44' });
    expect(members.get('2')!.attributes).toEqual({ country: 'SN' });
    expect(members.get('j3')!.attributes).toEqual({});

    const wrapped = await ok(
      await post(`/api/sessions/${id}/roster`, { participants: [{ id: 'j1', name: 'Ana Maria', role: 'facilitator' }, { id: 'j4', name: 'Dee' }] }),
      200,
      RosterImported,
    );
    expect(wrapped).toMatchObject({ added: 1, updated: 1 });
    expect((await view(id)).presence.roster).toBe(4);

    const error = await failure(
      await post(`/api/sessions/${id}/roster`, [{ id: 'j5', role: 'boss' }, { id: 'j6', language: 'english' }, { id: '' }]),
      400,
      'BAD_INPUT',
    );
    expect(error.details!.map((d) => [d.line, d.field])).toEqual([
      [2, 'role'],
      [3, 'language'],
      [4, 'id'],
    ]);
    await failure(await post(`/api/sessions/${id}/roster`, { people: [] }), 400, 'BAD_INPUT');
    expect((await view(id)).presence.roster).toBe(4);
  });

  it('lets only the organizer import', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(2));
    await failure(await postCsv(id, rosterCsv(3), moderatorToken), 403, 'NOT_ALLOWED');
    await failure(await postCsv(id, rosterCsv(3), tokens.get('p01')!), 403, 'NOT_ALLOWED');
    await failure(await postCsv(id, rosterCsv(3), 'forged'), 401, 'UNAUTHORIZED');
    await failure(await postCsv('no-such-session', rosterCsv(3)), 404, 'NOT_FOUND');
    expect((await view(id)).presence.roster).toBe(2);
  });
});

describe('GET /api/sessions/:id', () => {
  it('shows the session to the organizer and its moderator, not to participants or other sessions', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(5));
    const asAdmin = await view(id);
    const asModerator = await view(id, moderatorToken);
    for (const v of [asAdmin, asModerator]) {
      expect(v).toMatchObject({ id, status: 'lobby', stepIndex: -1, serverNow: clock.now(), presence: { roster: 5, connected: 0 } });
      expect(v.groups).toEqual([]);
      expect(v.helpCalls).toEqual([]);
    }
    await failure(await server.api(`/api/sessions/${id}`, { token: tokens.get('p03')! }), 403, 'NOT_ALLOWED');
    await failure(await server.api(`/api/sessions/${id}`, { token: null }), 401, 'UNAUTHORIZED');
    const other = await newSession();
    await failure(await server.api(`/api/sessions/${id}`, { token: other.moderatorToken }), 401, 'UNAUTHORIZED');
    await failure(await server.api('/api/sessions/does-not-exist'), 404, 'NOT_FOUND');
  });

  it('authenticates before it looks: an unknown id and a bad token get the same 401, and nothing is loaded for a stranger', async () => {
    await server.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-auth-first-'));
    const loads: string[] = [];
    class CountingStore extends SqliteSessionStore {
      override async load(id: string) {
        loads.push(id);
        return super.load(id);
      }
    }
    server = await startServer({ clock, store: new CountingStore(dataDir), config: { dataDir } });
    try {
      const { id, moderatorToken } = await createSession(server, rosterCsv(3));
      const other = await newSession();
      const answers = [];
      for (const [path, token] of [
        [`/api/sessions/${id}`, 'not-a-token'],
        ['/api/sessions/does-not-exist', 'not-a-token'],
        [`/api/sessions/${id}`, null],
        ['/api/sessions/does-not-exist', null],
        // A valid link of another session proves nothing here either.
        [`/api/sessions/${id}`, other.moderatorToken],
        ['/api/sessions/does-not-exist', other.moderatorToken],
        ['/api/sessions/does-not-exist/notes', moderatorToken],
      ] as const) {
        answers.push((await failure(await server.api(path, { token }), 401, 'UNAUTHORIZED')).message);
      }
      // Each pair (a real id, an unknown one) gets word for word the same answer.
      for (const i of [0, 2, 4]) expect(answers[i]).toBe(answers[i + 1]);
      expect(loads).toEqual([]);
      await failure(await server.api('/api/sessions/does-not-exist'), 404, 'NOT_FOUND');
      expect(loads).toEqual(['does-not-exist']);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      server = await startServer({ clock });
    }
  });
});

describe('the data directory', () => {
  it('is 0700, and the SQLite file, its WAL and SHM, the admin token and the signing key are 0600', async () => {
    await server.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-modes-'));
    try {
      server = await startServer({ clock, config: { dataDir, adminToken: undefined } });
      await ok(await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(igfAgenda), token: server.roundtable.adminToken }), 201, SessionCreated);
      const mode = (name: string) => (statSync(join(dataDir, name)).mode & 0o777).toString(8);
      expect(mode('.')).toBe('700');
      for (const file of ['roundtable.sqlite', 'roundtable.sqlite-wal', 'roundtable.sqlite-shm', 'admin-token', 'signing-key']) {
        expect([file, mode(file)]).toEqual([file, '600']);
      }
      expect(readdirSync(dataDir).sort()).toEqual(['admin-token', 'roundtable.sqlite', 'roundtable.sqlite-shm', 'roundtable.sqlite-wal', 'signing-key']);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      server = await startServer({ clock });
    }
  });
});

describe('agenda commands', () => {
  const agenda = (id: string, command: string, body?: unknown, token?: string | null) => post(`/api/sessions/${id}/agenda/${command}`, body, token);

  it('start, pause, extend, resume, next, goto and end rewrite status and endsAt; refusals are 409 and change nothing', async () => {
    const { id, moderatorToken } = await createSession(server, rosterCsv(6));
    const t0 = clock.now();
    const run = (command: string, body?: unknown) => agenda(id, command, body, moderatorToken);
    const refused = async (command: string, body: unknown, status: number, code: string) => {
      const before = await view(id);
      await failure(await run(command, body), status, code);
      const after = await view(id);
      expect(after.version).toBe(before.version);
      expect([after.status, after.stepIndex, after.endsAt, after.remainingMs]).toEqual([before.status, before.stepIndex, before.endsAt, before.remainingMs]);
    };

    await refused('next', undefined, 409, 'CONFLICT');
    await refused('pause', undefined, 409, 'CONFLICT');
    await refused('resume', undefined, 409, 'CONFLICT');
    await refused('extend', { minutes: 5 }, 409, 'CONFLICT');

    let v = await ok(await run('start'), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 0, endsAt: t0 + 5 * minute, remainingMs: null });
    await refused('start', undefined, 409, 'CONFLICT');
    await refused('resume', undefined, 409, 'CONFLICT');

    clock.advance(2 * minute);
    v = await ok(await run('pause'), 200, SessionView);
    expect(v).toMatchObject({ status: 'paused', stepIndex: 0, endsAt: null, remainingMs: 3 * minute });
    await refused('pause', undefined, 409, 'CONFLICT');
    v = await ok(await run('extend', { minutes: 2 }), 200, SessionView);
    expect(v).toMatchObject({ status: 'paused', endsAt: null, remainingMs: 5 * minute });
    v = await ok(await run('extend', { minutes: -1.5 }), 200, SessionView);
    expect(v.remainingMs).toBe(3.5 * minute);

    clock.advance(10 * minute); // a paused step does not run down
    v = await ok(await run('resume'), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 0, endsAt: clock.now() + 3.5 * minute, remainingMs: null });
    const resumedEndsAt = v.endsAt!;
    v = await ok(await run('extend', { minutes: 3 }), 200, SessionView);
    expect(v.endsAt).toBe(resumedEndsAt + 3 * minute);
    v = await ok(await run('extend', { minutes: -1 }), 200, SessionView);
    expect(v.endsAt).toBe(resumedEndsAt + 2 * minute);
    v = await ok(await run('extend', { minutes: -60 }), 200, SessionView);
    expect(v.endsAt).toBe(clock.now()); // shortening stops at zero

    await refused('extend', { minutes: 0 }, 400, 'BAD_INPUT');
    await refused('extend', {}, 400, 'BAD_INPUT');
    await refused('extend', undefined, 400, 'BAD_INPUT');
    await refused('extend', { minutes: '2' }, 400, 'BAD_INPUT');
    await refused('goto', {}, 400, 'BAD_INPUT');
    await refused('goto', { step: -1 }, 400, 'BAD_INPUT');
    await refused('goto', { step: 3 }, 400, 'BAD_INPUT');
    await refused('fly', undefined, 404, 'NOT_FOUND');

    clock.advance(minute);
    v = await ok(await run('next'), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 1, endsAt: clock.now() + 35 * minute });
    v = await ok(await run('goto', { step: 0 }), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 0, endsAt: clock.now() + 5 * minute });
    v = await ok(await run('goto', { step: 2 }), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 2, endsAt: clock.now() + 20 * minute });
    v = await ok(await run('end'), 200, SessionView);
    expect(v).toMatchObject({ status: 'ended', endsAt: null, remainingMs: null });
    for (const command of ['start', 'next', 'pause', 'resume', 'end']) await refused(command, undefined, 409, 'CONFLICT');
    await refused('extend', { minutes: 1 }, 409, 'CONFLICT');
    await refused('goto', { step: 0 }, 409, 'CONFLICT');
  });

  it('ends the session on next after the last step', async () => {
    const { id, moderatorToken } = await createSession(server, rosterCsv(2), {
      ...igfAgenda,
      agenda: [{ kind: 'plenary', title: 'Only step', minutes: 1 }],
    });
    await ok(await agenda(id, 'start', undefined, moderatorToken), 200, SessionView);
    const v = await ok(await agenda(id, 'next', undefined, moderatorToken), 200, SessionView);
    expect(v).toMatchObject({ status: 'ended', stepIndex: 0, endsAt: null });
  });

  it('is driven by the organizer and moderators only', async () => {
    const { id, tokens } = await createSession(server, rosterCsv(6));
    await ok(await agenda(id, 'start', undefined, adminToken), 200, SessionView);
    for (const member of ['p01', 'p02', 'p03']) {
      await failure(await agenda(id, 'next', undefined, tokens.get(member)!), 403, 'NOT_ALLOWED');
      await failure(await agenda(id, 'extend', { minutes: 5 }, tokens.get(member)!), 403, 'NOT_ALLOWED');
    }
    await failure(await agenda(id, 'next', undefined, null), 401, 'UNAUTHORIZED');
    expect(await view(id)).toMatchObject({ stepIndex: 0, version: 3 });
  });

  it('ignores a "type" in the body: the path names the command', async () => {
    const { id, moderatorToken } = await createSession(server, rosterCsv(2));
    const v = await ok(await agenda(id, 'start', { type: 'end' }, moderatorToken), 200, SessionView);
    expect(v).toMatchObject({ status: 'running', stepIndex: 0 });
  });
});

describe('broadcasts and invitations over REST', () => {
  it('broadcasts to everyone (202) and refuses a group broadcast while no groups meet', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(5));
    const [listener] = await connect([tokens.get('p01')!]);
    const heard = nextEvent(listener!, 'broadcast');
    expect(await ok(await post(`/api/sessions/${id}/broadcast`, { text: 'Welcome, everyone' }, moderatorToken), 202, z.object({ sent: z.literal(true) }))).toEqual({ sent: true });
    expect(await heard).toMatchObject({ text: 'Welcome, everyone', groupId: null, from: null, serverNow: clock.now() });
    await failure(await post(`/api/sessions/${id}/broadcast`, { text: '   ' }, moderatorToken), 400, 'BAD_INPUT');
    await failure(await post(`/api/sessions/${id}/broadcast`, { text: 'Group 1', groupId: 'g1' }, moderatorToken), 409, 'CONFLICT');
    await failure(await post(`/api/sessions/${id}/broadcast`, { text: 'Hi' }, tokens.get('p02')!), 403, 'NOT_ALLOWED');
  });

  it('revokes invite links: the organizer only; the old link stops working', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(3));
    await failure(await post(`/api/sessions/${id}/invites/revoke`, { memberId: 'p01' }, moderatorToken), 403, 'NOT_ALLOWED');
    await failure(await post(`/api/sessions/${id}/invites/revoke`, {}), 400, 'BAD_INPUT');
    await failure(await post(`/api/sessions/${id}/invites/revoke`, { memberId: 'nobody' }), 404, 'NOT_FOUND');
    expect(await (await post(`/api/sessions/${id}/invites/revoke`, { memberId: 'p01' })).json()).toEqual({ revoked: 'p01' });
    expect((await refusalOf(tokens.get('p01')!))?.code).toBe('UNAUTHORIZED');
    // A new import hands out links that work again.
    const reissued = await ok(await postCsv(id, 'id,name\np01,Person 1\n'), 200, RosterImported);
    await connect([reissued.invitations[0]!.link.split('#')[1]!]);

    expect(await (await post(`/api/sessions/${id}/invites/revoke`, { memberId: '@moderator' })).json()).toEqual({ revoked: '@moderator' });
    await failure(await server.api(`/api/sessions/${id}`, { token: moderatorToken }), 401, 'UNAUTHORIZED');
  });

  it('revokes in bulk: every participant’s link at once, or everyone’s with the moderator link', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(6, { moderators: 1 }));
    const revoke = (body: unknown, token?: string) => post(`/api/sessions/${id}/invites/revoke`, body, token);
    await failure(await revoke({ all: 'participants' }, moderatorToken), 403, 'NOT_ALLOWED');
    await failure(await revoke({ all: 'somebody' }), 400, 'BAD_INPUT');
    const before = await audit(id);
    expect(await (await revoke({ all: 'participants' })).json()).toEqual({ all: 'participants', revoked: 6 });
    expect((await audit(id)).slice(before.length).map((e) => [e.action, e.detail])).toEqual([['invite.revoke', { all: 'participants', count: 6 }]]);
    for (const p of ['p01', 'p02', 'p06']) expect((await refusalOf(tokens.get(p)!))?.code).toBe('UNAUTHORIZED');
    // Staff links still work.
    await connect([tokens.get('m1')!]);
    await view(id, moderatorToken);

    expect(await (await revoke({ all: 'everyone' })).json()).toEqual({ all: 'everyone', revoked: 7 });
    expect((await refusalOf(tokens.get('m1')!))?.code).toBe('UNAUTHORIZED');
    await failure(await server.api(`/api/sessions/${id}`, { token: moderatorToken }), 401, 'UNAUTHORIZED');
  });
});

describe('invitation expiry', () => {
  const day = 24 * 60 * minute;

  it('ends every link some days after the session ends (INVITE_DAYS_AFTER_END, 7 by default) with LINK_EXPIRED', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(3));
    await ok(await post(`/api/sessions/${id}/agenda/start`, undefined, moderatorToken), 200, SessionView);
    // p01 joins while the session is on: once it has ended, nobody can join any more, but who took part can come back.
    const [during] = await connect([tokens.get('p01')!]);
    clock.advance(minute);
    await ok(await post(`/api/sessions/${id}/agenda/end`, undefined, moderatorToken), 200, SessionView);
    during!.close();
    clock.advance(7 * day - 1);
    await view(id, moderatorToken);
    await connect([tokens.get('p01')!]);
    clock.advance(1);
    const expired = await failure(await server.api(`/api/sessions/${id}`, { token: moderatorToken }), 401, 'LINK_EXPIRED');
    expect(expired.message).toMatch(/expired/);
    expect((await refusalOf(tokens.get('p02')!))?.code).toBe('LINK_EXPIRED');
    // The organizer's admin token is not an invitation.
    await view(id);
  });

  it('takes the number of days from the configuration', async () => {
    await server.close();
    server = await startServer({ clock, config: { inviteDaysAfterEnd: 1 } });
    const { id, moderatorToken } = await createSession(server, rosterCsv(3));
    await ok(await post(`/api/sessions/${id}/agenda/end`, undefined, moderatorToken), 200, SessionView);
    clock.advance(day);
    await failure(await server.api(`/api/sessions/${id}`, { token: moderatorToken }), 401, 'LINK_EXPIRED');
  });

  it('issues links with their own expiry when the roster import asks (expiresAt, ISO 8601)', async () => {
    const { id } = await newSession();
    await failure(await post(`/api/sessions/${id}/roster?expiresAt=tomorrow`, 'id,name\np01,Ama\n', adminToken, 'text/csv'), 400, 'BAD_INPUT');
    const at = new Date(clock.now() + 2 * day).toISOString();
    const imported = await ok(await post(`/api/sessions/${id}/roster?expiresAt=${encodeURIComponent(at)}`, 'id,name\np01,Ama\n', adminToken, 'text/csv'), 200, RosterImported);
    const token = imported.invitations[0]!.link.split('#')[1]!;
    clock.advance(2 * day - 1000);
    await connect([token]);
    clock.advance(1000);
    expect((await refusalOf(token))?.code).toBe('LINK_EXPIRED');
  });

  it('closes a connection that is open when its link expires; its reconnect is told LINK_EXPIRED', async () => {
    const { id } = await newSession();
    const at = new Date(clock.now() + day).toISOString();
    const imported = await ok(await post(`/api/sessions/${id}/roster?expiresAt=${encodeURIComponent(at)}`, 'id,name\np01,Ama\np02,Ben\n', adminToken, 'text/csv'), 200, RosterImported);
    const [ama] = await connect([imported.invitations[0]!.link.split('#')[1]!]);
    const closed = new Promise<string>((resolve) => ama!.once('disconnect', resolve));
    const refused = new Promise<unknown>((resolve) => ama!.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data)));
    clock.advance(day - 1);
    expect(ama!.connected).toBe(true);
    clock.advance(1);
    expect(await closed).toBe('io server disconnect');
    // The client comes back by itself after a server-side close, and learns why it may not.
    ama!.connect();
    expect(await refused).toMatchObject({ code: 'LINK_EXPIRED' });
  });

  it('closes the connections still open some days after the session ended', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(3));
    await ok(await post(`/api/sessions/${id}/agenda/start`, undefined, moderatorToken), 200, SessionView);
    const [lingering] = await connect([tokens.get('p01')!]);
    const closed = new Promise<string>((resolve) => lingering!.once('disconnect', resolve));
    await ok(await post(`/api/sessions/${id}/agenda/end`, undefined, moderatorToken), 200, SessionView);
    clock.advance(7 * day - 1);
    expect(lingering!.connected).toBe(true);
    clock.advance(1);
    expect(await closed).toBe('io server disconnect');
  });
});

describe('audit log', () => {
  it('lists every action with its actor, time and versions, and the group assignment with its seed', async () => {
    const { id, moderatorToken, tokens } = await createSession(server, rosterCsv(10));
    await failure(await server.api(`/api/sessions/${id}/audit`, { token: tokens.get('p01')! }), 403, 'NOT_ALLOWED');
    await connect([...tokens.values()]);
    const run = async (command: string, body?: unknown, token = moderatorToken) =>
      ok(await post(`/api/sessions/${id}/agenda/${command}`, body, token), 200, SessionView);
    const times: number[] = [];
    const step = async (ms: number, command: string, body?: unknown, token?: string) => {
      clock.advance(ms);
      times.push(clock.now());
      return run(command, body, token);
    };
    await step(minute, 'start');
    await step(minute, 'pause');
    await step(minute, 'extend', { minutes: 2 });
    await step(minute, 'resume', undefined, adminToken);
    const breakout = await step(minute, 'next');
    await step(minute, 'end');

    const all = await audit(id, moderatorToken);
    // Each person joined (agreed to the terms) before the session started.
    const joins = all.filter((e) => e.action === 'join');
    expect(joins.map((e) => e.actor.split(':')[1]).sort()).toEqual([...tokens.keys()].sort());
    const entries = all.filter((e) => e.action !== 'join');
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['session.create', 'organizer'],
      ['roster.import', 'organizer'],
      ['start', 'moderator'],
      ['pause', 'moderator'],
      ['extend', 'moderator'],
      ['resume', 'organizer'],
      // Extended to 7 minutes, the opening now has room for its 5-minute warning, said by the clock.
      ['warning', 'clock'],
      ['next', 'moderator'],
      ['end', 'moderator'],
    ]);
    expect(entries.slice(2).filter((e) => e.actor !== 'clock').map((e) => e.at)).toEqual(times);
    for (const e of all) expect(e.atIso).toBe(new Date(e.at).toISOString());
    expect(all[0]!.fromVersion).toBe(0);
    for (const [i, e] of all.entries()) {
      expect(e.toVersion).toBe(e.fromVersion + 1);
      if (i > 0) {
        expect(e.fromVersion).toBe(all[i - 1]!.toVersion);
        expect(e.at).toBeGreaterThanOrEqual(all[i - 1]!.at);
      }
    }
    expect(entries.at(-1)!.toVersion).toBe((await view(id)).version);

    const assignment = entries[7]!.detail.breakout as { seed: number; algorithm: string; algorithmVersion: string; groups: Array<{ id: string; members: string[] }> };
    expect(assignment.algorithm).toBe('diverse-exchange');
    expect(typeof assignment.algorithmVersion).toBe('string');
    expect(assignment.seed).toBe(breakout.assignment!.seed);
    expect(assignment.groups.map((g) => [g.id, g.members])).toEqual(breakout.groups!.map((g) => [g.id, g.members.map((m) => m.id)]));
    expect(assignment.groups.flatMap((g) => g.members).sort()).toEqual([...tokens.keys()].sort());
    expect(entries[5]!.detail).toMatchObject({ endsAt: times[3]! + 6 * minute });
  });

  it('records what the agenda clock does by itself', async () => {
    const { id, tokens } = await createSession(server, rosterCsv(2), {
      ...igfAgenda,
      agenda: [
        { kind: 'plenary', title: 'Opening', minutes: 10, advance: 'auto' },
        { kind: 'plenary', title: 'Closing', minutes: 10 },
      ],
    });
    const [listener] = await connect([tokens.get('p01')!]);
    const start = await ok(await post(`/api/sessions/${id}/agenda/start`), 200, SessionView);
    const advanced = nextEvent(listener!, 'state', (s) => s.stepIndex === 1);
    clock.advance(10 * minute);
    await advanced;
    const clockEntries = (await audit(id)).filter((e) => e.actor === 'clock');
    expect(clockEntries.map((e) => e.action)).toEqual(['auto-advance']);
    expect(clockEntries[0]).toMatchObject({ at: start.endsAt, detail: { fromStep: 0, toStep: 1, endsAt: start.endsAt! + 10 * minute } });
  });
});

describe('routes and documents', () => {
  /** Every route the router serves; a new route must be added here and to the OpenAPI document. */
  const served: Array<[method: string, path: string]> = [
    ['get', '/'],
    ['get', '/healthz'],
    ['get', '/readyz'],
    ['get', '/metrics'],
    ['get', '/api/openapi.json'],
    ['post', '/api/sessions'],
    ['get', '/api/sessions/{id}'],
    ['post', '/api/sessions/{id}/roster'],
    ['post', '/api/sessions/{id}/invites/revoke'],
    ['post', '/api/sessions/{id}/agenda/start'],
    ['post', '/api/sessions/{id}/agenda/next'],
    ['post', '/api/sessions/{id}/agenda/goto'],
    ['post', '/api/sessions/{id}/agenda/pause'],
    ['post', '/api/sessions/{id}/agenda/resume'],
    ['post', '/api/sessions/{id}/agenda/extend'],
    ['post', '/api/sessions/{id}/agenda/end'],
    ['post', '/api/sessions/{id}/agenda/keep-open'],
    ['post', '/api/sessions/{id}/broadcast'],
    ['get', '/api/sessions/{id}/audit'],
    ['post', '/api/sessions/{id}/groups/preview'],
    ['post', '/api/sessions/{id}/groups/move'],
    ['post', '/api/sessions/{id}/groups/lock'],
    ['get', '/api/sessions/{id}/notes'],
    ['get', '/api/sessions/{id}/speaking'],
    ['get', '/api/sessions/{id}/votes'],
    ['post', '/api/events'],
    ['get', '/api/events/{id}'],
    ['put', '/api/events/{id}/questionnaire'],
    ['post', '/api/events/{id}/sessions'],
    ['post', '/api/events/{id}/pool'],
    ['post', '/api/events/{id}/sample'],
    ['post', '/api/events/{id}/control-links'],
    ['get', '/api/events/{id}/report'],
    ['get', '/api/events/{id}/export'],
    ['post', '/api/events/{id}/erase'],
    ['get', '/api/events/{id}/audit'],
    ['get', '/api/survey'],
    ['put', '/api/survey/answers'],
  ];

  it('describes every served route in an OpenAPI 3.1 document', async () => {
    const res = await server.api('/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { title: string }; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('Roundtable');
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
        .map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(served.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('serves every listed route (none falls through to the 404 handler)', async () => {
    const { id } = await newSession();
    for (const [method, path] of served) {
      const res = await server.api(path.replace('{id}', id), { method: method.toUpperCase(), ...(method === 'post' ? { body: '{}' } : {}) });
      const text = await res.text();
      expect(text, `${method} ${path}`).not.toMatch(/Nothing at/);
    }
  });

  it('answers unknown routes with 404 in the common error shape', async () => {
    await failure(await server.api('/nowhere', { token: null }), 404, 'NOT_FOUND');
    await failure(await server.api('/api/nowhere'), 404, 'NOT_FOUND');
    await failure(await server.api('/api/sessions', { method: 'DELETE' }), 404, 'NOT_FOUND');
    await failure(await server.api('/api/sessions'), 404, 'NOT_FOUND');
  });

  it('serves an HTML page at /', async () => {
    const res = await server.api('/', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('/api/openapi.json');
  });
});

describe('security headers over http and https', () => {
  const headersOf = async (base: RunningServer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base.url}/`, { headers });
    await res.text();
    return { csp: res.headers.get('content-security-policy') ?? '', hsts: res.headers.get('strict-transport-security') };
  };

  it('over plain http: a CSP without upgrade-insecure-requests and no HSTS, so a LAN address works', async () => {
    const { csp, hsts } = await headersOf(server);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeNull();
  });

  it('behind a trusted proxy that says https (loopback by default), and with an https PUBLIC_URL: both', async () => {
    const proxied = await headersOf(server, { 'x-forwarded-proto': 'https' });
    expect(proxied.csp).toContain('upgrade-insecure-requests');
    expect(proxied.hsts).toMatch(/max-age=\d+/);
    await server.close();
    server = await startServer({ clock, config: { publicUrl: 'https://roundtable.example.org' } });
    const configured = await headersOf(server);
    expect(configured.csp).toContain('upgrade-insecure-requests');
    expect(configured.hsts).toMatch(/max-age=\d+/);
  });

  it('believes X-Forwarded-Proto only from the proxies TRUST_PROXY names', async () => {
    await server.close();
    server = await startServer({ clock, config: { trustProxy: false } });
    const { csp, hsts } = await headersOf(server, { 'x-forwarded-proto': 'https' });
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(hsts).toBeNull();
  });
});
