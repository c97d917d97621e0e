import type { MediaGrant, MediaTicket } from '../../../shared/media';
import type { SessionClient } from '../live/session-client';
import type { DeviceChoice, MediaConnectionState, MediaParticipant, MediaRoom } from './media-room';

/** How each kind of ticket's room is loaded: on demand, so the first screen stays small. */
export const roomLoaders: Partial<Record<MediaRoom['mode'], () => Promise<MediaRoom>>> = {
  livekit: () => import('./livekit-room').then((m) => new m.LivekitRoom()),
};

export interface CallState {
  status: 'idle' | 'asking' | MediaConnectionState;
  grant: MediaGrant | null;
  participants: MediaParticipant[];
  /** A coded problem: the microphone denied or missing, the call unreachable, or why there is no call. */
  error: { code: string; message: string } | null;
}

export interface Visit {
  groupId: string;
  speak: boolean;
}

const idle: CallState = { status: 'idle', grant: null, participants: [], error: null };

/**
 * One person's call, following the session: it asks for a ticket, opens the room its mode says,
 * and when the server says the grant changed (a new phase, the floor, the presenter) asks again
 * and moves to the next room by itself, without a reload.
 */
export class MediaCall {
  #state: CallState = idle;
  readonly #listeners = new Set<() => void>();
  #room: MediaRoom | null = null;
  #unsubscribe: Array<() => void> = [];
  #devices: DeviceChoice = { video: false };
  #visit: Visit | null = null;
  #joined = false;
  /** Requests in order: a later ticket always wins over an earlier one still on its way. */
  #turn = 0;

  constructor(private readonly client: SessionClient) {}

  get state(): CallState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Joins the call of the seat (or of the table visited), with these devices. */
  async join(devices: DeviceChoice, visit: Visit | null = this.#visit): Promise<void> {
    this.#devices = devices;
    this.#visit = visit;
    this.#joined = true;
    await this.#follow();
  }

  /** A moderator starts or ends a visit, or chooses to speak there; nothing happens before joining. */
  async visit(visit: Visit | null): Promise<void> {
    this.#visit = visit;
    if (this.#joined) await this.#follow();
  }

  /** The server said the grant changed: ask again, and move rooms if the answer says so. */
  async refresh(): Promise<void> {
    if (this.#joined) await this.#follow();
  }

  setMicrophone(on: boolean): Promise<void> {
    return this.#device((room) => room.setMicrophone(on));
  }

  setCamera(on: boolean): Promise<void> {
    return this.#device((room) => room.setCamera(on));
  }

  /** A device problem (denied, missing) is shown; the call goes on, listening. */
  async #device(change: (room: MediaRoom) => Promise<void>): Promise<void> {
    if (!this.#room) return;
    try {
      await change(this.#room);
      this.#set({ error: null });
    } catch (error) {
      this.#set({ error: coded(error) });
    }
  }

  async leave(): Promise<void> {
    this.#joined = false;
    this.#turn++;
    await this.#close();
    this.#set(idle);
  }

  async #follow(): Promise<void> {
    const turn = ++this.#turn;
    if (this.#state.status === 'idle') this.#set({ status: 'asking' });
    const reply = await this.client.mediaTicket(this.#visit ? { visitGroupId: this.#visit.groupId, speak: this.#visit.speak } : {});
    if (turn !== this.#turn) return;
    if (!reply.ok) {
      // A visit the server no longer allows (the breakout ended): back to the seat's own call.
      if (this.#visit && (reply.error.code === 'CONFLICT' || reply.error.code === 'NOT_FOUND')) {
        this.#visit = null;
        return this.#follow();
      }
      return this.#set({ error: reply.error, ...(this.#room ? {} : { status: 'failed' }) });
    }
    await this.#enter(reply.ticket, turn);
  }

  async #enter(ticket: MediaTicket, turn: number): Promise<void> {
    if (ticket.mode === 'none') {
      await this.#close();
      return this.#set({ ...idle, status: 'disconnected', error: { code: 'NO_CALL', message: ticket.reason } });
    }
    const current = this.#state.grant;
    // Same room, same kind of call: LiveKit already applied the new permissions where the person is.
    if (this.#room && this.#room.mode === ticket.mode && current?.room === ticket.grant.room && this.#state.status !== 'disconnected') {
      const lostVoice = current.canPublish && !ticket.grant.canPublish;
      this.#set({ grant: ticket.grant });
      if (lostVoice) await this.#room.setMicrophone(false).catch(() => undefined);
      return;
    }
    await this.#close();
    const load = roomLoaders[ticket.mode];
    if (!load) return this.#set({ status: 'failed', grant: ticket.grant, error: { code: 'UNSUPPORTED', message: `No ${ticket.mode} calls in this build.` } });
    const room = await load();
    if (turn !== this.#turn) return;
    this.#room = room;
    this.#unsubscribe = [
      room.on('state', (status, error) => {
        this.#set({ status, ...(error ? { error } : status === 'connected' ? { error: null } : {}) });
        // Removed from a room the grant left (the server moved on): the next ticket says where to go.
        if (status === 'disconnected' && error?.code === 'MOVED' && this.#room === room) void this.refresh();
      }),
      room.on('participants', (participants) => this.#set({ participants })),
    ];
    this.#set({ grant: ticket.grant, error: null, status: 'connecting' });
    try {
      await room.connect(ticket, this.#devices);
    } catch (error) {
      if (this.#room === room) this.#set({ status: 'failed', error: coded(error) });
    }
  }

  async #close(): Promise<void> {
    const room = this.#room;
    this.#room = null;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    await room?.disconnect();
  }

  #set(patch: Partial<CallState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}

function coded(error: unknown): { code: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'MEDIA_UNREACHABLE', message: typeof e?.message === 'string' ? e.message : String(error) };
}

/** Phones and weak connections start audio-only; the camera is one tap away. */
export function prefersAudioOnly(win: Window = window): boolean {
  const connection = (win.navigator as Navigator & { connection?: { saveData?: boolean; effectiveType?: string } }).connection;
  if (connection?.saveData || /(^|-)2g|3g/.test(connection?.effectiveType ?? '')) return true;
  return win.matchMedia?.('(pointer: coarse)').matches ?? false;
}

const calls = new WeakMap<SessionClient, MediaCall>();

/**
 * The one call of a live session, kept across screens (plenary, table, console) so a phase change
 * moves it rather than ending it; it asks again whenever the server says the grant changed.
 */
export function callFor(client: SessionClient): MediaCall {
  let call = calls.get(client);
  if (!call) {
    const created = new MediaCall(client);
    let seen = client.state.mediaChanges;
    client.subscribe(() => {
      if (client.state.mediaChanges === seen) return;
      seen = client.state.mediaChanges;
      void created.refresh();
    });
    calls.set(client, created);
    call = created;
  }
  return call;
}
