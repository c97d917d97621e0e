import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { liveClient, nextEvent, rosterCsv, type RunningServer } from '../support/test-server';
import { notesClient, notesToken, startBreakout, type NotesClient } from '../support/notes';

const childScript = fileURLToPath(new URL('../support/notes-child-server.ts', import.meta.url));
const adminToken = 'crash-test-admin-token-0123456789';

interface Child {
  process: ChildProcess;
  server: RunningServer;
  /** Resolves with the time of the next durable append of `docName`. */
  flushed(docName: string): Promise<number>;
}

const children: ChildProcess[] = [];
const clients: NotesClient[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'roundtable-notes-crash-'));

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts Roundtable in a child process on `dataDir`. */
async function startChild(): Promise<Child> {
  const child = fork(childScript, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATA_DIR: dataDir, ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const waiters: Array<{ docName: string; resolve: (at: number) => void }> = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    child.on('message', (m: { type: string; url?: string; docs?: string[]; at?: number }) => {
      if (m.type === 'listening') resolve(m.url!);
      if (m.type === 'flushed') {
        for (const w of [...waiters]) {
          if (m.docs!.includes(w.docName)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m.at!);
          }
        }
      }
    });
  });
  const server = {
    url,
    dataDir,
    api(path: string, init: RequestInit & { token?: string | null } = {}) {
      const { token = adminToken, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${url}${path}`, { ...rest, headers });
    },
  } as unknown as RunningServer;
  return { process: child, server, flushed: (docName) => new Promise((resolve) => waiters.push({ docName, resolve })) };
}

it('a server killed with SIGKILL loses at most about a second of note edits', async () => {
  const first = await startChild();
  const b = await startBreakout(first.server, rosterCsv(5));
  const [writerId, witnessId] = b.groups[0]!.members.map((m) => m.id);
  const grant = await notesToken(b.people.get(writerId!)!);
  const templateStored = first.flushed(grant.docName);
  const writer = notesClient(grant);
  const witness = notesClient(await notesToken(b.people.get(witnessId!)!));
  clients.push(writer, witness);
  await Promise.all([writer.synced, witness.synced, templateStored]);

  // Someone types without pausing (a token every 40 ms), so edits are stored by the maximum wait,
  // not by a quiet moment, until the store says it appended them.
  const typedAt: number[] = [];
  const type = () => {
    typedAt.push(Date.now());
    writer.text.insert(writer.text.length, `[${typedAt.length - 1}]`);
  };
  const storedWhileTyping = first.flushed(grant.docName);
  const typing = setInterval(type, 40);
  type();
  const flushAt = await storedWhileTyping;
  clearInterval(typing);
  expect(flushAt - typedAt[0]!).toBeGreaterThanOrEqual(900); // the maximum wait (1 s), not the 250 ms quiet time
  // A few more that the server has (the witness sees them) but has not stored yet: then kill -9.
  for (let i = 0; i < 5; i++) type();
  await witness.until((t) => t.includes(`[${typedAt.length - 1}]`));
  const killedAt = Date.now();
  first.process.kill('SIGKILL');
  await new Promise((resolve) => first.process.once('exit', resolve));
  const written = writer.text.toString();
  b.close();
  for (const c of clients.splice(0)) c.destroy();

  const second = await startChild();
  const member = liveClient(second.server.url, b.tokens.get(witnessId!)!);
  await nextEvent(member, 'state');
  const reader = notesClient(await notesToken(member));
  clients.push(reader);
  await reader.synced;
  const restored = reader.text.toString();
  member.close();

  // Nothing is corrupted: what came back is what was written, up to some point.
  expect(written.startsWith(restored)).toBe(true);
  const kept = typedAt.filter((_, k) => restored.includes(`[${k}]`)).length;
  const lost = typedAt.slice(kept);
  expect(kept).toBeGreaterThan(0);
  // What was lost was typed in the last second or so before the kill…
  for (const at of lost) expect(killedAt - at).toBeLessThanOrEqual(1100);
  // …and something was lost: the kill really came before the next append.
  expect(lost.length).toBeGreaterThanOrEqual(5);
});
