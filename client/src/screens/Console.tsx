import { useEffect, useRef, useState } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { AgendaControl } from '../console/AgendaControl';
import { Attendance } from '../console/Attendance';
import { BroadcastForm } from '../console/BroadcastForm';
import { GroupPreview } from '../console/GroupPreview';
import { HelpCalls } from '../console/HelpCalls';
import { LanguageWarnings } from '../console/LanguageWarnings';
import { MissingTranslations } from '../console/MissingTranslations';
import { ReportQueue } from '../console/ReportQueue';
import { Rooms } from '../console/Rooms';
import { VisitRoom } from '../console/VisitRoom';
import { useT } from '../i18n/i18n';
import { SurveyRate } from '../survey/SurveyStep';
import type { LiveState, SessionClient } from '../live/session-client';
import { Agenda } from '../ui/Agenda';
import { Broadcasts } from '../ui/Broadcasts';
import { Floor } from '../ui/Floor';
import { MediaStrip } from '../ui/MediaStrip';
import { TablesOutOfBalance } from '../ui/SpeakingBalance';
import { lazyComponent } from '../ui/lazy';
import { currentStep, isStaff } from '../ui/names';

const VoteResults = lazyComponent(() => import('../ui/Vote').then((m) => m.VoteResults));
const Questions = lazyComponent(() => import('../ui/Contributions').then((m) => m.Questions));

interface Props {
  client: SessionClient;
  live: LiveState;
  view: SessionView;
  seat: Seat;
}

/**
 * The moderator's console: the agenda, the groups before they open, the rooms while they meet,
 * help calls, broadcasts, the floor, the report-back. Observers see the same without the controls.
 */
export function Console({ client, live, view, seat }: Props) {
  const t = useT();
  const canDrive = isStaff(seat.role);
  const [visiting, setVisiting] = useState<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const step = currentStep(view);
  const active = view.status === 'running' || view.status === 'paused';
  const breakout = active && step?.kind === 'breakout';
  const reportBack = !breakout && view.status !== 'ended' && view.status !== 'lobby' && view.reportBack.queue.length > 0;

  // Rooms are visited while they meet; when the breakout ends the visit ends with it.
  useEffect(() => {
    if (!breakout && visiting) setVisiting(null);
  }, [breakout, visiting]);

  const visit = (groupId: string, from: HTMLElement) => {
    opener.current = from;
    setVisiting(groupId);
  };
  const closeVisit = () => {
    setVisiting(null);
    const back = opener.current;
    opener.current = null;
    if (back?.isConnected) back.focus();
  };

  return (
    <>
      <h1 data-testid="screen-title" data-screen="console">
        {canDrive ? t('console.title') : t('console.observerTitle')}
      </h1>
      <p class="lead">{t('console.presence', { connected: view.presence.connected, roster: view.presence.roster })}</p>
      <Broadcasts client={client} broadcasts={live.broadcasts} />
      <div class="layout console">
        <div class="primary">
          <AgendaControl client={client} live={live} view={view} canDrive={canDrive} />
          <SurveyRate view={view} />
          {visiting && breakout && <VisitRoom client={client} view={view} seat={seat} groupId={visiting} connected={live.connection === 'connected'} onClose={closeVisit} />}
          {breakout && <Rooms client={client} view={view} canDrive={canDrive} activity={live.notesActivity} media={live.mediaPresence} onVisit={visit} />}
          {breakout && <TablesOutOfBalance balance={live.speaking} groups={view.groups ?? []} />}
          {reportBack && <ReportQueue client={client} live={live} view={view} seat={seat} canDrive={canDrive} />}
          {canDrive && <MissingTranslations view={view} />}
          <GroupPreview client={client} view={view} canDrive={canDrive} />
          {!breakout && view.status !== 'ended' && <Floor client={client} view={view} seat={seat} moderate={canDrive} />}
          {(view.votes ?? []).slice().reverse().map((vote) => <VoteResults key={vote.stepIndex} vote={vote} />)}
          <Questions client={client} view={view} seat={seat} ownVotes={null} moderate={canDrive} />
          {view.status !== 'ended' && <MediaStrip client={client} seat={seat} {...(visiting && breakout ? { visitGroupId: visiting } : {})} />}
        </div>
        <div class="secondary">
          <HelpCalls client={client} view={view} offsetMs={live.offsetMs} canDrive={canDrive} />
          <LanguageWarnings view={view} />
          {canDrive && view.status !== 'ended' && view.missing && <Attendance client={client} view={view} />}
          {canDrive && <BroadcastForm client={client} view={view} />}
          <Agenda view={view} />
        </div>
      </div>
    </>
  );
}
