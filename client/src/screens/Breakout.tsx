import { useId, useState } from 'preact/hooks';
import type { GroupView, OwnHelpCall, Seat, SessionView } from '../../../shared/session';
import { AgendaText } from '../content/AgendaText';
import { ListenToStep } from '../easy/Listen';
import { Icon } from '../ui/icons';
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
import { TableBalance } from '../ui/SpeakingBalance';
import { RoomsClosing } from '../ui/RoomsClosing';
import { lazyComponent } from '../ui/lazy';

const TableContributions = lazyComponent(() => import('../ui/Contributions').then((m) => m.TableContributions));

interface Props {
  client: SessionClient;
  live: LiveState;
  view: SessionView;
  seat: Seat;
  group: GroupView;
}

/**
 * One breakout table. On a phone the first screen holds what the table needs at a glance (the
 * clock, the questions, the call for help); the notes come next, then who sits here.
 */
export function Breakout({ client, live, view, seat, group }: Props) {
  const { t, language } = useTranslation();
  const ids = { members: useId(), questions: useId() };
  // The notes open with one heading per question: once they are open, the questions are read there.
  const [notesOpen, setNotesOpen] = useState(false);
  const step = currentStep(view);
  const questions = step?.kind === 'breakout' ? step.questions : [];
  const label = groupLabel(t, group.id);
  return (
    <>
      <h1 data-testid="screen-title" data-screen="breakout" data-group={group.id}>
        <Icon name="table" class="icon-large" />
        {t('breakout.title', { group: label })}
      </h1>
      <p class="lead">{t('breakout.lead', { title: step?.title ?? '', language: languageName(group.language, language) })}</p>
      {step && <ListenToStep view={view} step={step} path="title" text={step.title} what={t('easy.whatTitle')} />}
      {live.moved && live.moved.to === group.id && (
        <div class="broadcast moved-notice" role="alert" data-testid="moved-notice">
          <p>{t('moved.notice', { from: groupLabel(t, live.moved.from), to: label })}</p>
          <button type="button" class="ghost" onClick={() => client.dismissMoved()}>
            <Icon name="close" />
            {t('moved.dismiss')}
          </button>
        </div>
      )}
      <RoomsClosing client={client} view={view} offsetMs={live.offsetMs} />
      <Broadcasts client={client} broadcasts={live.broadcasts} />
      <div class="layout">
        <div class="primary">
          <Countdown client={client} view={view} offsetMs={live.offsetMs} warning={live.warning} />
          {!(notesOpen && questions.length > 0) && (
            <section class="card" aria-labelledby={ids.questions}>
              <h2 id={ids.questions}>
                <Icon name="agenda" />
                {t('breakout.questionsHeading')}
              </h2>
              {questions.length > 0 ? (
                <ol class="questions" data-testid="questions">
                  {questions.map((q, i) => (
                    <li key={i}>
                      {step && (
                        <>
                          <AgendaText view={view} step={step} path={`questions.${i}`} text={q} />{' '}
                          <ListenToStep view={view} step={step} path={`questions.${i}`} text={q} what={t('easy.whatQuestion', { n: i + 1 })} />
                        </>
                      )}
                    </li>
                  ))}
                </ol>
              ) : (
                <p class="muted">{t('breakout.noQuestions')}</p>
              )}
            </section>
          )}
          <HelpCall client={client} call={live.helpCall} />
          {seat.role === 'notetaker' && group.members.some((m) => m.voiceOnly) && (
            <p class="voice-only-hint" data-testid="voice-only-hint">
              <Icon name="voice" />
              {t('easy.noteForVoice', { names: group.members.filter((m) => m.voiceOnly).map((m) => m.name).join(', ') })}
            </p>
          )}
          <NotesPanel
            heading={t('breakout.notesHeading')}
            client={client}
            connected={live.connection === 'connected'}
            groupId={group.id}
            language={group.language}
            readOnly={false}
            user={{ name: seat.name, color: colorFor(seat.memberId) }}
            {...(questions.length > 0 && step
              ? {
                  // The questions are read in the notes; they can still be heard from here.
                  intro: (
                    <p class="muted">
                      {t('breakout.questionsInNotes', { count: questions.length })}{' '}
                      {questions.map((q, i) => (
                        <ListenToStep key={i} view={view} step={step} path={`questions.${i}`} text={q} what={t('easy.whatQuestion', { n: i + 1 })} />
                      ))}
                    </p>
                  ),
                }
              : {})}
            onReady={setNotesOpen}
          />
          {(seat.role === 'notetaker' || seat.role === 'facilitator') && <TableContributions client={client} view={view} group={group} />}
          <MediaStrip client={client} seat={seat} />
        </div>
        <div class="secondary">
          <section class="card" aria-labelledby={ids.members}>
            <h2 id={ids.members}>
              <Icon name="table" />
              {t('breakout.membersHeading', { count: group.members.length })}
            </h2>
            <div data-testid="group-members">
              <Members members={group.members} me={seat.memberId} {...(seat.role === 'facilitator' ? { markVoiceOnly: client } : {})} />
            </div>
          </section>
          {seat.role === 'facilitator' && <TableBalance balance={live.speaking} group={group} />}
          <Agenda view={view} />
        </div>
      </div>
    </>
  );
}

/**
 * Asks the moderators to come to the room, and tells the caller what became of it: sent, a
 * moderator on the way, resolved. One open call at a time, as the server rules; it can be cancelled.
 */
function HelpCall({ client, call }: { client: SessionClient; call: OwnHelpCall | null }) {
  const t = useT();
  const ids = { heading: useId(), message: useId() };
  const [message, setMessage] = useState('');
  const { run, error, busy } = useCommand(client);
  const open = call !== null && (call.status === 'open' || call.status === 'acknowledged');
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await run('help:call', { message: message.trim() })) setMessage('');
  };
  return (
    <section class="card help" aria-labelledby={ids.heading} data-testid="help">
      <h2 id={ids.heading}>
        <Icon name="help" />
        {t('help.heading')}
      </h2>
      {!open && (
        <form onSubmit={submit} class="help-form">
          <label for={ids.message}>{t('help.messageLabel')}</label>
          <div class="help-row">
            <textarea id={ids.message} rows={1} maxLength={500} value={message} onInput={(e) => setMessage((e.currentTarget as HTMLTextAreaElement).value)} />
            <button type="submit" class="primary" disabled={busy}>
              <Icon name="help" />
              {t('help.call')}
            </button>
          </div>
        </form>
      )}
      <p role="status" class="status-text" data-testid="help-status" data-status={call?.status ?? 'none'}>
        {call ? t(`help.status.${call.status}`, { name: call.handledBy ?? '' }) : ''}
      </p>
      {open && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void run('help:cancel', { id: call.id })}>
          <Icon name="close" />
          {t('help.cancel')}
        </button>
      )}
      <ErrorText error={error} />
    </section>
  );
}
