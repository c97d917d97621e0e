import type { Seat, SessionView } from '../../../shared/session';
import { AgendaText } from '../content/AgendaText';
import { ListenToStep } from '../easy/Listen';
import { Icon } from '../ui/icons';
import { useT } from '../i18n/i18n';
import type { LiveState, SessionClient } from '../live/session-client';
import { Agenda } from '../ui/Agenda';
import { Broadcasts } from '../ui/Broadcasts';
import { Countdown } from '../ui/Countdown';
import { Floor } from '../ui/Floor';
import { MediaStrip } from '../ui/MediaStrip';
import { currentStep } from '../ui/names';
import { ReportBack } from '../ui/ReportBack';
import { lazyComponent } from '../ui/lazy';

const Ballot = lazyComponent(() => import('../ui/Vote').then((m) => m.Ballot));
const VoteResults = lazyComponent(() => import('../ui/Vote').then((m) => m.VoteResults));
const Questions = lazyComponent(() => import('../ui/Contributions').then((m) => m.Questions));

interface Props {
  client: SessionClient;
  live: LiveState;
  view: SessionView;
  seat: Seat;
}

/** The lobby and every plenary step: the clock, the floor, the report-back when there is one. */
export function Plenary({ client, live, view, seat }: Props) {
  const t = useT();
  const step = currentStep(view);
  const lobby = view.status === 'lobby';
  const waitingForGroup = step?.kind === 'breakout';
  const vote = step?.kind === 'vote' ? view.votes?.find((v) => v.stepIndex === view.stepIndex) : undefined;
  const reportBack = !lobby && view.reportBack.queue.length > 0 && !waitingForGroup;
  return (
    <>
      <h1 data-testid="screen-title" data-screen={lobby ? 'lobby' : 'plenary'}>
        <Icon name="everyone" class="icon-large" />
        {lobby ? t('plenary.lobbyTitle') : t('plenary.title', { title: step?.title ?? '' })}
      </h1>
      {!lobby && step && <ListenToStep view={view} step={step} path="title" text={step.title} what={t('easy.whatTitle')} />}
      <Broadcasts client={client} broadcasts={live.broadcasts} />
      <div class="layout">
        <div class="primary">
          {lobby ? (
            <p class="lead">{t('plenary.lobbyText')}</p>
          ) : (
            <Countdown client={client} view={view} offsetMs={live.offsetMs} warning={live.warning} />
          )}
          {waitingForGroup && <p class="lead">{t('plenary.waitingForGroup')}</p>}
          {step?.note && (
            <p class="step-note">
              <AgendaText view={view} step={step} path="note" text={step.note} />{' '}
              <ListenToStep view={view} step={step} path="note" text={step.note} what={t('easy.whatNote')} />
            </p>
          )}
          {reportBack && <ReportBack client={client} live={live} view={view} seat={seat} />}
          {vote && <Ballot client={client} vote={vote} seat={seat} ownVotes={live.ownVotes} />}
          {vote && <VoteResults vote={vote} />}
          <Floor client={client} view={view} seat={seat} />
          {!lobby && <Questions client={client} view={view} seat={seat} ownVotes={live.ownVotes} />}
          <MediaStrip client={client} seat={seat} />
        </div>
        <div class="secondary">
          <Agenda view={view} />
        </div>
      </div>
    </>
  );
}
