import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { Countdown } from '../ui/Countdown';
import { ErrorText } from '../ui/ErrorText';
import { RoomsClosing } from '../ui/RoomsClosing';
import { currentStep } from '../ui/names';

interface Props {
  client: SessionClient;
  live: LiveState;
  view: SessionView;
  canDrive: boolean;
}

const extensions = [-5, -1, 1, 5] as const;

/** Start, move on, pause, resume, extend, end: the moderator's hand on the agenda. */
export function AgendaControl({ client, live, view, canDrive }: Props) {
  const t = useT();
  const headingId = useId();
  const { run, error, busy } = useCommand(client);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const cancelEnd = useRef<HTMLButtonElement>(null);
  // The button pressed is replaced by the question: focus goes to the harmless answer.
  useEffect(() => {
    if (confirmEnd) cancelEnd.current?.focus();
  }, [confirmEnd]);
  const step = currentStep(view);
  const next = view.agenda[view.stepIndex + 1];
  const active = view.status === 'running' || view.status === 'paused';

  return (
    <section class="card agenda-control" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('console.agendaHeading')}</h2>
      <p data-testid="session-status">
        {view.status === 'lobby' && t('console.statusLobby')}
        {active && step && t('console.statusStep', { n: view.stepIndex, last: view.agenda.length - 1, title: step.title })}
        {view.status === 'ended' && t('console.statusEnded')}
      </p>
      {active && <Countdown client={client} view={view} offsetMs={live.offsetMs} warning={live.warning} />}
      <RoomsClosing client={client} view={view} offsetMs={live.offsetMs} />
      {canDrive && view.closing && (
        <div class="button-row" role="group" aria-label={t('closing.controls')}>
          <button type="button" class="primary" disabled={busy} onClick={() => void run('agenda:command', { type: 'next' })}>
            {t('closing.closeNow')}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => void run('agenda:command', { type: 'keep-open' })}>
            {t('closing.keepOpen')}
          </button>
        </div>
      )}
      {canDrive && view.status !== 'ended' && (
        <div class="controls">
          <div class="button-row">
            {view.status === 'lobby' && (
              <button type="button" class="primary" disabled={busy} onClick={() => void run('agenda:command', { type: 'start' })}>
                {t('console.start', { title: view.agenda[0]?.title ?? '' })}
              </button>
            )}
            {active && next && !view.closing && (
              <button type="button" class="primary" disabled={busy} onClick={() => void run('agenda:command', { type: 'next' })}>
                {t('console.next', { title: next.title })}
              </button>
            )}
            {view.status === 'running' && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run('agenda:command', { type: 'pause' })}>
                {t('console.pause')}
              </button>
            )}
            {view.status === 'paused' && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run('agenda:command', { type: 'resume' })}>
                {t('console.resume')}
              </button>
            )}
          </div>
          {active && (
            <div class="button-row" role="group" aria-label={t('console.extendGroup')}>
              {extensions.map((minutes) => (
                <button
                  key={minutes}
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={() => void run('agenda:command', { type: 'extend', minutes })}
                >
                  {t(minutes > 0 ? 'console.extendShort' : 'console.shortenShort', { count: Math.abs(minutes) })}
                </button>
              ))}
            </div>
          )}
          <div class="button-row">
            {!confirmEnd ? (
              <button type="button" class="danger" disabled={busy} onClick={() => setConfirmEnd(true)}>
                {t('console.endSession')}
              </button>
            ) : (
              <>
                <p class="confirm-text">{t('console.endConfirmQuestion')}</p>
                <button
                  type="button"
                  class="danger"
                  disabled={busy}
                  onClick={async () => {
                    await run('agenda:command', { type: 'end' });
                    setConfirmEnd(false);
                  }}
                >
                  {t('console.endConfirm')}
                </button>
                <button type="button" class="secondary" ref={cancelEnd} onClick={() => setConfirmEnd(false)}>
                  {t('console.cancel')}
                </button>
              </>
            )}
          </div>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  );
}
