import type { TFunction } from 'i18next';
import { useEffect, useId, useState } from 'preact/hooks';
import type { NotesActivity, NotesGroupActivity } from '../../../shared/notes';
import type { SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
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

/** Every open room at a glance: who is in it now, open calls for help, its notes, a door to visit it. */
export function Rooms({ client, view, canDrive, activity, onVisit }: Props) {
  const t = useT();
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
      <div class="group-grid">
        {groups.map((g) => {
          const here = view.presence.byGroup[g.id] ?? g.members.filter((m) => m.present).length;
          const calls = openCalls.filter((c) => c.groupId === g.id).length;
          return (
            <article key={g.id} class="group-card" aria-labelledby={`room-${g.id}`} data-testid="room" data-group={g.id}>
              <h3 id={`room-${g.id}`}>{groupLabel(t, g.id)}</h3>
              <p class="muted">{t('rooms.here', { count: here, total: g.members.length })}</p>
              {calls > 0 && <p class="pill pill-alert">{t('rooms.calls', { count: calls })}</p>}
              <Members members={g.members} />
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
