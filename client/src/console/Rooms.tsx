import { useId } from 'preact/hooks';
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
  onVisit: (groupId: string, opener: HTMLElement) => void;
}

/** Every open room at a glance: who is in it now, open calls for help, a door to visit it. */
export function Rooms({ client, view, canDrive, onVisit }: Props) {
  const t = useT();
  const headingId = useId();
  const groups = view.groups ?? [];
  const openCalls = (view.helpCalls ?? []).filter((c) => c.status !== 'resolved');
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
              <p class="muted">{t('rooms.notesActivity')}</p>
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
