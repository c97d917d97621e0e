import * as decoding from 'lib0/decoding';
import { WebSocket as NodeWebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { NOTES_TEXT, NotesNotice, authNotesAccess, authPermissionDenied, messageAuth, type NotesGrant } from '../../shared/notes';
import type { Ack } from '../../shared/protocol';
import type { SessionView } from '../../shared/session';
import { createSession, joinScreen, liveClient, nextEvent, type LiveClient, type RunningServer } from './test-server';

/** Asks for a notes token over the live session; throws with the error code when refused. */
export async function notesToken(client: LiveClient, request: { stepIndex?: number; groupId?: string } = {}): Promise<NotesGrant> {
  const reply = (await client.timeout(5000).emitWithAck('notes:token', request)) as Ack<NotesGrant>;
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result!;
}

export async function send(client: LiveClient, event: string, payload: unknown): Promise<Ack> {
  return (client.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack>)(event, payload);
}

/** A real y-websocket client (the provider browsers use), over `ws`, without BroadcastChannel. */
export interface NotesClient {
  doc: Y.Doc;
  text: Y.Text;
  provider: WebsocketProvider;
  notices: NotesNotice[];
  /** Resolves when the server closes the connection with a code (not on our own close). */
  closed: Promise<{ code: number; reason: string }>;
  synced: Promise<void>;
  /** Resolves once the text satisfies `match` (checked now and after every change). */
  until(match: (text: string) => boolean): Promise<string>;
  notice(match: (n: NotesNotice) => boolean): Promise<NotesNotice>;
  destroy(): void;
}

export function notesClient(grant: Pick<NotesGrant, 'url' | 'token'>, options: { connect?: boolean } = {}): NotesClient {
  const cut = grant.url.lastIndexOf('/');
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(grant.url.slice(0, cut), grant.url.slice(cut + 1), doc, {
    WebSocketPolyfill: NodeWebSocket as unknown as typeof WebSocket,
    disableBc: true,
    params: { token: grant.token },
    connect: options.connect ?? true,
    // Tests look at the first close; no reconnect loops.
    shouldReconnect: () => false,
  });
  const notices: NotesNotice[] = [];
  const noticeWaiters: Array<{ match: (n: NotesNotice) => boolean; resolve: (n: NotesNotice) => void }> = [];
  provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
    const subtype = decoding.readVarUint(decoder);
    if (subtype !== authPermissionDenied && subtype !== authNotesAccess) return;
    const notice = NotesNotice.parse(JSON.parse(decoding.readVarString(decoder)));
    notices.push(notice);
    for (const w of [...noticeWaiters]) {
      if (w.match(notice)) {
        noticeWaiters.splice(noticeWaiters.indexOf(w), 1);
        w.resolve(notice);
      }
    }
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    provider.on('connection-close', (event) => {
      if (event) resolve({ code: event.code, reason: event.reason });
    });
  });
  const synced = new Promise<void>((resolve) => {
    if (provider.synced) resolve();
    provider.on('sync', (s: boolean) => s && resolve());
  });
  const text = doc.getText(NOTES_TEXT);
  return {
    doc,
    text,
    provider,
    notices,
    closed,
    synced,
    until: (match) =>
      new Promise((resolve) => {
        const check = () => {
          const value = text.toString();
          if (!match(value)) return false;
          doc.off('update', onUpdate);
          resolve(value);
          return true;
        };
        const onUpdate = () => void check();
        doc.on('update', onUpdate);
        check();
      }),
    notice: (match) =>
      new Promise((resolve) => {
        const found = notices.find(match);
        if (found) resolve(found);
        else noticeWaiters.push({ match, resolve });
      }),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** A session in its breakout: everyone connected live (so they are seated), groups formed. */
export interface Breakout {
  id: string;
  moderator: LiveClient;
  people: Map<string, LiveClient>;
  tokens: Map<string, string>;
  /** The moderator's view of the groups. */
  groups: NonNullable<SessionView['groups']>;
  view: SessionView;
  /** Drives the agenda as the moderator; resolves with the state after the change. */
  agenda(command: { type: string; step?: number }): Promise<SessionView>;
  close(): void;
}

export async function startBreakout(server: RunningServer, roster: string, agenda?: Parameters<typeof createSession>[2]): Promise<Breakout> {
  const { id, moderatorToken, tokens } = await createSession(server, roster, agenda);
  const moderator = liveClient(server.url, moderatorToken);
  let view = await nextEvent(moderator, 'state');
  let latest = view;
  moderator.on('state', (v) => {
    if (v.version > latest.version) latest = v;
  });
  const people = new Map<string, LiveClient>();
  await Promise.all(
    [...tokens].map(async ([member, token]) => {
      const client = liveClient(server.url, token);
      people.set(member, client);
      const welcome = nextEvent(client, 'welcome');
      await nextEvent(client, 'state');
      await joinScreen(client, (await welcome).seat);
    }),
  );
  // The moderator has heard of everyone joining before the agenda moves.
  const joined = ((await (await server.api(`/api/sessions/${id}`)).json()) as { version: number }).version;
  view = latest.version >= joined ? latest : await nextEvent(moderator, 'state', (v) => v.version >= joined);
  const agendaCommand = async (command: { type: string; step?: number }) => {
    const changed = nextEvent(moderator, 'state', (v) => v.version > view.version);
    const reply = await send(moderator, 'agenda:command', command);
    if (!reply.ok) throw new Error(`${command.type}: ${reply.error.message}`);
    view = await changed;
    return view;
  };
  await agendaCommand({ type: 'start' });
  view = await agendaCommand({ type: 'next' });
  return {
    id,
    moderator,
    people,
    tokens,
    get groups() {
      return view.groups ?? [];
    },
    get view() {
      return view;
    },
    agenda: agendaCommand,
    close() {
      moderator.close();
      for (const c of people.values()) c.close();
    },
  };
}
