import type { TFunction } from 'i18next';
import { useEffect, useId, useState } from 'preact/hooks';
import type { MediaPeer, MediaPresence } from '../../../shared/media';
import type { NotesActivity, NotesGroupActivity } from '../../../shared/notes';
import type { SessionView } from '../../../shared/session';
import { languageName, useTranslation } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { Members } from '../ui/Members';
import { groupLabel } from '../ui/names';
import { MoveForm } from './MoveForm';

interface Props {
  client: SessionClient;
  view: SessionView;
  canDrive: boolean;
  /** The latest activity of the groups' notes, as the server last sent it. */
  activity: NotesActivity | null;
  /** Who is really connected to each call, as the media server reports it (LiveKit only). */
  media?: MediaPresence | null;
  onVisit: (groupId: string, opener: HTMLElement) => void;
}

const minute = 60_000;

/** "Notes: 2 writing · last edit 3 min ago": what a group's notes are doing, in words. */
function notesLine(t: TFunction, activity: NotesGroupActivity, serverNow: number): string {
  const parts = [t('rooms.notesWriting', { count: activity.writers })];
  if (activity.readers > 0) parts.push(t('rooms.notesReading', { count: activity.readers }));
  if (activity.lastEditAt === null) parts.push(t('rooms.notesNoEdits'));
  else {
    const minutes = Math.floor(Math.max(0, serverNow - activity.lastEditAt) / minute);
    parts.push(minutes === 0 ? t('rooms.notesEditedNow') : t('rooms.notesEditedMinutes', { count: minutes }));
  }
  return t('rooms.notes', { activity: parts.join(' · ') });
}

/** "In the call: Ana (speaking), Ben": who the media server says is connected to one room. */
function CallLine({ t, peers, testId }: { t: TFunction; peers: MediaPeer[]; testId: string }) {
  const names = peers.map((p) =>
    p.hidden ? t('livekit.rooms.hidden', { name: p.name }) : p.publishing.includes('microphone') ? t('livekit.rooms.audible', { name: p.name }) : p.name,
  );
  return (
    <p class="muted" data-testid={testId} data-count={peers.length}>
      {peers.length === 0 ? t('livekit.rooms.nobody') : t('livekit.rooms.inCall', { names: names.join(', ') })}
    </p>
  );
}

/** Every open room at a glance: who is in it now, open calls for help, its notes, a door to visit it. */
export function Rooms({ client, view, canDrive, activity, media, onVisit }: Props) {
  const { t, language } = useTranslation();
  const headingId = useId();
  // "last edit n min ago" grows older without any message: re-read the clock now and then.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  const notes = activity && activity.stepIndex === view.stepIndex ? activity.groups : {};
  const serverNow = client.serverNow();
  const groups = view.groups ?? [];
  const openCalls = (view.helpCalls ?? []).filter((c) => c.status === 'open' || c.status === 'acknowledged');
  return (
    <section class="card rooms" aria-labelledby={headingId} data-testid="rooms">
      <h2 id={headingId}>{t('rooms.heading')}</h2>
      <p class="muted">{t('rooms.summary', { rooms: groups.length, plenary: view.presence.plenary })}</p>
      {media && <CallLine t={t} peers={media.rooms.plenary ?? []} testId="call-presence-plenary" />}
      <div class="group-grid">
        {groups.map((g) => {
          const here = view.presence.byGroup[g.id] ?? g.members.filter((m) => m.present).length;
          const calls = openCalls.filter((c) => c.groupId === g.id).length;
          return (
            <article key={g.id} class="group-card" aria-labelledby={`room-${g.id}`} data-testid="room" data-group={g.id}>
              <h3 id={`room-${g.id}`}>{groupLabel(t, g.id)}</h3>
              <p class="muted">{t('rooms.here', { count: here, total: g.members.length })}</p>
              <p class="muted" data-testid="room-language">
                {t('grouping.groupLanguage', { language: languageName(g.language, language) })}
              </p>
              {calls > 0 && <p class="pill pill-alert">{t('rooms.calls', { count: calls })}</p>}
              <Members members={g.members} groupLanguage={g.language} />
              {media && <CallLine t={t} peers={media.rooms[`${view.stepIndex}.${g.id}`] ?? []} testId="call-presence" />}
              <p class="muted" data-testid="notes-activity">
                {notesLine(t, notes[g.id] ?? { writers: 0, readers: 0, lastEditAt: null }, serverNow)}
              </p>
              <button type="button" class="secondary" onClick={(e) => onVisit(g.id, e.currentTarget as HTMLElement)}>
                {t('rooms.visit', { group: groupLabel(t, g.id) })}
              </button>
            </article>
          );
        })}
      </div>
      {canDrive && groups.length > 1 && <MoveForm client={client} groups={groups} />}
    </section>
  );
}
