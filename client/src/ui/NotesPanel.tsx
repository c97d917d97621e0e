import type { ComponentChildren } from 'preact';
import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { textDirection, useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { dataSaver } from '../saver/data-saver';
import { useSaver } from '../saver/SaverToggle';
import { errorText } from './command';

type NotesModule = typeof import('../notes/index');
type NotesHandle = Awaited<ReturnType<NotesModule['mountNotes']>>;

/**
 * The notes editor (client/src/notes, its own issue) is loaded on demand with `import()`, so it
 * never weighs on the first load. Without that directory the glob is empty and the panel shows a
 * placeholder.
 */
const notesModules = import.meta.glob<NotesModule>('../notes/index.ts');
const loadNotes = notesModules['../notes/index.ts'];

/** Every word the notes editor shows, from this app's translation files. */
export function notesLabels(t: TFunction): Record<string, string> {
  return {
    editor: t('notes.editorLabel'),
    readOnly: t('notes.readOnly'),
    connecting: t('notes.connecting'),
    connected: t('notes.connected'),
    saving: t('phones.notesSaving'),
    unsaved: t('phones.notesUnsaved'),
    offline: t('notes.offline'),
    empty: t('notes.empty'),
    rejected: t('notes.rejected'),
    tooLarge: t('notes.tooLarge'),
    rateLimited: t('notes.rateLimited'),
    malformed: t('notes.malformed'),
    expired: t('notes.expired'),
    forbidden: t('notes.forbidden'),
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
  /** The language the notes are written in (the group's); by default the interface's. */
  language?: string;
  /** A heading everyone is brought to (the presenting rapporteur's notes:scroll); `seq` tells repeats apart. */
  scrollTo?: { heading: string; seq: number } | null;
  /** Shown under the editor once it is open. */
  intro?: ComponentChildren;
  /** Told when the editor opens and when it closes again: the page may stop showing what the notes now show. */
  onReady?: (ready: boolean) => void;
}

export function NotesPanel({ client, connected, heading, groupId, stepIndex, readOnly, user, language, large = false, scrollTo = null, intro, onReady }: Props) {
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
  // With data saver on, nothing of the editor is fetched until the person asks for the notes; once
  // allowed (asked, or data saver off) they stay open whatever data saver does next.
  const saver = useSaver();
  const [allowed, setAllowed] = useState(() => !dataSaver().state.on);
  useEffect(() => {
    if (!saver.on) setAllowed(true);
  }, [saver.on]);

  // Once open, the editor keeps its own connection through network drops: a socket that comes back
  // only opens the notes if they are not open yet.
  useEffect(() => {
    if (connected && mounted.current !== key) setAttempt((n) => n + 1);
  }, [connected]);

  const handle = useRef<NotesHandle | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!loadNotes || !el || !allowed || !isConnected.current || mounted.current === key) return;
    mounted.current = key;
    let cancelled = false;
    const request = stepIndex === undefined ? { groupId } : { groupId, stepIndex };
    setStatus('loading');
    void (async () => {
      const reply = await client.notesGrant(request);
      if (cancelled) return;
      if (!reply.ok) {
        mounted.current = null;
        setRefusal(errorText(t, reply.error));
        setStatus('refused');
        return;
      }
      try {
        const { mountNotes } = await loadNotes();
        if (cancelled) return;
        const opened = await mountNotes(el, {
          url: reply.grant.url,
          token: reply.grant.token,
          readOnly: readOnly || reply.grant.access === 'read',
          user,
          labels: notesLabels(t),
          ...(language ? { language: { code: language, dir: textDirection(language) } } : {}),
          // A token is short-lived; when the editor must connect again it asks for a new one.
          refreshToken: async () => {
            const again = await client.notesGrant(request);
            if (!again.ok) throw new Error(again.error.code);
            return again.grant.token;
          },
          onAccess: (access) => setAccess(access),
        });
        if (cancelled) return opened.destroy();
        handle.current = opened;
        setAccess(reply.grant.access);
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
      handle.current?.destroy();
      handle.current = null;
      el.replaceChildren();
    };
  }, [key, attempt, allowed]);

  useEffect(() => onReady?.(status === 'ready'), [status === 'ready']);

  useEffect(() => {
    if (scrollTo && status === 'ready') handle.current?.scrollToHeading(scrollTo.heading);
  }, [scrollTo?.seq, status]);

  const shownReadOnly = readOnly || access === 'read';
  // The editor's own status line says read-only once it is open.
  return (
    <section class={`card notes${large ? ' notes-large' : ''}`} aria-labelledby={headingId} data-testid="notes-panel">
      <h2 id={headingId}>{heading}</h2>
      {shownReadOnly && status !== 'ready' && <p class="muted">{t('notes.readOnly')}</p>}
      {status === 'placeholder' && <p class="notes-placeholder">{t('notes.placeholder')}</p>}
      {loadNotes && !allowed && (
        <div class="notes-on-demand" data-testid="notes-on-demand">
          <p class="muted">{t('saver.notesOnDemand')}</p>
          <button type="button" class="secondary" onClick={() => setAllowed(true)} data-testid="notes-open">
            {t('saver.openNotes')}
          </button>
        </div>
      )}
      {allowed && status === 'loading' && <p class="muted">{t('notes.loading')}</p>}
      {status === 'failed' && <p class="error-text">{t('notes.failed')}</p>}
      {status === 'refused' && <p class="error-text">{refusal}</p>}
      <div ref={host} class="notes-host" />
      {/* Under the editor: on a phone the notes themselves come first. */}
      {status === 'ready' && intro && <div class="notes-intro">{intro}</div>}
    </section>
  );
}
