import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { errorText } from './command';

/** What the notes module (its own issue, in client/src/notes/) is handed. */
export interface NotesOptions {
  url: string;
  token: string;
  readOnly: boolean;
  user: { name: string; color: string };
  labels: Record<string, string>;
  plainText?: boolean;
}
interface NotesModule {
  mountNotes(el: HTMLElement, options: NotesOptions): unknown;
}

/**
 * The notes editor is loaded on demand with `import()`, so it never weighs on the first load. Until
 * client/src/notes/index.ts exists the glob is empty and the panel shows its placeholder.
 */
const notesModules = import.meta.glob<NotesModule>('../notes/index.ts');
const loadNotes = notesModules['../notes/index.ts'];

export function notesLabels(t: TFunction): Record<string, string> {
  return {
    editor: t('notes.editorLabel'),
    readOnly: t('notes.readOnly'),
    connecting: t('notes.connecting'),
    connected: t('notes.connected'),
    offline: t('notes.offline'),
    empty: t('notes.empty'),
  };
}

interface Props {
  client: SessionClient;
  /** Whether the session socket is up: the token to open the notes is asked for over it. */
  connected: boolean;
  heading: string;
  groupId: string;
  /** The breakout step whose notes to open; by default the current or last one. */
  stepIndex?: number;
  /** Visitors and the report-back audience read only, whatever the server would grant. */
  readOnly: boolean;
  user: { name: string; color: string };
  large?: boolean;
}

/** Unmounts whatever mountNotes returned: a function, an object with destroy(), or a promise of either. */
function release(handle: unknown): void {
  if (typeof handle === 'function') (handle as () => void)();
  else if (handle && typeof (handle as { destroy?: unknown }).destroy === 'function') (handle as { destroy: () => void }).destroy();
  else if (handle && typeof (handle as { then?: unknown }).then === 'function') void (handle as Promise<unknown>).then(release, () => undefined);
}

export function NotesPanel({ client, connected, heading, groupId, stepIndex, readOnly, user, large = false }: Props) {
  const t = useT();
  const headingId = useId();
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'placeholder' | 'loading' | 'ready' | 'failed' | 'refused'>(loadNotes ? 'loading' : 'placeholder');
  const [refusal, setRefusal] = useState('');
  const [access, setAccess] = useState<'write' | 'read' | null>(null);
  const key = `${groupId}:${stepIndex ?? ''}:${readOnly}`;
  const mounted = useRef<string | null>(null);
  const isConnected = useRef(connected);
  isConnected.current = connected;
  const [attempt, setAttempt] = useState(0);

  // Once open, the editor keeps its own connection through network drops: a socket that comes back
  // only opens the notes if they are not open yet.
  useEffect(() => {
    if (connected && mounted.current !== key) setAttempt((n) => n + 1);
  }, [connected]);

  useEffect(() => {
    const el = host.current;
    if (!loadNotes || !el || !isConnected.current || mounted.current === key) return;
    mounted.current = key;
    let cancelled = false;
    let handle: unknown;
    setStatus('loading');
    void (async () => {
      const reply = await client.notesGrant(stepIndex === undefined ? { groupId } : { groupId, stepIndex });
      if (cancelled) return;
      if (!reply.ok) {
        mounted.current = null;
        setRefusal(errorText(t, reply.error));
        setStatus('refused');
        return;
      }
      try {
        const mod = await loadNotes();
        if (cancelled) return;
        const writable = reply.grant.access === 'write' && !readOnly;
        handle = mod.mountNotes(el, { url: reply.grant.url, token: reply.grant.token, readOnly: !writable, user, labels: notesLabels(t) });
        setAccess(writable ? 'write' : 'read');
        setStatus('ready');
      } catch (error) {
        console.error('Roundtable: the notes editor did not load', error);
        mounted.current = null;
        if (!cancelled) setStatus('failed');
      }
    })();
    return () => {
      cancelled = true;
      if (mounted.current === key) mounted.current = null;
      release(handle);
      el.replaceChildren();
    };
  }, [key, attempt]);

  const shownReadOnly = readOnly || access === 'read';
  return (
    <section class={`card notes${large ? ' notes-large' : ''}`} aria-labelledby={headingId} data-testid="notes-panel">
      <h2 id={headingId}>{heading}</h2>
      {shownReadOnly && <p class="muted">{t('notes.readOnly')}</p>}
      {status === 'placeholder' && <p class="notes-placeholder">{t('notes.placeholder')}</p>}
      {status === 'loading' && <p class="muted">{t('notes.loading')}</p>}
      {status === 'failed' && <p class="error-text">{t('notes.failed')}</p>}
      {status === 'refused' && <p class="error-text">{refusal}</p>}
      <div ref={host} class="notes-host" />
    </section>
  );
}
