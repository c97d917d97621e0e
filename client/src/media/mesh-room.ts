import { MeshPeers, MeshSignal, meshLinked, type MediaTicket, type MeshPeer, type MeshSignalOut } from '../../../shared/media';
import { deviceErrorOf, type DeviceError } from './devices';
import { LevelMeter } from './level-meter';
import type { DeviceChoice, MediaConnectionState, MediaParticipant, MediaRoom, MediaRoomEvents } from './media-room';

type MeshTicket = Extract<MediaTicket, { mode: 'mesh' }>;

/** The live session's socket, as the mesh needs it: three requests and two events. */
export interface MeshChannel {
  request(name: 'media:join' | 'media:leave' | 'media:signal', payload: unknown): Promise<{ ok: true } | { ok: false; error: { code: string; message: string } }>;
  on(event: 'media:peers' | 'media:signal', listener: (payload: unknown) => void): () => void;
}

/** What each side tells the other over the link's own data channel. */
interface PeerState {
  microphoneOn: boolean;
  cameraOn: boolean;
  /** False in data saver: the other side sends no video on this link. */
  wantsVideo: boolean;
}

interface Link {
  peer: MeshPeer;
  pc: RTCPeerConnection;
  /** The polite side gives way when both offer at once (perfect negotiation). */
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  /** Incoming signals are applied one at a time, in the order the server relayed them. */
  inbox: Promise<void>;
  channel: RTCDataChannel;
  remote: PeerState;
  audio: HTMLAudioElement;
  video?: MediaStreamTrack;
}

const levelsEveryMs = 250;
const speakingLevel = 0.04;

/**
 * A call as a browser-to-browser mesh: one RTCPeerConnection per other person who speaks or
 * listens to us, negotiated with the perfect negotiation pattern over the live socket. Groups are
 * 3–6 and a plenary's listeners connect only to its speakers, so no media server is needed.
 */
export class MeshRoom implements MediaRoom {
  readonly mode = 'mesh' as const;
  readonly #channel: MeshChannel;
  readonly #listeners: { [E in keyof MediaRoomEvents]: Set<MediaRoomEvents[E]> } = { state: new Set(), participants: new Set(), levels: new Set(), quality: new Set() };
  readonly #links = new Map<string, Link>();
  #ticket: MeshTicket | null = null;
  #devices: DeviceChoice = { video: false };
  #roster: MeshPeer[] = [];
  #local: MediaStream = new MediaStream();
  #microphone: MediaStreamTrack | null = null;
  #camera: MediaStreamTrack | null = null;
  #microphoneOn = true;
  #audioOnly = false;
  #meter: LevelMeter | null = null;
  #levelsTimer: ReturnType<typeof setInterval> | undefined;
  #levels: Record<string, number> = {};
  #unsubscribe: Array<() => void> = [];
  #state: MediaConnectionState = 'idle';
  /** Signals from a peer this side has not heard of yet (its roster is on its way): applied once the link opens. */
  readonly #pending = new Map<string, MeshSignal[]>();

  constructor(channel: MeshChannel) {
    this.#channel = channel;
  }

  on<E extends keyof MediaRoomEvents>(event: E, listener: MediaRoomEvents[E]): () => void {
    this.#listeners[event].add(listener);
    return () => this.#listeners[event].delete(listener);
  }

  /** Joins the ticket's room; called again with a new ticket, it moves to that room without a reload. */
  async connect(ticket: Exclude<MediaTicket, { mode: 'none' }>, devices: DeviceChoice): Promise<void> {
    if (ticket.mode !== 'mesh') throw new Error('A mesh room needs a mesh ticket.');
    const current = this.#ticket;
    if (current && this.#state === 'connected' && current.peerId === ticket.peerId && current.grant.room === ticket.grant.room) {
      // The same room and connection: at most the right to speak changed (the floor, presenting).
      // The links stay; each renegotiates to carry this person's voice, or to stop carrying it.
      this.#ticket = ticket;
      this.#devices = devices;
      this.setAudioOnly(devices.audioOnly === true);
      const problem = ticket.grant.canPublish ? await this.#openDevices(devices) : (this.#stopDevices(), undefined);
      if (this.#ticket !== ticket) return;
      this.#syncSenders();
      this.#emitParticipants();
      if (problem) this.#setState('connected', problem);
      return;
    }
    this.#closeLinks();
    this.#pending.clear();
    this.#ticket = ticket;
    this.#devices = devices;
    this.#audioOnly = devices.audioOnly === true;
    this.#roster = [];
    this.#setState('connecting');
    if (this.#unsubscribe.length === 0) {
      this.#unsubscribe = [this.#channel.on('media:peers', (p) => this.#onPeers(p)), this.#channel.on('media:signal', (s) => this.#onSignal(s))];
    }
    let problem: DeviceError | undefined;
    if (ticket.grant.canPublish) problem = await this.#openDevices(devices);
    else this.#stopDevices();
    const joined = await this.#channel.request('media:join', { peerId: ticket.peerId });
    if (this.#ticket !== ticket) return; // a newer ticket took over meanwhile
    if (!joined.ok) return this.#setState('failed', joined.error);
    this.#levelsTimer ??= setInterval(() => void this.#measure(), levelsEveryMs);
    this.#setState('connected', problem);
  }

  async disconnect(): Promise<void> {
    const wasIn = this.#ticket !== null;
    this.#ticket = null;
    this.#closeLinks();
    this.#pending.clear();
    for (const stop of this.#unsubscribe.splice(0)) stop();
    clearInterval(this.#levelsTimer);
    this.#levelsTimer = undefined;
    this.#stopDevices();
    this.#roster = [];
    if (wasIn) await this.#channel.request('media:leave', {});
    this.#setState('disconnected');
  }

  async setMicrophone(on: boolean): Promise<void> {
    this.#microphoneOn = on;
    if (on && !this.#microphone && this.#ticket?.grant.canPublish) {
      const problem = await this.#openDevices({ ...this.#devices, video: false });
      if (problem) return this.#setState(this.#state, problem);
    }
    // Muting keeps the track and its place in every connection: unmuting is instant.
    if (this.#microphone) this.#microphone.enabled = on;
    this.#tellPeers();
  }

  async setCamera(on: boolean): Promise<void> {
    this.#devices = { ...this.#devices, video: on };
    if (!on) {
      for (const link of this.#links.values()) void videoSender(link.pc)?.replaceTrack(null);
      this.#camera?.stop();
      if (this.#camera) this.#local.removeTrack(this.#camera);
      this.#camera = null;
    } else if (!this.#camera && this.#ticket?.grant.canPublish) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(this.#devices.cameraId) });
        this.#camera = stream.getVideoTracks()[0] ?? null;
      } catch (error) {
        return this.#setState(this.#state, deviceErrorOf(error, 'camera'));
      }
      if (this.#camera) {
        this.#local.addTrack(this.#camera);
        for (const link of this.#links.values()) this.#sendCamera(link);
      }
    }
    this.#tellPeers();
  }

  setAudioOnly(on: boolean): void {
    if (on === this.#audioOnly) return;
    this.#audioOnly = on;
    // Each other side stops (or starts) sending its camera on this link when told.
    this.#tellPeers();
  }

  /** The local camera, for a self view. */
  get localVideo(): MediaStreamTrack | null {
    return this.#camera;
  }

  async #openDevices(devices: DeviceChoice): Promise<DeviceError | undefined> {
    try {
      const wantCamera = devices.video && !this.#camera;
      const wantMicrophone = !this.#microphone;
      if (!wantCamera && !wantMicrophone) return undefined;
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: wantMicrophone ? audioConstraints(devices.microphoneId) : false,
        video: wantCamera ? videoConstraints(devices.cameraId) : false,
      });
      for (const track of stream.getTracks()) this.#local.addTrack(track);
      this.#microphone ??= stream.getAudioTracks()[0] ?? null;
      this.#camera ??= stream.getVideoTracks()[0] ?? null;
      if (this.#microphone) {
        this.#microphone.enabled = this.#microphoneOn;
        this.#meter?.close();
        this.#meter = new LevelMeter(new MediaStream([this.#microphone]));
      }
      return undefined;
    } catch (error) {
      return deviceErrorOf(error, 'microphone');
    }
  }

  #stopDevices(): void {
    for (const track of this.#local.getTracks()) track.stop();
    this.#local = new MediaStream();
    this.#microphone = null;
    this.#camera = null;
    this.#meter?.close();
    this.#meter = null;
  }

  #onPeers(payload: unknown): void {
    const parsed = MeshPeers.safeParse(payload);
    const ticket = this.#ticket;
    if (!parsed.success || !ticket || parsed.data.room !== ticket.grant.room) return;
    this.#roster = parsed.data.peers;
    // The server's word on who speaks, this side included, decides which links exist.
    const me = this.#roster.find((p) => p.peerId === ticket.peerId) ?? { canPublish: ticket.grant.canPublish };
    const wanted = new Map(this.#roster.filter((p) => p.peerId !== ticket.peerId && meshLinked(me, p)).map((p) => [p.peerId, p]));
    for (const [peerId, link] of this.#links) {
      const now = wanted.get(peerId);
      if (now) link.peer = now;
      else this.#closeLink(peerId);
    }
    for (const [peerId, peer] of wanted) if (!this.#links.has(peerId)) this.#openLink(peer);
    for (const peerId of this.#pending.keys()) if (!this.#roster.some((p) => p.peerId === peerId)) this.#pending.delete(peerId);
    this.#emitParticipants();
  }

  #openLink(peer: MeshPeer): void {
    const ticket = this.#ticket!;
    const pc = new RTCPeerConnection({ iceServers: ticket.iceServers });
    const channel = pc.createDataChannel('state', { negotiated: true, id: 0 });
    const audio = new Audio();
    audio.autoplay = true;
    const link: Link = {
      peer,
      pc,
      polite: ticket.peerId > peer.peerId,
      makingOffer: false,
      ignoreOffer: false,
      inbox: Promise.resolve(),
      channel,
      // Video goes only to a side that said it wants it: one in data saver never gets any.
      remote: { microphoneOn: peer.canPublish, cameraOn: false, wantsVideo: false },
      audio,
    };
    this.#links.set(peer.peerId, link);
    const send = (signal: Omit<MeshSignalOut, 'to'>) => void this.#channel.request('media:signal', { to: peer.peerId, ...signal });

    pc.onnegotiationneeded = async () => {
      // The first offer always comes from the impolite side, so a new link starts without glare
      // (rolling back a half-made offer leaves Chromium's ICE stuck); later changes may come from either.
      if (link.polite && !pc.remoteDescription) return;
      try {
        link.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) send({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      } catch (error) {
        console.error('Roundtable: offer failed', error);
      } finally {
        link.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => send({ candidate: candidate ? candidate.toJSON() as RTCIceCandidateInit & { candidate: string } : null });
    pc.oniceconnectionstatechange = () => {
      // A network change broke the path: look for a new one without tearing the call down.
      if (pc.iceConnectionState === 'failed') pc.restartIce();
    };
    pc.ontrack = ({ track }) => {
      if (track.kind === 'audio') {
        audio.srcObject = new MediaStream([track]);
        void audio.play().catch(() => undefined);
      } else {
        link.video = track;
        track.onunmute = () => this.#emitParticipants();
        this.#emitParticipants();
      }
    };
    channel.onopen = () => this.#tellPeer(link);
    channel.onmessage = ({ data }) => {
      try {
        const state = JSON.parse(String(data)) as Partial<PeerState>;
        const wantedVideo = link.remote.wantsVideo;
        link.remote = { microphoneOn: state.microphoneOn === true, cameraOn: state.cameraOn === true, wantsVideo: state.wantsVideo === true };
        if (link.remote.wantsVideo !== wantedVideo && this.#ticket?.grant.canPublish) this.#sendCamera(link);
        this.#emitParticipants();
      } catch {
        // Not ours to understand: ignored.
      }
    };

    if (ticket.grant.canPublish) {
      if (this.#microphone) pc.addTrack(this.#microphone, this.#local);
    }
    const early = this.#pending.get(peer.peerId) ?? [];
    this.#pending.delete(peer.peerId);
    for (const signal of early) this.#queue(link, signal);
  }

  /** Each link sends exactly this side's current tracks: the voice when it may speak, nothing when it listens. */
  #syncSenders(): void {
    const speaking = this.#ticket?.grant.canPublish === true;
    for (const link of this.#links.values()) {
      const tracks = speaking ? [this.#microphone, link.remote.wantsVideo ? this.#camera : null].filter((t): t is MediaStreamTrack => t !== null) : [];
      for (const sender of link.pc.getSenders()) if (sender.track && !tracks.includes(sender.track)) link.pc.removeTrack(sender);
      for (const track of tracks) if (!link.pc.getSenders().some((s) => s.track === track)) link.pc.addTrack(track, this.#local);
    }
  }

  #sendCamera(link: Link): void {
    const camera = link.remote.wantsVideo ? this.#camera : null;
    const sender = videoSender(link.pc);
    if (sender) void sender.replaceTrack(camera);
    else if (camera) link.pc.addTrack(camera, this.#local);
  }

  #onSignal(payload: unknown): void {
    const parsed = MeshSignal.safeParse(payload);
    if (!parsed.success) return;
    const signal = parsed.data;
    const link = this.#links.get(signal.from);
    if (link) return this.#queue(link, signal);
    // An offer can overtake the roster that names its sender: keep it for the link about to open.
    const early = this.#pending.get(signal.from) ?? [];
    if (early.length < 64) early.push(signal);
    this.#pending.set(signal.from, early);
  }

  #queue(link: Link, signal: MeshSignal): void {
    link.inbox = link.inbox.then(() => this.#apply(link, signal)).catch((error: unknown) => console.error('Roundtable: signal failed', error));
  }

  async #apply(link: Link, signal: MeshSignal): Promise<void> {
    const { pc } = link;
    if (pc.signalingState === 'closed') return;
    if (signal.description) {
      const description = signal.description as RTCSessionDescriptionInit;
      const collision = description.type === 'offer' && (link.makingOffer || pc.signalingState !== 'stable');
      link.ignoreOffer = !link.polite && collision;
      if (link.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        if (pc.localDescription) {
          void this.#channel.request('media:signal', { to: link.peer.peerId, description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        }
      }
    } else if (signal.candidate !== undefined) {
      try {
        await pc.addIceCandidate(signal.candidate ?? undefined);
      } catch (error) {
        if (!link.ignoreOffer) throw error;
      }
    }
  }

  #closeLink(peerId: string): void {
    const link = this.#links.get(peerId);
    if (!link) return;
    this.#links.delete(peerId);
    link.pc.close();
    link.audio.srcObject = null;
  }

  #closeLinks(): void {
    for (const peerId of [...this.#links.keys()]) this.#closeLink(peerId);
    this.#emitParticipants();
  }

  #tellPeers(): void {
    for (const link of this.#links.values()) this.#tellPeer(link);
    this.#emitParticipants();
  }

  #tellPeer(link: Link): void {
    if (link.channel.readyState !== 'open') return;
    const state: PeerState = { microphoneOn: !!this.#microphone && this.#microphoneOn, cameraOn: !!this.#camera, wantsVideo: !this.#audioOnly };
    link.channel.send(JSON.stringify(state));
  }

  /** Audio levels: our own from the microphone, everyone else's from what arrives (RTP stats). */
  async #measure(): Promise<void> {
    const ticket = this.#ticket;
    if (!ticket) return;
    const levels: Record<string, number> = {};
    const me = this.#roster.find((p) => p.peerId === ticket.peerId);
    if (me && this.#meter) levels[participantId(me)] = this.#microphone?.enabled ? this.#meter.level() : 0;
    await Promise.all(
      [...this.#links.values()].map(async (link) => {
        if (!link.peer.canPublish || link.peer.hidden) return;
        const stats = await link.pc.getStats();
        stats.forEach((report: { type: string; kind?: string; audioLevel?: number }) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio') levels[participantId(link.peer)] = report.audioLevel ?? 0;
        });
      }),
    );
    if (this.#ticket !== ticket) return;
    const wasSpeaking = (id: string) => (this.#levels[id] ?? 0) > speakingLevel;
    const changed = Object.keys({ ...levels, ...this.#levels }).some((id) => wasSpeaking(id) !== ((levels[id] ?? 0) > speakingLevel));
    this.#levels = levels;
    for (const listener of this.#listeners.levels) listener(levels);
    if (changed) this.#emitParticipants();
  }

  #emitParticipants(): void {
    const ticket = this.#ticket;
    const participants: MediaParticipant[] = [];
    const speaking = (id: string) => (this.#levels[id] ?? 0) > speakingLevel;
    const me = ticket ? this.#roster.find((p) => p.peerId === ticket.peerId) : undefined;
    if (ticket && me) {
      const id = participantId(me);
      participants.push({
        id,
        name: me.name,
        isLocal: true,
        microphoneOn: !!this.#microphone && this.#microphoneOn,
        cameraOn: !!this.#camera,
        speaking: speaking(id) && this.#microphoneOn,
        ...(this.#camera ? { video: this.#camera } : {}),
      });
    }
    for (const peer of this.#roster) {
      if (peer.peerId === ticket?.peerId || peer.hidden || !peer.canPublish) continue;
      const link = this.#links.get(peer.peerId);
      const id = participantId(peer);
      const cameraOn = !this.#audioOnly && !!link?.remote.cameraOn && !!link.video;
      participants.push({
        id,
        name: peer.name,
        isLocal: false,
        microphoneOn: link?.remote.microphoneOn ?? false,
        cameraOn,
        speaking: speaking(id),
        ...(cameraOn && link?.video ? { video: link.video } : {}),
      });
    }
    for (const listener of this.#listeners.participants) listener(participants);
  }

  #setState(state: MediaConnectionState, error?: { code: string; message: string }): void {
    this.#state = state;
    for (const listener of this.#listeners.state) listener(state, error);
  }
}

/** The roster id, or the peer id for the session's moderator link (which has no roster id). */
function participantId(peer: MeshPeer): string {
  return peer.memberId ?? peer.peerId;
}

function videoSender(pc: RTCPeerConnection): RTCRtpSender | undefined {
  return pc.getTransceivers().find((t) => t.sender.track?.kind === 'video' || (t.receiver.track.kind === 'video' && t.direction !== 'recvonly'))?.sender;
}

function audioConstraints(deviceId?: string): MediaTrackConstraints | boolean {
  return deviceId ? { deviceId: { ideal: deviceId }, echoCancellation: true, noiseSuppression: true } : { echoCancellation: true, noiseSuppression: true };
}

function videoConstraints(deviceId?: string): MediaTrackConstraints {
  return { ...(deviceId ? { deviceId: { ideal: deviceId } } : {}), width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } };
}
