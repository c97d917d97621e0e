import { useId } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { useCommand } from './command';
import { ErrorText } from './ErrorText';
import { colorFor, groupLabel } from './names';
import { NotesPanel } from './NotesPanel';

/** The questions of the breakout whose groups report now: the headings of their notes. */
export function reportedQuestions(view: SessionView): string[] {
  for (let i = Math.min(view.stepIndex, view.agenda.length) - 1; i >= 0; i--) {
    const step = view.agenda[i];
    if (step?.kind === 'breakout') return step.questions.length > 0 ? step.questions : [step.title];
  }
  return [];
}

/** Where the presenting rapporteur last brought everyone, if it is in the notes on screen. */
export function scrollFor(live: LiveState, groupId: string | null): { heading: string; seq: number } | null {
  const scroll = live.notesScroll;
  return scroll && groupId !== null && scroll.groupId === groupId ? { heading: scroll.heading, seq: scroll.seq } : null;
}

/**
 * Who presents now and in what order; the presenting group's notes, large and read-only, for
 * everyone. The rapporteur who presents can bring every screen to a question of the notes.
 */
export function ReportBack({ client, live, view, seat }: { client: SessionClient; live: LiveState; view: SessionView; seat: Seat }) {
  const t = useT();
  const ids = { heading: useId(), guide: useId() };
  const { run, error, busy } = useCommand(client);
  const { queue, presenting, presented } = view.reportBack;
  const current = queue.find((q) => q.groupId === presenting);
  const iPresent = !!current && current.rapporteur?.id === seat.memberId;
  const scroll = scrollFor(live, presenting);
  return (
    <>
      <section class="card report-back" aria-labelledby={ids.heading}>
        <h2 id={ids.heading}>{t('report.heading')}</h2>
        {current ? (
          <p class="presenting" data-testid="presenting">
            {current.rapporteur
              ? t('report.presenting', { group: groupLabel(t, current.groupId), name: current.rapporteur.name })
              : t('report.presentingGroup', { group: groupLabel(t, current.groupId) })}
          </p>
        ) : (
          <p class="muted" data-testid="presenting">
            {t('report.nobody')}
          </p>
        )}
        {iPresent && <p class="pill pill-you">{t('report.youPresent')}</p>}
        <h3>{t('report.queueHeading')}</h3>
        <ol class="queue">
          {queue.map((q) => (
            <li
              key={q.groupId}
              aria-current={q.groupId === presenting ? 'true' : undefined}
              class={q.groupId === presenting ? 'current' : presented.includes(q.groupId) ? 'presented' : ''}
              data-testid="queue-item"
              data-group={q.groupId}
              data-presented={q.groupId !== presenting && presented.includes(q.groupId)}
            >
              {q.rapporteur ? t('report.queueItem', { group: groupLabel(t, q.groupId), name: q.rapporteur.name }) : groupLabel(t, q.groupId)}
              {q.groupId === presenting && <span class="pill pill-now">{t('report.now')}</span>}
              {q.groupId !== presenting && presented.includes(q.groupId) && <span class="pill pill-done">{t('report.presented')}</span>}
            </li>
          ))}
        </ol>
        {live.notesScroll && scroll && (
          <p class="muted" data-testid="guided">
            {t('report.guided', { name: live.notesScroll.from, heading: live.notesScroll.heading })}
          </p>
        )}
      </section>
      {iPresent && (
        <section class="card" aria-labelledby={ids.guide}>
          <h2 id={ids.guide}>{t('report.guideHeading')}</h2>
          <p class="muted">{t('report.guideHint')}</p>
          <div class="button-row">
            {reportedQuestions(view).map((question) => (
              <button key={question} type="button" class="secondary" disabled={busy} onClick={() => void run('notes:scroll', { heading: question })}>
                {t('report.guideTo', { question })}
              </button>
            ))}
          </div>
          <ErrorText error={error} />
        </section>
      )}
      {current && (
        <NotesPanel
          key={current.groupId}
          heading={t('report.notesHeading', { group: groupLabel(t, current.groupId) })}
          client={client}
          connected={live.connection === 'connected'}
          groupId={current.groupId}
          // The rapporteur may still polish the notes while presenting; everyone else reads them.
          readOnly={!iPresent}
          large
          scrollTo={scroll}
          user={{ name: seat.name, color: colorFor(seat.memberId || 'staff') }}
        />
      )}
    </>
  );
}
