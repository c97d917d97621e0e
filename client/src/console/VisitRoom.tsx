import { useEffect, useRef, useState } from 'preact/hooks';
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
  const [speaking, setSpeaking] = useState(false);
  // The moderator's call follows the visit: listening unseen at this table, back to their own seat after.
  useEffect(() => {
    setSpeaking(false);
    void visitInCall(client, groupId, false);
    return () => void visitInCall(client, null, false);
  }, [client, groupId]);
  const speak = () => {
    setSpeaking(true);
    void visitInCall(client, groupId, true);
  };
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
      {group ? (
        // Staff visiting a table may mark who there takes part by voice only, as its facilitator may.
        <Members members={group.members} {...(seat.role === 'moderator' || seat.role === 'organizer' ? { markVoiceOnly: client } : {})} />
      ) : (
        <p class="muted">{t('visit.gone')}</p>
      )}
      <p class="muted" data-testid="visit-call">
        {speaking ? t('livekit.visitSpeaking', { group: label }) : t('livekit.visitListening', { group: label })}
      </p>
      {!speaking && (
        <button type="button" class="secondary" onClick={speak}>
          {t('livekit.speakVisit', { group: label })}
        </button>
      )}
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

/** The call's code loads on demand (it stays out of the first screen); the visit waits for it. */
async function visitInCall(client: SessionClient, groupId: string | null, speak: boolean): Promise<void> {
  const { callOf } = await import('../media/call');
  await callOf(client).visit(groupId, speak);
}
