import { useId } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { groupLabel, roleLabel } from '../ui/names';

/** Calls for help from the rooms, oldest first, to acknowledge ("on my way") and resolve. */
export function HelpCalls({ client, view, offsetMs, canDrive }: { client: SessionClient; view: SessionView; offsetMs: number; canDrive: boolean }) {
  const { t, language } = useTranslation();
  const headingId = useId();
  const { run, error, busy } = useCommand(client);
  const calls = (view.helpCalls ?? []).filter((c) => c.status !== 'resolved' && c.status !== 'cancelled');
  const resolved = (view.helpCalls ?? []).length - calls.length;
  const time = new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' });
  return (
    <section class="card help-calls" aria-labelledby={headingId} data-testid="help-calls">
      <h2 id={headingId}>{t('helpCalls.heading', { count: calls.length })}</h2>
      {calls.length === 0 && <p class="muted">{t('helpCalls.none')}</p>}
      <ul class="calls">
        {calls.map((call) => (
          <li key={call.id} class={`call call-${call.status}`} data-testid="help-call" data-status={call.status}>
            <p>
              <strong>{t('helpCalls.from', { name: call.from.name, role: roleLabel(t, call.from.role) })}</strong>{' '}
              {call.groupId ? groupLabel(t, call.groupId) : t('helpCalls.plenary')}
              {' · '}
              <time dateTime={new Date(call.createdAt - offsetMs).toISOString()}>{time.format(call.createdAt - offsetMs)}</time>
            </p>
            {call.message && <p class="call-message">{call.message}</p>}
            <p class="pill">{t(`helpCalls.status.${call.status}`, { name: call.handledBy ?? '' })}</p>
            {canDrive && (
              <div class="button-row">
                {call.status === 'open' && (
                  <button type="button" class="primary small" disabled={busy} onClick={() => void run('help:update', { id: call.id, action: 'acknowledge' })}>
                    {t('helpCalls.acknowledge')}
                  </button>
                )}
                <button type="button" class="secondary small" disabled={busy} onClick={() => void run('help:update', { id: call.id, action: 'resolve' })}>
                  {t('helpCalls.resolve')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {resolved > 0 && <p class="muted">{t('helpCalls.resolvedCount', { count: resolved })}</p>}
      <ErrorText error={error} />
    </section>
  );
}
