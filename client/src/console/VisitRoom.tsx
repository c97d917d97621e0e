import { useEffect, useRef } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { Members } from '../ui/Members';
import { colorFor, groupLabel } from '../ui/names';
import { NotesPanel } from '../ui/NotesPanel';

interface Props {
  client: SessionClient;
  view: SessionView;
  seat: Seat;
  groupId: string;
  connected: boolean;
  onClose: () => void;
}

/** A moderator looks into one room: its people and its notes, read-only. */
export function VisitRoom({ client, view, seat, groupId, connected, onClose }: Props) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  const group = (view.groups ?? []).find((g) => g.id === groupId);
  useEffect(() => heading.current?.focus(), [groupId]);
  const label = groupLabel(t, groupId);
  return (
    <section class="card visit" aria-labelledby={`visit-${groupId}`} data-testid="visit-room">
      <div class="card-head">
        <h2 id={`visit-${groupId}`} ref={heading} tabIndex={-1}>
          {t('visit.heading', { group: label })}
        </h2>
        <button type="button" class="secondary" onClick={onClose}>
          {t('visit.close')}
        </button>
      </div>
      {group ? <Members members={group.members} /> : <p class="muted">{t('visit.gone')}</p>}
      <NotesPanel
        key={groupId}
        heading={t('visit.notesHeading', { group: label })}
        client={client}
        connected={connected}
        groupId={groupId}
        readOnly
        user={{ name: seat.name, color: colorFor(seat.memberId || 'staff') }}
      />
    </section>
  );
}
