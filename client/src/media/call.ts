import { MediaChanged, MediaTicket, type MediaTokenRequest } from '../../../shared/media';
import type { SessionClient } from '../live/session-client';
import { dataSaver } from '../saver/data-saver';
import { storeChoice, storedChoice, videoByDefault } from './devices';
import type { DeviceChoice, MediaConnectionState, MediaParticipant, MediaRoom } from './media-room';
import { MeshRoom, type MeshChannel } from './mesh-room';
import { addLevels, secondsSpoken, silence, type VoiceActivity } from './voice-activity';

export type CallStage = 'check' | 'joining' | 'in-call' | 'none' | 'left';

export interface CallState {
  stage: CallStage;
  ticket: MediaTicket | null;
  connection: MediaConnectionState;
  /** A device or connection problem, by code (the UI says it in words). */
  error: { code: string; message: string } | null;
  participants: MediaParticipant[];
  microphoneOn: boolean;
  cameraOn: boolean;
  choice: DeviceChoice;
  /** Data saver on: audio only, the camera neither sent nor received (the choice above is kept for later). */
  audioOnly: boolean;
}

/** How each mode's room is made; the LiveKit room is added by its own module. */
export type RoomFactories = Partial<Record<'mesh' | 'livekit', () => Promise<MediaRoom>>>;

const reportEveryMs = 5000;

/**
 * One person's call across the whole session: the pre-join check, then the room the server's
 * ticket names; a new ticket (a new phase, the floor, a reconnect) moves it to the next room
 * without a reload. In a breakout it counts the person's own speaking time and reports it.
 */
export class Call {
  readonly #client: SessionClient;
  readonly #factories: RoomFactories;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: Array<() => void> = [];
  #room: MediaRoom | null = null;
  #roomOff: Array<() => void> = [];
  #request: MediaTokenRequest = {};
  #state: CallState;
  #asking: Promise<void> | null = null;
  #askAgain = false;
  #voice: VoiceActivity = silence();
  #voiceKey = '';
  #reported = -1;
  #reportTimer: ReturnType<typeof setInterval> | undefined;

  constructor(client: SessionClient, factories: RoomFactories = {}) {
    this.#client = client;
    this.#factories = { mesh: async () => new MeshRoom(meshChannel(client)), ...factories };
    const stored = storedChoice(safeStorage(), { video: videoByDefault(navigator, window.innerWidth) });
    const saver = dataSaver();
    this.#state = {
      audioOnly: saver.state.on,
      stage: 'check',
      ticket: null,
      connection: 'idle',
      error: null,
      participants: [],
      microphoneOn: true,
      cameraOn: stored.video && !saver.state.on,
      choice: { video: stored.video, ...(stored.microphoneId ? { microphoneId: stored.microphoneId } : {}), ...(stored.cameraId ? { cameraId: stored.cameraId } : {}) },
    };
    this.#unsubscribe.push(
      client.onMedia('media:changed', (payload) => {
        if (MediaChanged.safeParse(payload).success) this.#refresh();
      }),
      // A new live connection is a new peer for the server: ask again and rejoin.
      client.onMedia('connect', () => this.#refresh()),
      saver.subscribe(() => void this.#followSaver(saver.state.on)),
    );
    // Someone who went through the check on this device before comes straight back in (a reload).
    if (stored.checked) void this.join(this.#state.choice);
  }

  get state(): CallState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** From the pre-join check: remembered on this device, then into the room of the person's seat. */
  async join(choice: DeviceChoice): Promise<void> {
    storeChoice(safeStorage(), { ...choice, checked: true });
    this.#set({ stage: 'joining', choice, cameraOn: choice.video && !this.#state.audioOnly, error: null });
    this.#reportTimer ??= setInterval(() => this.#report(), reportEveryMs);
    await this.#ask();
  }

  async leave(): Promise<void> {
    storeChoice(safeStorage(), { ...this.#state.choice, checked: false });
    clearInterval(this.#reportTimer);
    this.#reportTimer = undefined;
    await this.#closeRoom();
    this.#set({ stage: 'left', ticket: null, participants: [], connection: 'disconnected' });
  }

  /** A moderator visiting a table (hidden, listening), or speaking there; null: back to their own seat. */
  async visit(groupId: string | null, speak = false): Promise<void> {
    const request: MediaTokenRequest = groupId ? { visitGroupId: groupId, speak } : {};
    if (request.visitGroupId === this.#request.visitGroupId && request.speak === this.#request.speak) return;
    this.#request = request;
    if (this.#state.stage === 'in-call' || this.#state.stage === 'joining' || this.#state.stage === 'none') await this.#ask();
  }

  async setMicrophone(on: boolean): Promise<void> {
    this.#set({ microphoneOn: on });
    await this.#room?.setMicrophone(on);
  }

  async setCamera(on: boolean): Promise<void> {
    if (on && this.#state.audioOnly) return;
    this.#set({ cameraOn: on, choice: { ...this.#state.choice, video: on } });
    storeChoice(safeStorage(), { ...this.#state.choice, checked: this.#state.stage !== 'check' });
    await this.#room?.setCamera(on);
  }

  async close(): Promise<void> {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    clearInterval(this.#reportTimer);
    await this.#closeRoom();
  }

  /** Data saver switched: the camera goes off with it and the others' video stops coming; back on, only what the person turns on. */
  async #followSaver(on: boolean): Promise<void> {
    if (on === this.#state.audioOnly) return;
    const cameraWasOn = this.#state.cameraOn;
    this.#set({ audioOnly: on, ...(on ? { cameraOn: false } : {}) });
    this.#room?.setAudioOnly(on);
    if (on && cameraWasOn) await this.#room?.setCamera(false);
  }

  #refresh(): void {
    if (this.#state.stage === 'in-call' || this.#state.stage === 'joining' || this.#state.stage === 'none') void this.#ask();
  }

  /** Asks for a ticket and goes where it says; one question at a time, the latest change wins. */
  #ask(): Promise<void> {
    if (this.#asking) {
      this.#askAgain = true;
      return this.#asking;
    }
    this.#asking = (async () => {
      do {
        this.#askAgain = false;
        await this.#askOnce();
      } while (this.#askAgain);
    })().finally(() => {
      this.#asking = null;
    });
    return this.#asking;
  }

  async #askOnce(): Promise<void> {
    if (!this.#client.connected) return; // asked again on reconnect
    const reply = await this.#client.mediaRequest('media:token', this.#request);
    if (this.#state.stage === 'left' || this.#state.stage === 'check') return;
    if (!reply.ok) {
      // A visit the server no longer allows (the breakout ended): back to the seat's own call.
      if (this.#request.visitGroupId && (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND')) {
        this.#request = {};
        return this.#askOnce();
      }
      return this.#set({ error: reply.error, connection: 'failed' });
    }
    const parsed = MediaTicket.safeParse(reply.result);
    if (!parsed.success) return this.#set({ error: { code: 'INTERNAL', message: '' }, connection: 'failed' });
    const ticket = parsed.data;
    if (ticket.mode === 'none') {
      await this.#closeRoom();
      return this.#set({ stage: 'none', ticket, participants: [], connection: 'idle' });
    }
    if (!this.#room || this.#room.mode !== ticket.mode) {
      await this.#closeRoom();
      const make = this.#factories[ticket.mode];
      if (!make) return this.#set({ stage: 'none', ticket: { mode: 'none', reason: 'unsupported' }, connection: 'idle' });
      this.#room = await make();
      this.#roomOff = [
        this.#room.on('state', (connection, error) => this.#set({ connection, ...(error ? { error } : connection === 'connected' ? { error: null } : {}) })),
        this.#room.on('participants', (participants) => this.#set({ participants })),
        this.#room.on('levels', (levels) => this.#onLevels(levels)),
        // A call that struggles is a reason for data saver (which then takes the video away).
        this.#room.on('quality', (callQuality) => dataSaver().report({ callQuality })),
      ];
    }
    this.#set({ stage: 'in-call', ticket });
    const audioOnly = this.#state.audioOnly;
    await this.#room.connect(ticket, { ...this.#state.choice, video: this.#state.cameraOn && !audioOnly && ticket.grant.canPublish, audioOnly });
    if (!this.#state.microphoneOn) await this.#room.setMicrophone(false);
  }

  async #closeRoom(): Promise<void> {
    for (const off of this.#roomOff.splice(0)) off();
    const room = this.#room;
    this.#room = null;
    await room?.disconnect();
  }

  #onLevels(levels: Record<string, number>): void {
    const table = this.#table();
    if (!table) return;
    const key = `${table.stepIndex}:${table.groupId}`;
    if (key !== this.#voiceKey) {
      // A new table starts a new count: the server keeps each table's figures apart.
      this.#voiceKey = key;
      this.#voice = silence();
      this.#reported = -1;
    }
    const own = levels[table.memberId];
    this.#voice = addLevels(this.#voice, own === undefined ? {} : { [table.memberId]: own }, Date.now());
  }

  /** The breakout table the call is in now, and whose voice this browser counts. */
  #table(): { stepIndex: number; groupId: string; memberId: string } | null {
    const { view, seat } = this.#client.state;
    const ticket = this.#state.ticket;
    if (!view?.group || !seat?.memberId || ticket?.mode === 'none' || !ticket) return null;
    if (!ticket.grant.room.endsWith(`.${view.stepIndex}.${view.group.id}`)) return null;
    return { stepIndex: view.stepIndex, groupId: view.group.id, memberId: seat.memberId };
  }

  #report(): void {
    const table = this.#table();
    if (!table || `${table.stepIndex}:${table.groupId}` !== this.#voiceKey) return;
    const seconds = secondsSpoken(this.#voice, table.memberId);
    if (seconds === this.#reported) return;
    this.#reported = seconds;
    void this.#client.mediaRequest('speaking:report', { stepIndex: table.stepIndex, groupId: table.groupId, seconds });
  }

  #set(patch: Partial<CallState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}

function meshChannel(client: SessionClient): MeshChannel {
  return {
    async request(name, payload) {
      const reply = await client.mediaRequest(name, payload);
      return reply.ok ? { ok: true } : { ok: false, error: reply.error };
    },
    on: (event, listener) => client.onMedia(event, listener),
  };
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** One call per live session, kept while the screens change under it. */
const calls = new WeakMap<SessionClient, Call>();
export function callOf(client: SessionClient): Call {
  let call = calls.get(client);
  if (!call) {
    // The LiveKit room is its own chunk: loaded only when a ticket says LiveKit.
    call = new Call(client, { livekit: () => import('./livekit-room').then((m) => new m.LivekitRoom()) });
    calls.set(client, call);
  }
  return call;
}
