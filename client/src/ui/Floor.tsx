import { useId } from 'preact/hooks';
import type { Seat, SessionView } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from './command';
import { ErrorText } from './ErrorText';
import { Icon } from './icons';
import { takesPart } from './names';

interface Props {
  client: SessionClient;
  view: SessionView;
  seat: Seat;
  /** Moderators may lower anyone's hand. */
  moderate?: boolean;
}

/** Plenary floor: who may speak now, who asked to, and the raise-hand button. */
export function Floor({ client, view, seat, moderate = false }: Props) {
  const t = useT();
  const headingId = useId();
  const { run, error, busy } = useCommand(client);
  const raised = view.hands.some((h) => h.id === seat.memberId);
  const canRaise = takesPart(seat.role) && view.status !== 'ended';
  const iSpeak = view.speakers.some((s) => s.id === seat.memberId);
  const iHaveFloor = view.floor !== null && view.floor.id === seat.memberId;

  return (
    <section class="card floor" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('floor.heading')}</h2>
      {view.speakers.length > 0 ? (
        <p data-testid="speakers">{t('floor.speakers', { names: view.speakers.map((s) => s.name).join(', ') })}</p>
      ) : (
        <p class="muted">{t('floor.noSpeakers')}</p>
      )}
      {iSpeak && <p class="pill pill-you">{t('floor.youMaySpeak')}</p>}
      {/* Everyone hears who has the floor; a screen reader too, as it changes. */}
      <p data-testid="floor-holder" role="status">
        {view.floor ? (iHaveFloor ? <strong class="pill pill-you">{t('floor.youHaveFloor')}</strong> : t('floor.holder', { name: view.floor.name })) : <span class="muted">{t('floor.nobody')}</span>}
      </p>
      {iHaveFloor && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void run('floor:give', { memberId: null })}>
          <Icon name="check" />
          {t('floor.handBack')}
        </button>
      )}
      {moderate && view.floor && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void run('floor:give', { memberId: null })}>
          {t('floor.takeBack', { name: view.floor.name })}
        </button>
      )}
      {canRaise && !iHaveFloor && (
        <button
          type="button"
          class={raised ? 'secondary' : 'primary'}
          aria-pressed={raised}
          disabled={busy}
          onClick={() => void run('hand:raise', { raised: !raised })}
        >
          <Icon name="hand" />
          {raised ? t('floor.lowerHand') : t('floor.raiseHand')}
        </button>
      )}
      <ErrorText error={error} />
      <h3>{t('floor.handsHeading', { count: view.hands.length })}</h3>
      {view.hands.length === 0 ? (
        <p class="muted">{t('floor.noHands')}</p>
      ) : (
        <ol class="hands" data-testid="hands">
          {view.hands.map((h) => (
            <li key={h.id}>
              <bdi>{h.name}</bdi>
              {moderate && (
                <button type="button" class="primary small" disabled={busy} onClick={() => void run('floor:give', { memberId: h.id })}>
                  {t('floor.giveTo', { name: h.name })}
                </button>
              )}
              {moderate && (
                <button type="button" class="secondary small" disabled={busy} onClick={() => void run('hand:lower', { memberId: h.id })}>
                  {t('floor.lowerHandOf', { name: h.name })}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {moderate && view.hands.length > 1 && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void run('hands:clear', {})}>
          {t('floor.lowerAll')}
        </button>
      )}
    </section>
  );
}
