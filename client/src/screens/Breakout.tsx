import { useId, useState } from 'preact/hooks';
import type { GroupView, Seat, SessionView } from '../../../shared/session';
import { AgendaText } from '../content/AgendaText';
import { languageName, useT, useTranslation } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { Agenda } from '../ui/Agenda';
import { Broadcasts } from '../ui/Broadcasts';
import { useCommand } from '../ui/command';
import { Countdown } from '../ui/Countdown';
import { ErrorText } from '../ui/ErrorText';
import { MediaStrip } from '../ui/MediaStrip';
import { Members } from '../ui/Members';
import { colorFor, currentStep, groupLabel } from '../ui/names';
import { NotesPanel } from '../ui/NotesPanel';

interface Props {
  client: SessionClient;
  live: LiveState;
  view: SessionView;
  seat: Seat;
  group: GroupView;
}

/** One breakout table: who sits at it, the questions every table discusses, the clock, the notes. */
export function Breakout({ client, live, view, seat, group }: Props) {
  const { t, language } = useTranslation();
  const ids = { members: useId(), questions: useId() };
  const step = currentStep(view);
  const questions = step?.kind === 'breakout' ? step.questions : [];
  const label = groupLabel(t, group.id);
  return (
    <>
      <h1 data-testid="screen-title" data-screen="breakout" data-group={group.id}>
        {t('breakout.title', { group: label })}
      </h1>
      <p class="lead">{t('breakout.lead', { title: step?.title ?? '', language: languageName(group.language, language) })}</p>
      <Broadcasts client={client} broadcasts={live.broadcasts} />
      <div class="layout">
        <div class="primary">
          <Countdown client={client} view={view} offsetMs={live.offsetMs} warning={live.warning} />
          <section class="card" aria-labelledby={ids.questions}>
            <h2 id={ids.questions}>{t('breakout.questionsHeading')}</h2>
            {questions.length > 0 ? (
              <ol class="questions" data-testid="questions">
                {questions.map((q, i) => (
                  <li key={i}>{step && <AgendaText view={view} step={step} path={`questions.${i}`} text={q} />}</li>
                ))}
              </ol>
            ) : (
              <p class="muted">{t('breakout.noQuestions')}</p>
            )}
          </section>
          <NotesPanel
            heading={t('breakout.notesHeading')}
            client={client}
            connected={live.connection === 'connected'}
            groupId={group.id}
            readOnly={false}
            user={{ name: seat.name, color: colorFor(seat.memberId) }}
          />
          <MediaStrip />
        </div>
        <div class="secondary">
          <section class="card" aria-labelledby={ids.members}>
            <h2 id={ids.members}>{t('breakout.membersHeading', { count: group.members.length })}</h2>
            <div data-testid="group-members">
              <Members members={group.members} me={seat.memberId} />
            </div>
          </section>
          <HelpCall client={client} />
          <Agenda view={view} />
        </div>
      </div>
    </>
  );
}

/** Asks the moderators to come to the room; one open call at a time, as the server rules. */
function HelpCall({ client }: { client: SessionClient }) {
  const t = useT();
  const ids = { heading: useId(), message: useId() };
  const [message, setMessage] = useState('');
  const [sent, setSent] = useState(false);
  const { run, error, busy } = useCommand(client);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await run('help:call', { message: message.trim() })) {
      setSent(true);
      setMessage('');
    }
  };
  return (
    <section class="card help" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t('help.heading')}</h2>
      <form onSubmit={submit} class="form">
        <div class="field">
          <label for={ids.message}>{t('help.messageLabel')}</label>
          <textarea id={ids.message} rows={2} maxLength={500} value={message} onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('help.call')}
        </button>
      </form>
      <p role="status" class="status-text" data-testid="help-status">
        {sent ? t('help.sent') : ''}
      </p>
      <ErrorText error={error} />
    </section>
  );
}
