import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { NOTES_TEXT, NotesNotice, authNotesAccess, authPermissionDenied, messageAuth, notesCloseCodes } from '../../../shared/notes';
import { notesLabels, type NotesLabelKey } from './labels';
import type { NotesEditor } from './notes-editor';
import { plainTextEditor } from './plain-text-editor';
import { savedEdits } from './saved-edits';

export interface MountNotesOptions {
  /** The notes' WebSocket URL as `notes:token` gave it (it ends with the document's name). */
  url: string;
  token: string;
  /** Show the notes read-only whatever the server would allow. */
  readOnly: boolean;
  /** The name and colour others see at this person's cursor. */
  user: { name: string; color: string };
  /** Translations by key (see labels.ts); missing keys fall back to English. */
  labels: Record<string, string>;
  /** A textarea instead of CodeMirror: lighter, and loads nothing more. */
  plainText?: boolean;
  /** Asked for a fresh token when the one in hand is about to expire and the connection must be made again. */
  refreshToken?: () => Promise<string>;
  /** The language the notes are written in (the group's), so the editor runs in its direction whatever the interface's. */
  language?: { code: string; dir: 'ltr' | 'rtl' };
  /** Told what the server lets this connection do, when it connects and whenever that changes. */
  onAccess?: (access: 'write' | 'read') => void;
}

export interface NotesHandle {
  destroy(): void;
  /** Scrolls the notes so the heading (a question) is at the top; false when there is none. */
  scrollToHeading(heading: string): boolean;
}

/** A token's expiry (ms), read without verifying: only to know when to ask for a new one. */
function expiryOf(token: string): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

const closeLabels: Partial<Record<number, NotesLabelKey>> = {
  [notesCloseCodes.unauthorized]: 'expired',
  [notesCloseCodes.forbidden]: 'forbidden',
  [notesCloseCodes.tooLarge]: 'tooLarge',
  [notesCloseCodes.malformed]: 'malformed',
};

/**
 * Opens a group's shared notes in `el`: a Yjs document synced with the server over the y-websocket
 * protocol, shown in CodeMirror (or a plain textarea), with everyone's cursors, an undo of one's
 * own edits, and a status line that says whether the notes are connected, read-only, or refused.
 * Loaded on demand by the app (`import()`); nothing happens at import time.
 */
export async function mountNotes(el: HTMLElement, opts: MountNotesOptions): Promise<NotesHandle> {
  const labels = notesLabels(opts.labels);
  const cut = opts.url.lastIndexOf('/');
  const doc = new Y.Doc();
  const ytext = doc.getText(NOTES_TEXT);
  const provider = new WebsocketProvider(opts.url.slice(0, cut), opts.url.slice(cut + 1), doc, {
    connect: false,
    params: { token: opts.token },
    // The server tells readers apart; a rate-limited connection may come back after a pause.
    shouldReconnect: (event) => !(event.code >= 4400 && event.code < 4500) || event.code === notesCloseCodes.rateLimited,
  });
  const awareness = provider.awareness;
  // setLocalStateField does nothing while the state is null (a reader's): set the whole state.
  const showUser = () => awareness.setLocalState({ ...awareness.getLocalState(), user: { name: opts.user.name, color: opts.user.color, colorLight: `${opts.user.color}33` } });

  const root = document.createElement('div');
  root.className = 'rt-notes';
  const status = document.createElement('p');
  status.className = 'rt-notes-status';
  status.setAttribute('role', 'status');
  status.style.cssText = 'margin:0 0 0.5rem;font-size:0.9rem;color:#3d3d3d';
  const editorHost = document.createElement('div');
  editorHost.className = 'rt-notes-editor';
  root.append(status, editorHost);
  el.append(root);

  let serverAccess: 'write' | 'read' | null = null;
  let problem: NotesLabelKey | null = null;
  let connection: 'connecting' | 'connected' | 'offline' = 'connecting';
  const readOnly = () => opts.readOnly || serverAccess !== 'write';
  // "Saved" only once the server has every edit made here; until then, saving or waiting to sync.
  const saved = savedEdits(provider, doc, () => render());
  const render = () => {
    const unsaved = saved.pending();
    const state: NotesLabelKey = connection === 'connected' ? (unsaved ? 'saving' : 'connected') : unsaved ? 'unsaved' : connection;
    const parts = [labels[problem ?? state]];
    if (readOnly() && problem !== 'forbidden') parts.push(labels.readOnly);
    status.textContent = parts.join(' · ');
  };

  // Nobody is shown a reader's cursor; a writer's name and colour are shown once the server agrees.
  awareness.setLocalState(null);
  if (opts.language) {
    // Both editors take their direction from here: CodeMirror reads it off its content's style.
    editorHost.lang = opts.language.code;
    editorHost.dir = opts.language.dir;
  }
  let editor: NotesEditor | null = null;
  if (!opts.plainText) {
    try {
      const { codeMirrorEditor } = await import('./codemirror-editor');
      editor = codeMirrorEditor(editorHost, ytext, awareness, { readOnly: true, label: labels.editor, placeholder: labels.empty });
    } catch (error) {
      // A weak connection that could not bring CodeMirror still gets notes to write in.
      console.error('Roundtable: the full notes editor did not load; using the plain one', error);
    }
  }
  editor ??= plainTextEditor(editorHost, ytext, { readOnly: true, label: labels.editor, placeholder: labels.empty });
  const shown: NotesEditor = editor;

  const applyAccess = () => {
    shown.setReadOnly(readOnly());
    if (readOnly()) awareness.setLocalState(null);
    else showUser();
    render();
  };

  // Roundtable's notices come as auth messages (see shared/notes.ts).
  provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
    const subtype = decoding.readVarUint(decoder);
    if (subtype !== authPermissionDenied && subtype !== authNotesAccess) return;
    const reason = decoding.readVarString(decoder);
    let notice;
    try {
      notice = NotesNotice.safeParse(JSON.parse(reason));
    } catch {
      return;
    }
    if (!notice.success) return;
    if (notice.data.type === 'access') {
      serverAccess = notice.data.access;
      problem = null;
      applyAccess();
      opts.onAccess?.(notice.data.access);
    } else {
      const key: Record<typeof notice.data.code, NotesLabelKey> = { READ_ONLY: 'rejected', TOO_LARGE: 'tooLarge', MALFORMED: 'malformed', RATE_LIMITED: 'rateLimited' };
      problem = key[notice.data.code];
      render();
    }
  };
  provider.on('status', ({ status: s }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
    connection = s === 'disconnected' ? 'offline' : s;
    if (s === 'connected' && problem !== 'forbidden' && problem !== 'expired') problem = null;
    render();
  });
  // Closed by the server for good (forbidden, expired…): coming back online does not reopen it.
  let closedForGood = false;
  provider.on('closed', ({ code }: { code: number; reason: string }) => {
    closedForGood = true;
    problem = closeLabels[code] ?? problem;
    serverAccess = null;
    applyAccess();
  });
  // A connection made again after the token expired would be refused: fetch a new one first.
  let refreshing: Promise<void> | null = null;
  provider.on('connection-close', () => {
    const expiry = expiryOf(String(provider.params.token));
    if (!opts.refreshToken || refreshing || expiry === null || expiry - Date.now() > 60_000) return;
    refreshing = opts
      .refreshToken()
      .then((token) => {
        provider.params = { ...provider.params, token };
      })
      .catch(() => {
        problem = 'expired';
        render();
      })
      .finally(() => {
        refreshing = null;
      });
  });

  // A phone that knows it lost the network says so at once, rather than when the socket times out.
  const goneOffline = () => provider.disconnect();
  const backOnline = () => {
    if (!closedForGood) provider.connect();
  };
  window.addEventListener('offline', goneOffline);
  window.addEventListener('online', backOnline);

  render();
  provider.connect();

  return {
    destroy() {
      window.removeEventListener('offline', goneOffline);
      window.removeEventListener('online', backOnline);
      saved.destroy();
      provider.destroy();
      shown.destroy();
      doc.destroy();
      root.remove();
    },
    scrollToHeading(heading) {
      return shown.scrollToHeading(heading);
    },
  };
}
