import { useId } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { colorFor, groupLabel } from '../ui/names';
import { NotesPanel } from '../ui/NotesPanel';
import { scrollFor } from '../ui/ReportBack';

/** The rapporteurs' queue: its order, who presents now; the presenting group's notes as everyone sees them. */
export function ReportQueue({ client, live, view, seat, canDrive }: { client: SessionClient; live: LiveState; view: SessionView; seat: Seat; canDrive: boolean }) {
  const t = useT();
  const headingId = useId();
  const { run, error, busy } = useCommand(client);
  const { queue, presenting, presented } = view.reportBack;
  const order = queue.map((q) => q.groupId);
  const swap = (i: number, j: number) => {
    const next = [...order];
    [next[i], next[j]] = [next[j]!, next[i]!];
    void run('report:queue', { groups: next });
  };
  return (
    <>
      <section class="card report-queue" aria-labelledby={headingId} data-testid="report-queue">
        <h2 id={headingId}>{t('report.consoleHeading')}</h2>
        <ol class="queue">
          {queue.map((q, i) => {
            const group = groupLabel(t, q.groupId);
            const now = q.groupId === presenting;
            const done = !now && presented.includes(q.groupId);
            return (
              <li key={q.groupId} class={now ? 'current' : done ? 'presented' : ''} aria-current={now ? 'true' : undefined} data-testid="queue-item" data-group={q.groupId} data-presented={done}>
                <span class="queue-name">{q.rapporteur ? t('report.queueItem', { group, name: q.rapporteur.name }) : group}</span>
                {now && <span class="pill pill-now">{t('report.now')}</span>}
                {done && <span class="pill pill-done">{t('report.presented')}</span>}
                {canDrive && (
                  <span class="button-row">
                    <button type="button" class="secondary small" disabled={busy || i === 0} onClick={() => swap(i, i - 1)}>
                      {t('report.moveUp', { group })}
                    </button>
                    <button type="button" class="secondary small" disabled={busy || i === queue.length - 1} onClick={() => swap(i, i + 1)}>
                      {t('report.moveDown', { group })}
                    </button>
                    {!now && (
                      <button type="button" class="primary small" disabled={busy} onClick={() => void run('report:present', { groupId: q.groupId })}>
                        {t('report.present', { group })}
                      </button>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
        {canDrive && presenting && (
          <button type="button" class="secondary" disabled={busy} onClick={() => void run('report:present', { groupId: null })}>
            {t('report.stop')}
          </button>
        )}
        <ErrorText error={error} />
      </section>
      {presenting && (
        <NotesPanel
          key={presenting}
          heading={t('report.notesHeading', { group: groupLabel(t, presenting) })}
          client={client}
          connected={live.connection === 'connected'}
          groupId={presenting}
          scrollTo={scrollFor(live, presenting)}
          readOnly
          large
          user={{ name: seat.name, color: colorFor(seat.memberId || 'staff') }}
        />
      )}
    </>
  );
}
