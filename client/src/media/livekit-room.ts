import {
  ConnectionQuality,
  ConnectionState,
  DisconnectReason,
  MediaDeviceFailure,
  ParticipantEvent,
  Room,
  RoomEvent,
  Track,
  type Participant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from 'livekit-client';
import type { MediaTicket } from '../../../shared/media';
import { deviceErrorOf, type DeviceError } from './devices';
import type { DeviceChoice, MediaConnectionState, MediaParticipant, MediaRoom, MediaRoomEvents } from './media-room';

type LivekitTicket = Extract<MediaTicket, { mode: 'livekit' }>;
type Listeners = { [E in keyof MediaRoomEvents]: Set<MediaRoomEvents[E]> };

/** The media server out of reach, or a refusal: coded for the screens like the devices' errors. */
export class MediaError extends Error {
  constructor(
    readonly code: 'MEDIA_UNREACHABLE' | 'NOT_ALLOWED',
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}

const levelsEveryMs = 250;

const states: Record<ConnectionState, MediaConnectionState> = {
  [ConnectionState.Disconnected]: 'disconnected',
  [ConnectionState.Connecting]: 'connecting',
  [ConnectionState.Connected]: 'connected',
  [ConnectionState.Reconnecting]: 'reconnecting',
  [ConnectionState.SignalReconnecting]: 'reconnecting',
};

/** A device problem in the call's own codes (denied, missing, busy); a refusal to publish as NOT_ALLOWED. */
function deviceError(error: unknown, device: 'microphone' | 'camera'): DeviceError | MediaError {
  // LiveKit refuses to publish without the grant: the screens should not have offered it.
  if (!MediaDeviceFailure.getFailure(error) && error instanceof Error && /permission/i.test(error.message)) return new MediaError('NOT_ALLOWED', error.message);
  return deviceErrorOf(error, device);
}

/**
 * A call through a LiveKit server (livekit-client 2): adaptive stream and dynacast so each person
 * receives only what their tiles show, remote audio played through hidden elements, levels for
 * the speaking balance. Loaded on demand: it is most of a call's code.
 */
export class LivekitRoom implements MediaRoom {
  readonly mode = 'livekit' as const;
  readonly #listeners: Listeners = { state: new Set(), participants: new Set(), levels: new Set(), quality: new Set() };
  readonly #audio = new Map<string, HTMLMediaElement>();
  #room: Room | null = null;
  #ticket: LivekitTicket | null = null;
  #levels: ReturnType<typeof setInterval> | undefined;
  #state: MediaConnectionState = 'idle';
  #audioOnly = false;
  /** Whether the room was joined subscribing to everything (data saver off then). */
  #autoSubscribed = true;

  /** The LiveKit room underneath, for diagnostics (connection quality, statistics). */
  get room(): Room | null {
    return this.#room;
  }

  on<E extends keyof MediaRoomEvents>(event: E, listener: MediaRoomEvents[E]): () => void {
    (this.#listeners[event] as Set<MediaRoomEvents[E]>).add(listener);
    return () => (this.#listeners[event] as Set<MediaRoomEvents[E]>).delete(listener);
  }

  async connect(ticket: Exclude<MediaTicket, { mode: 'none' }>, devices: DeviceChoice): Promise<void> {
    if (ticket.mode !== 'livekit') throw new Error('A LiveKit room needs a LiveKit ticket.');
    // Already in that room (the floor given or taken back, a visitor now speaking): LiveKit has
    // applied the new permissions where the person is; only what they publish follows.
    if (this.#room && this.#ticket?.url === ticket.url && this.#ticket.grant.room === ticket.grant.room && this.#state === 'connected') {
      const before = this.#ticket.grant;
      this.#ticket = ticket;
      this.setAudioOnly(devices.audioOnly === true);
      if (!before.canPublish && ticket.grant.canPublish && (await this.#allowed(this.#room))) await this.#publish(ticket, devices);
      if (before.canPublish && !ticket.grant.canPublish) await this.#room.localParticipant.setMicrophoneEnabled(false).catch(() => undefined);
      this.#emitParticipants();
      return;
    }
    await this.disconnect();
    this.#ticket = ticket;
    this.#audioOnly = devices.audioOnly === true;
    this.#autoSubscribed = !this.#audioOnly;
    const room = new Room({
      adaptiveStream: true,
      dynacast: true,
      audioCaptureDefaults: { deviceId: devices.microphoneId, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      videoCaptureDefaults: { deviceId: devices.cameraId },
      // The page leaving is a departure, not a network drop to wait out.
      disconnectOnPageLeave: true,
    });
    this.#room = room;
    this.#wire(room);
    this.#setState('connecting');
    try {
      await room.connect(ticket.url, ticket.token, {
        // In data saver only the voices are subscribed to, one by one (see #follow).
        autoSubscribe: this.#autoSubscribed,
        ...(ticket.iceServers ? { rtcConfig: { iceServers: ticket.iceServers } } : {}),
      });
    } catch (error) {
      if (this.#room !== room) return;
      this.#room = null;
      this.#setState('failed', { code: 'MEDIA_UNREACHABLE', message: error instanceof Error ? error.message : String(error) });
      throw new MediaError('MEDIA_UNREACHABLE', 'The call could not be reached.');
    }
    this.#setState('connected');
    if (this.#audioOnly) this.#followAll(room);
    this.#levels = setInterval(() => this.#emitLevels(), levelsEveryMs);
    // Started inside the user's gesture that opened the call, so the browser lets it play.
    await room.startAudio().catch(() => undefined);
    if (ticket.grant.canPublish) await this.#publish(ticket, devices);
    this.#emitParticipants();
  }

  /** The server's word that this participant may publish, which can come just after the new ticket. */
  #allowed(room: Room, timeoutMs = 10_000): Promise<boolean> {
    const local = room.localParticipant;
    if (local.permissions?.canPublish) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        local.off(ParticipantEvent.ParticipantPermissionsChanged, check);
        resolve(local.permissions?.canPublish === true);
      };
      const check = () => local.permissions?.canPublish && finish();
      const timer = setTimeout(finish, timeoutMs);
      local.on(ParticipantEvent.ParticipantPermissionsChanged, check);
    });
  }

  async #publish(ticket: LivekitTicket, devices: DeviceChoice): Promise<void> {
    const sources = ticket.grant.canPublishSources;
    if (sources.includes('microphone')) await this.setMicrophone(true);
    if (devices.video && sources.includes('camera')) await this.setCamera(true);
  }

  async disconnect(): Promise<void> {
    const room = this.#room;
    this.#room = null;
    this.#ticket = null;
    clearInterval(this.#levels);
    for (const element of this.#audio.values()) element.remove();
    this.#audio.clear();
    if (room) await room.disconnect();
    if (this.#state !== 'idle') this.#setState('disconnected');
  }

  setAudioOnly(on: boolean): void {
    if (on === this.#audioOnly) return;
    this.#audioOnly = on;
    if (this.#room) this.#followAll(this.#room);
  }

  /** Subscribes to a track as data saver says: voices always, video only when it is off. */
  #follow(publication: RemoteTrackPublication): void {
    const wanted = publication.kind === Track.Kind.Audio || !this.#audioOnly;
    if (publication.isSubscribed !== wanted) publication.setSubscribed(wanted);
  }

  #followAll(room: Room): void {
    for (const participant of room.remoteParticipants.values()) for (const publication of participant.trackPublications.values()) this.#follow(publication);
  }

  setMicrophone(on: boolean): Promise<void> {
    return this.#device('microphone', on);
  }

  setCamera(on: boolean): Promise<void> {
    return this.#device('camera', on);
  }

  async #device(device: 'microphone' | 'camera', on: boolean): Promise<void> {
    const room = this.#room;
    if (!room) return;
    try {
      if (device === 'microphone') await room.localParticipant.setMicrophoneEnabled(on);
      else await room.localParticipant.setCameraEnabled(on);
    } catch (error) {
      // Still in the call, listening: the state says what went wrong with the device.
      const problem = deviceError(error, device);
      this.#setState(this.#state, { code: problem.code, message: problem.message });
    } finally {
      this.#emitParticipants();
    }
  }

  #wire(room: Room): void {
    const mine = () => this.#room === room;
    room.on(RoomEvent.ConnectionStateChanged, (state) => {
      // While connecting, connect() reports the outcome itself.
      if (mine() && this.#state !== 'connecting') this.#setState(states[state]);
    });
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      // A failure while connecting is connect()'s to report.
      if (!mine() || this.#state === 'connecting') return;
      this.#room = null;
      clearInterval(this.#levels);
      const removed = reason === DisconnectReason.PARTICIPANT_REMOVED || reason === DisconnectReason.ROOM_DELETED;
      // Removed by the server: the grant moved on (a new phase), and a new ticket says where to.
      this.#setState('disconnected', removed ? { code: 'MOVED', message: 'The call moved on.' } : undefined);
    });
    // Without autoSubscribe (data saver), each new track is subscribed to or not as it comes.
    room.on(RoomEvent.TrackPublished, (publication) => {
      if (mine() && (this.#audioOnly || !this.#autoSubscribed)) this.#follow(publication);
    });
    room.on(RoomEvent.ConnectionQualityChanged, (quality: ConnectionQuality, participant: Participant) => {
      if (!mine() || participant !== room.localParticipant) return;
      for (const listener of this.#listeners.quality) listener(quality);
    });
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _publication, participant) => {
      if (track.kind === Track.Kind.Audio) {
        const element = track.attach();
        element.hidden = true;
        element.dataset.participant = participant.identity;
        document.body.append(element);
        this.#audio.set(track.sid ?? `${participant.identity}:${track.source}`, element);
      }
      this.#emitParticipants();
    });
    room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, _publication, participant) => {
      const key = track.sid ?? `${participant.identity}:${track.source}`;
      for (const element of track.detach()) element.remove();
      this.#audio.get(key)?.remove();
      this.#audio.delete(key);
      this.#emitParticipants();
    });
    const refresh = () => mine() && this.#emitParticipants();
    for (const event of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackMuted,
      RoomEvent.TrackUnmuted,
      RoomEvent.TrackPublished,
      RoomEvent.TrackUnpublished,
      RoomEvent.LocalTrackPublished,
      RoomEvent.LocalTrackUnpublished,
      RoomEvent.ActiveSpeakersChanged,
      RoomEvent.ParticipantPermissionsChanged,
      RoomEvent.ParticipantNameChanged,
    ] as const) {
      room.on(event, refresh);
    }
  }

  #participants(room: Room): MediaParticipant[] {
    const all: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
    return all.map((p) => {
      const camera = p.getTrackPublication(Track.Source.Camera);
      return {
        id: p.identity,
        name: p.name || p.identity,
        isLocal: p === room.localParticipant,
        microphoneOn: p.isMicrophoneEnabled,
        cameraOn: p.isCameraEnabled,
        speaking: p.isSpeaking,
        ...(camera?.videoTrack && !camera.isMuted ? { video: camera.videoTrack.mediaStreamTrack } : {}),
      };
    });
  }

  #emitParticipants(): void {
    const room = this.#room;
    const list = room ? this.#participants(room) : [];
    for (const listener of this.#listeners.participants) listener(list);
  }

  #emitLevels(): void {
    const room = this.#room;
    if (!room) return;
    const levels: Record<string, number> = {};
    for (const p of [room.localParticipant, ...room.remoteParticipants.values()]) levels[p.identity] = p.audioLevel;
    for (const listener of this.#listeners.levels) listener(levels);
  }

  #setState(state: MediaConnectionState, error?: { code: string; message: string }): void {
    this.#state = state;
    for (const listener of this.#listeners.state) listener(state, error);
  }
}
