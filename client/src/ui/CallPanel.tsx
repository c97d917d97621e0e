import { useEffect, useId, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { callFor, prefersAudioOnly, type CallState, type Visit } from '../media/media-call';
import { groupLabel } from './names';

interface Props {
  client: SessionClient;
  /** A moderator's visit to a table: listening hidden, or speaking there. */
  visitGroupId?: string;
}

const errorCodes = new Set([
  'MICROPHONE_DENIED',
  'MICROPHONE_MISSING',
  'CAMERA_DENIED',
  'CAMERA_MISSING',
  'DEVICE_BUSY',
  'MEDIA_UNREACHABLE',
  'NOT_ALLOWED',
  'NO_CALL',
  'UNSUPPORTED',
]);

function useCall(client: SessionClient): CallState {
  const call = callFor(client);
  const [state, setState] = useState(call.state);
  useEffect(() => {
    const off = call.subscribe(() => setState(call.state));
    setState(call.state);
    return off;
  }, [call]);
  return state;
}

/** The call of the seat (or of the table a moderator visits): join, mute, who is in it. */
export function CallPanel({ client, visitGroupId }: Props) {
  const t = useT();
  const headingId = useId();
  const call = callFor(client);
  const state = useCall(client);
  const [busy, setBusy] = useState(false);
  const inCall = state.status !== 'idle' && state.status !== 'disconnected' && state.status !== 'failed';
  const me = state.participants.find((p) => p.isLocal);
  const grant = state.grant;

  const act = (work: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };
  const devices = () => ({ video: !prefersAudioOnly() });
  const visit = (speak: boolean): Visit | null => (visitGroupId ? { groupId: visitGroupId, speak } : null);
  // Opening or closing a visit while in the call moves the call there (or back to the seat's).
  useEffect(() => {
    if (call.state.status !== 'idle') void call.visit(visit(false));
  }, [visitGroupId]);

  const error = state.error;
  const errorText = error && (errorCodes.has(error.code) ? t(`livekit.errors.${error.code}`) : t('livekit.errors.other', { message: error.message }));
  const group = visitGroupId ? groupLabel(t, visitGroupId) : '';
  return (
    <section class="card call" aria-labelledby={headingId} data-testid="call" data-state={state.status} data-room={grant?.room ?? ''}>
      <h2 id={headingId}>{t('livekit.heading')}</h2>
      <p role="status" data-testid="call-status">
        {t(`livekit.status.${state.status}`)}
        {state.status === 'connected' && grant && (
          <>
            {' · '}
            <strong class={grant.canPublish ? 'pill pill-you' : 'pill'} data-testid="call-voice">
              {grant.hidden ? t('livekit.hiddenVisit') : grant.canPublish ? t('livekit.speaking') : t('livekit.listening')}
            </strong>
          </>
        )}
      </p>
      {errorText && (
        <p class="error" role="alert" data-testid="call-error" data-code={error?.code}>
          {errorText}
        </p>
      )}
      <div class="actions">
        {!inCall && (
          <button type="button" class="primary" disabled={busy} onClick={act(() => call.join(devices(), visit(false)))}>
            {visitGroupId ? t('livekit.joinVisit', { group }) : t('livekit.join')}
          </button>
        )}
        {inCall && visitGroupId && grant?.hidden && (
          <button type="button" class="secondary" disabled={busy} onClick={act(() => call.visit(visit(true)))}>
            {t('livekit.speakVisit', { group })}
          </button>
        )}
        {inCall && grant?.canPublish && (
          <button
            type="button"
            class="secondary"
            aria-pressed={me?.microphoneOn ?? false}
            data-testid="call-microphone"
            disabled={busy || state.status !== 'connected'}
            onClick={act(() => call.setMicrophone(!(me?.microphoneOn ?? false)))}
          >
            {me?.microphoneOn ? t('livekit.mute') : t('livekit.unmute')}
          </button>
        )}
        {inCall && grant?.canPublishSources.includes('camera') && (
          <button
            type="button"
            class="secondary"
            aria-pressed={me?.cameraOn ?? false}
            disabled={busy || state.status !== 'connected'}
            onClick={act(() => call.setCamera(!(me?.cameraOn ?? false)))}
          >
            {me?.cameraOn ? t('livekit.cameraOff') : t('livekit.cameraOn')}
          </button>
        )}
        {inCall && (
          <button type="button" class="secondary" disabled={busy} onClick={act(() => call.leave())}>
            {t('livekit.leave')}
          </button>
        )}
      </div>
      {state.participants.length > 0 && (
        <>
          <h3>{t('livekit.participants', { count: state.participants.length })}</h3>
          <ul class="call-participants" data-testid="call-participants">
            {state.participants.map((p) => (
              <li key={p.id} data-participant={p.id} data-microphone={p.microphoneOn ? 'on' : 'off'} data-speaking={p.speaking ? 'yes' : 'no'}>
                <span>{p.isLocal ? t('livekit.you', { name: p.name }) : p.name}</span>
                <span class="muted"> · {p.microphoneOn ? t('livekit.micOn') : t('livekit.micOff')}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
