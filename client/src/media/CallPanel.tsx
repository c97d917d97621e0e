import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Seat } from '../../../shared/session';
import { useT } from '../i18n/i18n';
import { useSubscribed } from '../ui/hooks';
import { Icon } from '../ui/icons';
import { isStaff } from '../ui/names';
import type { SessionClient } from '../live/session-client';
import { callOf, type Call, type CallState } from './call';
import { deviceErrorOf, type DeviceError } from './devices';
import { LevelMeter } from './level-meter';
import type { DeviceChoice, MediaParticipant } from './media-room';
import './call.css';

/** The call as a person sees it: the check before joining, then the controls and the tiles. */
export default function CallPanel({ client, seat, visitGroupId }: { client: SessionClient; seat: Seat; visitGroupId?: string }) {
  const call = callOf(client);
  const state = useSubscribed(call);
  // A moderator opening a table's visit takes the call there (listening, unseen), and back after.
  useEffect(() => {
    void call.visit(visitGroupId ?? null);
  }, [call, visitGroupId]);
  if (state.stage === 'check' || state.stage === 'left') return <PreJoin call={call} state={state} />;
  if (state.stage === 'none') return <NoCall state={state} />;
  return <InCall call={call} state={state} seat={seat} visitGroupId={visitGroupId} />;
}

/** The error a person can act on, in words. */
export function errorText(t: TFunction, error: { code: string; message: string }): string {
  const known = ['MIC_DENIED', 'MIC_MISSING', 'MIC_BUSY', 'CAMERA_DENIED', 'CAMERA_MISSING', 'CAMERA_BUSY', 'DEVICE_FAILED', 'OFFLINE', 'TIMEOUT', 'NOT_ALLOWED'];
  return known.includes(error.code) ? t(`media.errors.${error.code}`) : t('media.errors.other');
}

/** Microphone level, camera preview and device pickers; the choice is remembered on this device. */
function PreJoin({ call, state }: { call: Call; state: CallState }) {
  const t = useT();
  const ids = { video: useId(), meter: useId() };
  const [choice, setChoice] = useState<DeviceChoice>(state.choice);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [level, setLevel] = useState(0);
  const [problem, setProblem] = useState<DeviceError | null>(null);
  const [checking, setChecking] = useState(false);
  const preview = useRef<HTMLVideoElement>(null);
  // Data saver: the check opens the microphone only, and the camera is not offered.
  const video = choice.video && !state.audioOnly;

  useEffect(() => {
    if (!checking) return;
    let stream: MediaStream | null = null;
    let meter: LevelMeter | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let cancelled = false;
    (async () => {
      try {
        const opened = await navigator.mediaDevices.getUserMedia({
          audio: choice.microphoneId ? { deviceId: { ideal: choice.microphoneId } } : true,
          video: video ? (choice.cameraId ? { deviceId: { ideal: choice.cameraId } } : true) : false,
        });
        if (cancelled) return opened.getTracks().forEach((tr) => tr.stop());
        stream = opened;
        setProblem(null);
        setDevices(await navigator.mediaDevices.enumerateDevices());
        meter = new LevelMeter(new MediaStream(opened.getAudioTracks()));
        timer = setInterval(() => setLevel(meter!.level()), 100);
        if (preview.current) preview.current.srcObject = video ? new MediaStream(opened.getVideoTracks()) : null;
      } catch (error) {
        if (!cancelled) setProblem(deviceErrorOf(error, 'microphone'));
      }
    })();
    return () => {
      cancelled = true;
      clearInterval(timer);
      meter?.close();
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [checking, choice.microphoneId, choice.cameraId, video]);

  const microphones = devices.filter((d) => d.kind === 'audioinput');
  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const join = () => {
    setChecking(false);
    void call.join(choice);
  };
  return (
    <div class="call-check" data-testid="call-check">
      <p>{state.stage === 'left' ? t('media.leftText') : t('media.checkText')}</p>
      {state.audioOnly && (
        <p class="muted" data-testid="call-audio-only">
          {t('saver.audioOnly')}
        </p>
      )}
      {!checking ? (
        <div class="button-row">
          <button type="button" class="secondary" onClick={() => setChecking(true)}>
            {t('media.checkDevices')}
          </button>
          <button type="button" class="primary" onClick={join} data-testid="call-join">
            <Icon name="microphone" />
            {t('media.join')}
          </button>
        </div>
      ) : (
        <>
          <div class="field">
            <span id={ids.meter}>{t('media.levelLabel')}</span>
            <meter class="level-meter" aria-labelledby={ids.meter} min={0} max={1} low={0.1} high={0.85} optimum={0.5} value={level} data-testid="mic-level" />
          </div>
          <div class="field-row">
            <DevicePicker
              label={t('media.microphoneLabel')}
              devices={microphones}
              unnamed={(n) => t('media.microphoneN', { n })}
              value={choice.microphoneId}
              onChange={(microphoneId) => setChoice({ ...choice, microphoneId })}
            />
            {!state.audioOnly && (
              <DevicePicker
                label={t('media.cameraLabel')}
                devices={cameras}
                unnamed={(n) => t('media.cameraN', { n })}
                value={choice.cameraId}
                disabled={!choice.video}
                onChange={(cameraId) => setChoice({ ...choice, cameraId })}
              />
            )}
          </div>
          {!state.audioOnly && (
            <label class="choice" for={ids.video}>
              <input id={ids.video} type="checkbox" checked={choice.video} onChange={(e) => setChoice({ ...choice, video: (e.currentTarget as HTMLInputElement).checked })} />
              {t('media.videoOnJoin')}
            </label>
          )}
          {video && <video class="self-preview" ref={preview} autoplay muted playsInline aria-label={t('media.previewLabel')} />}
          <div class="button-row">
            <button type="button" class="primary" onClick={join} data-testid="call-join">
              <Icon name={problem ? 'listen' : 'microphone'} />
              {problem ? t('media.joinListening') : t('media.join')}
            </button>
          </div>
        </>
      )}
      <p class="error-text" role="alert">
        {problem ? errorText(t, problem) : ''}
      </p>
    </div>
  );
}

/** One kind of device to choose from; labels appear once the browser may name them (after the first permission). */
function DevicePicker(props: {
  label: string;
  devices: MediaDeviceInfo[];
  unnamed: (n: number) => string;
  value: string | undefined;
  disabled?: boolean;
  onChange: (deviceId: string | undefined) => void;
}) {
  const t = useT();
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value ?? ''} disabled={props.disabled} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value || undefined)}>
        <option value="">{t('media.defaultDevice')}</option>
        {props.devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || props.unnamed(i + 1)}
          </option>
        ))}
      </select>
    </div>
  );
}

function NoCall({ state }: { state: CallState }) {
  const t = useT();
  const reason = state.ticket?.mode === 'none' ? state.ticket.reason : 'no-room';
  return (
    <p class="muted" data-testid="call-none">
      {reason === 'mesh-plenary-full' ? t('media.plenaryFull') : t('media.noCall')}
    </p>
  );
}

/** Where this person stands in the call, said plainly: listening, or heard by everyone. */
function standing(t: TFunction, state: CallState, seat: Seat): string {
  const ticket = state.ticket;
  if (!ticket || ticket.mode === 'none') return '';
  const plenary = ticket.grant.room.endsWith('.plenary');
  if (ticket.grant.hidden) return t('media.visitingHidden');
  if (!ticket.grant.canPublish) return t('media.listening');
  if (!plenary) return t('media.tableSpeaking');
  return isStaff(seat.role) ? t('media.leading') : t('media.haveFloor');
}

function InCall({ call, state, seat, visitGroupId }: { call: Call; state: CallState; seat: Seat; visitGroupId: string | undefined }) {
  const t = useT();
  const canPublish = state.ticket?.mode !== 'none' && !!state.ticket?.grant.canPublish;
  const speaking = standing(t, state, seat);
  const reconnecting = state.connection === 'connecting' || state.connection === 'reconnecting';
  return (
    <div class="call" data-testid="call" data-connection={state.connection} data-room={state.ticket?.mode === 'none' ? '' : (state.ticket?.grant.room ?? '')}>
      <p class={canPublish ? 'call-standing speaking' : 'call-standing'} data-testid="call-standing" aria-live="polite">
        {speaking}
      </p>
      <div class="call-controls" role="group" aria-label={t('media.controlsLabel')}>
        {canPublish && (
          <button
            type="button"
            class="secondary call-button"
            aria-pressed={!state.microphoneOn}
            onClick={() => void call.setMicrophone(!state.microphoneOn)}
            data-testid="call-mute"
          >
            <Icon name="microphone" />
            {state.microphoneOn ? t('media.mute') : t('media.unmute')}
          </button>
        )}
        {canPublish && !state.audioOnly && (
          <button type="button" class="secondary call-button" aria-pressed={state.cameraOn} onClick={() => void call.setCamera(!state.cameraOn)} data-testid="call-camera">
            {state.cameraOn ? t('media.cameraOff') : t('media.cameraOn')}
          </button>
        )}
        {visitGroupId && state.ticket?.mode !== 'none' && state.ticket?.grant.hidden && (
          <button type="button" class="secondary call-button" onClick={() => void call.visit(visitGroupId, true)}>
            {t('media.speakAtTable')}
          </button>
        )}
        <button type="button" class="ghost call-button" onClick={() => void call.leave()} data-testid="call-leave">
          <Icon name="leave" />
          {t('media.leave')}
        </button>
      </div>
      {state.audioOnly && (
        <p class="muted" data-testid="call-audio-only">
          {t('saver.audioOnly')}
        </p>
      )}
      <p class="status-text" role="status">
        {reconnecting ? t('media.connecting') : state.connection === 'failed' ? t('media.failed') : ''}
      </p>
      <p class="error-text" role="alert">
        {state.error ? errorText(t, state.error) : ''}
      </p>
      <ul class="tiles" aria-label={t('media.tilesLabel')} data-testid="call-tiles">
        {state.participants.map((p) => (
          <Tile key={p.id} participant={p} />
        ))}
      </ul>
    </div>
  );
}

function Tile({ participant }: { participant: MediaParticipant }) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = participant.video ? new MediaStream([participant.video]) : null;
  }, [participant.video]);
  const name = participant.isLocal ? t('media.you', { name: participant.name }) : participant.name;
  return (
    <li class={participant.speaking ? 'tile speaking' : 'tile'} data-testid="call-tile" data-participant={participant.id} data-speaking={participant.speaking ? 'true' : 'false'}>
      {participant.cameraOn && participant.video ? (
        <video ref={video} autoplay muted playsInline aria-hidden="true" />
      ) : (
        <span class="tile-initial" aria-hidden="true">
          {participant.name.slice(0, 1).toUpperCase()}
        </span>
      )}
      <span class="tile-name">
        <bdi>{name}</bdi>
        {participant.speaking && <span class="visually-hidden">{t('media.speakingNow')}</span>}
      </span>
      {!participant.microphoneOn && <span class="tile-muted">{t('media.muted')}</span>}
    </li>
  );
}
