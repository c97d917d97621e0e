import { useId, useState } from 'preact/hooks';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { currentStep, groupLabel } from '../ui/names';

const everyone = '__all__';

/** A message to every room, or to one group while groups meet. */
export function BroadcastForm({ client, view }: { client: SessionClient; view: SessionView }) {
  const t = useT();
  const ids = { heading: useId(), text: useId(), target: useId() };
  const [text, setText] = useState('');
  const [target, setTarget] = useState(everyone);
  const [sent, setSent] = useState(false);
  const { run, error, busy } = useCommand(client);
  const breakout = currentStep(view)?.kind === 'breakout' && (view.status === 'running' || view.status === 'paused');
  const groups = breakout ? (view.groups ?? []) : [];
  const to = groups.some((g) => g.id === target) ? target : everyone;

  const submit = async (event: Event) => {
    event.preventDefault();
    setSent(false);
    if (await run('broadcast:send', to === everyone ? { text } : { text, groupId: to })) {
      setText('');
      setSent(true);
    }
  };

  return (
    <section class="card" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t('broadcastForm.heading')}</h2>
      <form class="form" onSubmit={submit}>
        <div class="field">
          <label for={ids.text}>{t('broadcastForm.textLabel')}</label>
          <textarea id={ids.text} rows={2} maxLength={500} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <div class="field">
          <label for={ids.target}>{t('broadcastForm.targetLabel')}</label>
          <select id={ids.target} value={to} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
            <option value={everyone}>{t('broadcastForm.everyone')}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {groupLabel(t, g.id)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={busy || text.trim() === '' || view.status === 'ended'}>
          {t('broadcastForm.send')}
        </button>
      </form>
      <p role="status" class="status-text">
        {sent ? t('broadcastForm.sent') : ''}
      </p>
      <ErrorText error={error} />
    </section>
  );
}
