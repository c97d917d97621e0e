import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../support/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, RosterImported } from '../../shared/api';
import { SessionCreated, SessionView, type CreateSessionInput } from '../../shared/session';
import { adminToken, igfAgenda, joinScreen, liveClient, nextEvent, rosterCsv, type LiveClient } from '../support/test-server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const minute = 60_000;

const children = new Set<ChildProcess>();
const clients: LiveClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all([...children].map((child) => kill(child)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A port nobody listens on now: the OS picks one for a moment, then lets it go. */

interface Running {
  child: ChildProcess;
  url: string;
  api(path: string, init?: { method?: string; body?: string; contentType?: string; token?: string }): Promise<Response>;
}

/** `node --import tsx server/src/main.ts` as operators run it; resolves when it says it is running. */
async function start(dataDir: string, port: number): Promise<Running> {
  const { PUBLIC_URL: _links, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'info',
      STORE: 'sqlite',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Roundtable is running at (\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code, signal) => reject(new Error(`Roundtable exited (${code ?? signal}) before it was running:\n${stdout}\n${stderr}`)));
  });
  return {
    child,
    url,
    api(path, init = {}) {
      return fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.token ?? adminToken}`,
          ...(init.body === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
      });
    },
  };
}

/** kill -9, and wait until the process is gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

async function json<T>(res: Response, status: number, schema: { parse(x: unknown): T }): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

async function createSession(server: Running, agenda: CreateSessionInput, roster: string) {
  const created = await json(await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(agenda) }), 201, SessionCreated);
  const imported = await json(
    await server.api(`/api/sessions/${created.id}/roster`, { method: 'POST', body: roster, contentType: 'text/csv' }),
    200,
    RosterImported,
  );
  return { ...created, tokens: new Map(imported.invitations.map((i) => [i.id, i.link.split('#')[1]!])) };
}

const view = async (server: Running, id: string) => json(await server.api(`/api/sessions/${id}`), 200, SessionView);
const auditOf = async (server: Running, id: string) => (await json(await server.api(`/api/sessions/${id}/audit`), 200, AuditLog)).entries;
const agenda = async (server: Running, id: string, command: string) =>
  json(await server.api(`/api/sessions/${id}/agenda/${command}`, { method: 'POST' }), 200, SessionView);

/** Connects with an invite token and, unless only opening it, joins if not joined before; resolves with the client and its first state. */
async function connect(url: string, token: string, options: { open?: boolean } = {}): Promise<{ client: LiveClient; first: SessionView }> {
  const client = liveClient(url, token, { autoConnect: false });
  clients.push(client);
  const welcome = nextEvent(client, 'welcome');
  const first = nextEvent(client, 'state');
  client.connect();
  const view = SessionView.parse(await first);
  if (!options.open) await joinScreen(client, (await welcome).seat);
  return { client, first: view };
}

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-crash-'));
  dirs.push(dir);
  return dir;
}

const shapeOf = (groups: SessionView['groups']) => (groups ?? []).map((g) => ({ id: g.id, language: g.language, members: g.members.map((m) => [m.id, m.role]) }));

describe('kill -9 and restart on the same data directory', () => {
  it('comes back at the same step, status, deadline, groups and version; an old invite link keeps its seat', async () => {
    const dataDir = newDataDir();
    const port = await freePort();
    const first = await start(dataDir, port);
    const { id, tokens } = await createSession(first, igfAgenda, rosterCsv(12));
    const people = await Promise.all([...tokens.values()].map((token) => connect(first.url, token)));
    await agenda(first, id, 'start');
    const breakout = await agenda(first, id, 'next');
    expect(breakout.stepIndex).toBe(1);
    expect(breakout.groups!.flatMap((g) => g.members.map((m) => m.id)).sort()).toEqual([...tokens.keys()].sort());
    const before = await view(first, id);
    const auditBefore = await auditOf(first, id);

    await kill(first.child);
    await Promise.all(people.map(({ client }) => client.connected && new Promise<void>((resolve) => client.once('disconnect', () => resolve()))));

    const second = await start(dataDir, port);
    const after = await view(second, id);
    expect(after.stepIndex).toBe(before.stepIndex);
    expect(after.status).toBe('running');
    expect(after.endsAt).toBe(before.endsAt);
    expect(after.remainingMs).toBe(before.remainingMs);
    expect(after.version).toBe(before.version);
    expect(shapeOf(after.groups)).toEqual(shapeOf(before.groups));
    expect(after.assignment).toEqual(before.assignment);
    expect(after.presence).toMatchObject({ connected: 0, roster: 12 });
    expect(await auditOf(second, id)).toEqual(auditBefore);

    // p04's link from before the crash still seats p04 in its group.
    const seat = before.groups!.find((g) => g.members.some((m) => m.id === 'p04'))!;
    const { client, first: state } = await connect(second.url, tokens.get('p04')!);
    expect(state).toMatchObject({ stepIndex: 1, status: 'running', endsAt: before.endsAt, version: before.version });
    expect(state.group!.id).toBe(seat.id);
    expect(state.group!.members.map((m) => m.id)).toEqual(seat.members.map((m) => m.id));
    expect(client.connected).toBe(true);
    expect((await view(second, id)).version).toBe(before.version);
  });

  /**
   * Starts a session whose first step lasts 3 s, kills the server with SIGKILL before that deadline,
   * and restarts it on the same data directory and port.
   */
  async function killMidStep(advance: 'auto' | 'hold', nextMinutes: number) {
    const dataDir = newDataDir();
    const port = await freePort();
    const first = await start(dataDir, port);
    const { id, tokens } = await createSession(
      first,
      {
        ...igfAgenda,
        agenda: [
          // Long enough that the kill lands before the deadline even on a busy machine.
          { kind: 'plenary', title: 'Welcome (3 seconds)', minutes: 0.05, advance },
          { kind: 'plenary', title: 'Opening', minutes: nextMinutes, advance: 'hold' },
        ],
      },
      rosterCsv(3),
    );
    const started = await agenda(first, id, 'start');
    const deadline = started.endsAt!;
    await kill(first.child);
    const killedAt = Date.now();
    expect(killedAt, 'the first server must die before the step deadline').toBeLessThan(deadline);
    return { second: await start(dataDir, port), id, tokens, started, deadline, killedAt };
  }

  it('catches up an auto step whose deadline passed while it was down, timing the next step from that deadline', async () => {
    const { second, id, tokens, started, deadline, killedAt } = await killMidStep('auto', 30);
    // Usually the deadline passed during the restart and the session caught up before the server said
    // it was running; on a very fast restart the restarted clock moves it. Either way the same state.
    const { first: seen, client } = await connect(second.url, tokens.get('p01')!, { open: true });
    const moved = seen.stepIndex === 1 ? seen : SessionView.parse(await nextEvent(client, 'state', (s) => s.stepIndex === 1));
    expect(moved).toMatchObject({ status: 'running', stepIndex: 1, endsAt: deadline + 30 * minute, version: started.version + 1 });
    const after = await view(second, id);
    expect(after).toMatchObject({ status: 'running', stepIndex: 1, endsAt: deadline + 30 * minute, version: started.version + 1 });
    const byClock = (await auditOf(second, id)).filter((e) => e.actor === 'clock');
    expect(byClock.map((e) => e.action)).toEqual(['auto-advance']);
    expect(byClock[0]!.at).toBeGreaterThanOrEqual(Math.max(deadline, killedAt));
    expect(byClock[0]!.detail).toMatchObject({ fromStep: 0, toStep: 1, endsAt: deadline + 30 * minute });
  });

  it('keeps a hold step whose deadline passed while it was down at zero, and says time is up once', async () => {
    const { second, id, tokens, started, deadline, killedAt } = await killMidStep('hold', 5);
    // The "time is up" announcement is one more version, whether made on resuming or by the restarted clock.
    const { first: seen, client } = await connect(second.url, tokens.get('p01')!, { open: true });
    const atZero = seen.version > started.version ? seen : SessionView.parse(await nextEvent(client, 'state', (s) => s.version > started.version));
    expect(atZero).toMatchObject({ status: 'running', stepIndex: 0, endsAt: deadline, version: started.version + 1 });
    const byClock = (await auditOf(second, id)).filter((e) => e.actor === 'clock');
    expect(byClock.map((e) => [e.action, e.detail])).toEqual([['warning', { minutesLeft: 0, said: true }]]);
    expect(byClock[0]!.at).toBeGreaterThanOrEqual(Math.max(deadline, killedAt));

    const askedAt = Date.now();
    const next = await agenda(second, id, 'next');
    expect(next).toMatchObject({ status: 'running', stepIndex: 1 });
    expect(next.endsAt!).toBeGreaterThanOrEqual(askedAt + 5 * minute);
    expect(next.endsAt!).toBeLessThanOrEqual(Date.now() + 5 * minute);
  });
});
