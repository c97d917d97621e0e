import { useId, useState } from 'preact/hooks';
import type { MissingPerson, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { errorText } from '../ui/command';
import { ErrorText } from '../ui/ErrorText';
import { roleLabel } from '../ui/names';

/** Who on the roster is not here, each with their invitation to send again. */
export function Attendance({ client, view }: { client: SessionClient; view: SessionView }) {
  const t = useT();
  const headingId = useId();
  const missing = view.missing ?? [];
  return (
    <section class="card attendance" aria-labelledby={headingId} data-testid="attendance">
      <h2 id={headingId}>{t('attendance.heading', { count: missing.length })}</h2>
      {missing.length === 0 ? (
        <p class="muted">{t('attendance.everyone')}</p>
      ) : (
        <ul class="missing">
          {missing.map((person) => (
            <MissingRow key={person.id} client={client} person={person} />
          ))}
        </ul>
      )}
    </section>
  );
}

function MissingRow({ client, person }: { client: SessionClient; person: MissingPerson }) {
  const t = useT();
  const linkId = useId();
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const copy = async () => {
    setError(null);
    setCopied(false);
    const reply = await client.inviteLink(person.id);
    if (!reply.ok) return setError(errorText(t, reply.error));
    setLink(reply.link);
    try {
      // Over plain http on a LAN there is no clipboard: the link stays shown to copy by hand.
      await navigator.clipboard.writeText(reply.link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <li data-testid="missing-person" data-member={person.id} data-status={person.status}>
      <p>
        <strong><bdi>{person.name}</bdi></strong> ({roleLabel(t, person.role)}) · <span class="muted">{t(`attendance.status.${person.status}`)}</span>
      </p>
      <button type="button" class="secondary small" onClick={() => void copy()}>
        {t('attendance.copy', { name: person.name })}
      </button>
      {link && (
        <div class="field">
          <label for={linkId}>{t('attendance.linkLabel', { name: person.name })}</label>
          <input id={linkId} type="text" readOnly value={link} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} data-testid="invite-link" />
        </div>
      )}
      <p role="status" class="status-text">
        {copied ? t('attendance.copied') : ''}
      </p>
      <ErrorText error={error} />
    </li>
  );
}
