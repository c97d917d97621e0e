import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { createServer, type Overrides, type Roundtable } from '../../server/src/app';
import type { Config } from '../../server/src/config';
import { PROTOCOL_VERSION, ResyncResult, StateRevision, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol';
import { applyStatePatch, type HeldView } from '../../client/src/live/view-patches';
import { termsVersion, type CreateSessionInput, type Seat, type SessionView } from '../../shared/session';

export const adminToken = 'test-admin-token-0123456789';

export interface RunningServer {
  url: string;
  roundtable: Roundtable;
  dataDir: string;
  /** fetch against the server with the admin token unless another is given. */
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** fetch against a server's REST API with `token` (null: none) unless another is given; JSON bodies by default. */
export function restApi(url: string, defaultToken: string): RunningServer['api'] {
  return (path, init = {}) => {
    const { token = defaultToken, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, { ...rest, headers });
  };
}

/** Starts Roundtable in this process on a free loopback port with its own data directory. */
export async function startServer(overrides: Overrides & { config?: Partial<Config> } = {}): Promise<RunningServer> {
  const dataDir = overrides.config?.dataDir ?? mkdtempSync(join(tmpdir(), 'roundtable-test-'));
  const { config: configOverrides, ...parts } = overrides;
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminToken,
    publicUrl: undefined,
    logLevel: 'silent',
    store: 'sqlite',
    ...configOverrides,
  };
  const roundtable = createServer(config, {
    logger: pino({ level: 'silent' }),
    presenceIntervalMs: 20,
    // Most tests follow the session version by version; the window that joins changes has its own tests.
    stateWindowMs: 0,
    ...parts,
  });
  const url = await roundtable.listen();
  return {
    url,
    roundtable,
    dataDir,
    api: restApi(url, adminToken),
    async close() {
      await roundtable.close();
      if (!overrides.config?.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const igfAgenda: CreateSessionInput = {
  title: 'Internet Governance with and for the Citizens',
  languages: ['en', 'fr'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    {
      kind: 'breakout',
      title: 'Discussion in groups',
      minutes: 35,
      groupSize: 5,
      questions: ['How do these results inspire me?', 'What do they mean for us as a community?'],
      // The rooms close at once when the agenda moves on; tests of the grace before closing set their own.
      closeSeconds: 0,
    },
    { kind: 'plenary', title: 'Report-back and conclusion', minutes: 20 },
  ],
};

/** Creates a session and imports `roster` (CSV); returns its id, moderator token and each person's token. */
export async function createSession(
  server: RunningServer,
  roster: string,
  agenda: CreateSessionInput = igfAgenda,
): Promise<{ id: string; moderatorToken: string; tokens: Map<string, string> }> {
  const created = await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(agenda) });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${await created.text()}`);
  const { id, moderatorToken } = (await created.json()) as { id: string; moderatorToken: string };
  const imported = await server.api(`/api/sessions/${id}/roster`, { method: 'POST', body: roster, headers: { 'content-type': 'text/csv' } });
  if (imported.status !== 200) throw new Error(`roster failed: ${imported.status} ${await imported.text()}`);
  const { invitations } = (await imported.json()) as { invitations: Array<{ id: string; link: string }> };
  return { id, moderatorToken, tokens: new Map(invitations.map((i) => [i.id, i.link.split('#')[1]!])) };
}

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real socket.io client over loopback, connected with an invite token. Like the web app it keeps
 * the view its patches apply to: every `state:patch` it can apply is also handed to its `state`
 * listeners as the whole view it makes, and a missed revision asks for the whole view again.
 */
export function liveClient(url: string, token: string, options: { protocol?: number; autoConnect?: boolean } = {}): LiveClient {
  const socket: LiveClient = connect(url, {
    auth: { token, protocol: options.protocol ?? PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: options.autoConnect ?? true,
  });
  let held: HeldView | null = null;
  let resyncing = false;
  // `emitReserved` runs this socket's own listeners without sending anything to the server.
  const show = (next: HeldView) => {
    held = next;
    (socket as unknown as { emitReserved(event: string, ...args: unknown[]): void }).emitReserved('state', next.view, { rev: next.rev });
  };
  socket.onAny((event: string, payload: unknown, revision: unknown) => {
    if (event === 'state') {
      const rev = StateRevision.safeParse(revision);
      held = { view: payload as SessionView, rev: rev.success ? rev.data.rev : -1 };
      return;
    }
    if (event !== 'state:patch' || resyncing) return;
    const outcome = applyStatePatch(held, payload);
    if (outcome.kind === 'applied') return show(outcome.held);
    if (outcome.kind === 'stale') return;
    resyncing = true;
    void socket
      .timeout(10_000)
      .emitWithAck('state:resync', {})
      .then((reply) => {
        const result = reply.ok ? ResyncResult.safeParse(reply.result) : null;
        if (result?.success && (!held || result.data.rev >= held.rev)) show(result.data);
      })
      .catch(() => undefined)
      .finally(() => {
        resyncing = false;
      });
  });
  return socket;
}

/** Resolves with the next payload of `event` that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: LiveClient,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      socket.off(event, handler as never);
      resolve(payload);
    };
    socket.on(event, handler as never);
  });
}

/** A small roster: ids p01…pNN, alternating languages and attributes, with facilitators and note takers. */
export function rosterCsv(n: number, options: { moderators?: number } = {}): string {
  const lines = ['id,name,language,role,country,gender'];
  const countries = ['FR', 'SN', 'BR', 'IN', 'DE', 'JP', 'KE'];
  for (let i = 1; i <= n; i++) {
    const id = `p${String(i).padStart(2, '0')}`;
    const role = i % 5 === 1 ? 'facilitator' : i % 5 === 2 ? 'notetaker' : 'participant';
    lines.push(`${id},Person ${i},en|fr,${role},${countries[i % countries.length]},${i % 2 ? 'f' : 'm'}`);
  }
  for (let i = 1; i <= (options.moderators ?? 0); i++) lines.push(`m${i},Moderator ${i},en,moderator,,`);
  return `${lines.join('\n')}\n`;
}

/**
 * Does what the join screen does for a person who has not joined yet: their roster name, the
 * first language they speak, consent to the current terms. Resolves once the server has answered;
 * does nothing for someone who joined before (or a staff link).
 */
export async function joinScreen(client: LiveClient, seat: Seat): Promise<void> {
  if (seat.consented) return;
  const ack = (await client.emitWithAck('profile:update', { displayName: seat.name, language: seat.languages[0] ?? 'en', consent: true, terms: termsVersion })) as Ack;
  if (!ack.ok) throw new Error(`joining failed: ${ack.error.code} ${ack.error.message}`);
}
