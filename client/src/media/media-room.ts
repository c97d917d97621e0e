import type { MediaTicket } from '../../../shared/media';

/**
 * One small interface for a call, whichever way it travels: a LiveKit room (livekit-room.ts) or a
 * browser-to-browser mesh (mesh-room.ts). The screens know only this.
 */

export type MediaConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'failed';

export interface MediaParticipant {
  /** The roster id (LiveKit identity / mesh peer's member id). */
  id: string;
  name: string;
  isLocal: boolean;
  microphoneOn: boolean;
  cameraOn: boolean;
  speaking: boolean;
  /** The camera track to attach to a tile, when on and subscribed. */
  video?: MediaStreamTrack;
}

export interface DeviceChoice {
  microphoneId?: string;
  cameraId?: string;
  /** Audio only by default on phones and weak connections. */
  video: boolean;
  /** Data saver: no video received either (nothing subscribed to, nothing sent this way). */
  audioOnly?: boolean;
}

export interface MediaRoomEvents {
  state: (state: MediaConnectionState, error?: { code: string; message: string }) => void;
  participants: (participants: MediaParticipant[]) => void;
  /** Audio level per participant id, 0..1, a few times a second (speaking balance). */
  levels: (levels: Record<string, number>) => void;
  /** The media server's verdict on this person's own connection (LiveKit only). */
  quality: (quality: 'excellent' | 'good' | 'poor' | 'lost' | 'unknown') => void;
}

export interface MediaRoom {
  readonly mode: 'livekit' | 'mesh';
  connect(ticket: Exclude<MediaTicket, { mode: 'none' }>, devices: DeviceChoice): Promise<void>;
  disconnect(): Promise<void>;
  setMicrophone(on: boolean): Promise<void>;
  setCamera(on: boolean): Promise<void>;
  /** Data saver switched: stop or start receiving the others' video (one's own camera is setCamera's). */
  setAudioOnly(on: boolean): void;
  on<E extends keyof MediaRoomEvents>(event: E, listener: MediaRoomEvents[E]): () => void;
}
