import { useId } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { colorFor, groupLabel } from './names';
import { NotesPanel } from './NotesPanel';

/** Who presents now and in what order; the presenting group's notes, read-only and large, for everyone. */
export function ReportBack({ client, view, seat, connected }: { client: SessionClient; view: SessionView; seat: Seat; connected: boolean }) {
  const t = useT();
  const headingId = useId();
  const { queue, presenting } = view.reportBack;
  const current = queue.find((q) => q.groupId === presenting);
  return (
    <>
      <section class="card report-back" aria-labelledby={headingId}>
        <h2 id={headingId}>{t('report.heading')}</h2>
        {current ? (
          <p class="presenting" data-testid="presenting">
            {current.rapporteur
              ? t('report.presenting', { group: groupLabel(t, current.groupId), name: current.rapporteur.name })
              : t('report.presentingGroup', { group: groupLabel(t, current.groupId) })}
          </p>
        ) : (
          <p class="muted" data-testid="presenting">{t('report.nobody')}</p>
        )}
        {current && current.rapporteur?.id === seat.memberId && <p class="pill pill-you">{t('report.youPresent')}</p>}
        <h3>{t('report.queueHeading')}</h3>
        <ol class="queue">
          {queue.map((q) => (
            <li key={q.groupId} aria-current={q.groupId === presenting ? 'true' : undefined} class={q.groupId === presenting ? 'current' : ''}>
              {q.rapporteur
                ? t('report.queueItem', { group: groupLabel(t, q.groupId), name: q.rapporteur.name })
                : groupLabel(t, q.groupId)}
              {q.groupId === presenting && <span class="pill pill-now">{t('report.now')}</span>}
            </li>
          ))}
        </ol>
      </section>
      {current && (
        <NotesPanel
          key={current.groupId}
          heading={t('report.notesHeading', { group: groupLabel(t, current.groupId) })}
          client={client}
          connected={connected}
          groupId={current.groupId}
          readOnly
          large
          user={{ name: seat.name, color: colorFor(seat.memberId || 'staff') }}
        />
      )}
    </>
  );
}
