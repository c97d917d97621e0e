import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { Invites } from './access/invites';
import type { ScaledParts } from './cluster/scaled';
import { persistentSecret } from './access/secrets';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { diverseAssigner } from './grouping/diverse';
import { AssignmentPool } from './grouping/pool';
import type { GroupAssigner } from './grouping/types';
import { NotesService, type NotesServiceOptions } from './notes/notes-service';
import { MeshMedia } from './media/mesh-media';
import { SpeakingLedger } from './media/speaking-ledger';
import { LocalPresence } from './sessions/presence';
import { SessionHost } from './sessions/session-host';
import { SurveyLinks } from './access/survey-links';
import type { EventStore } from './store/event-store';
import { MemoryEventStore } from './store/memory-event-store';
import { SqliteEventStore } from './store/sqlite-event-store';
import { Studies } from './study/studies';
import { MemoryNotesStore } from './store/memory-notes-store';
import { MemorySessionStore } from './store/memory-store';
import type { NotesStore } from './store/notes-store';
import type { SessionStore } from './store/session-store';
import { MemorySpeakingStore, type SpeakingStore } from './store/speaking-store';
import { SqliteSpeakingStore } from './store/sqlite-speaking-store';
import { SqliteNotesStore } from './store/sqlite-notes-store';
import { SqliteSessionStore } from './store/sqlite-store';
import { defaultRosterLimits, httpApp } from './transport/http';
import { NodeMetrics } from './transport/metrics';
import { attachLive } from './transport/live';
import { InvitationLimits, defaultLiveLimits, type LiveLimits } from './access/invitation-limits';
import { attachYjs } from './transport/yjs';
import { LivekitMedia, type LivekitMediaOptions } from './media/livekit-media';
import { livekitApiUrl } from './media/livekit-permissions';

/** Parts a test or a cluster may swap; everything else is built from the configuration. */
export interface Overrides {
  clock?: Clock;
  store?: SessionStore;
  assigner?: GroupAssigner;
  logger?: Logger;
  presenceIntervalMs?: number;
  /** Changes of one session within this many ms of the last one sent go out as one patch (0: each at once). */
  stateWindowMs?: number;
  /** The timer of that window (wall-clock by default, whatever `clock` the sessions run on). */
  stateWindowClock?: Pick<Clock, 'setTimer'>;
  notesStore?: NotesStore;
  /** Command budgets and the connection cap per invitation (the session's rate comes from the configuration). */
  live?: Partial<LiveLimits>;
  /** Limits, persistence timing, token lifetime of the shared notes. */
  notes?: Pick<NotesServiceOptions, 'limits' | 'persistence' | 'tokenTtlMs' | 'idleMs'>;
  speakingStore?: SpeakingStore;
  /** How often watchers hear of new speaking figures (ms). */
  speakingIntervalMs?: number;
  /** Token lifetime and webhook reconciliation timing of the LiveKit calls. */
  livekit?: Pick<LivekitMediaOptions, 'tokenTtlSeconds' | 'reconcileDelayMs'>;
  mediaPresenceIntervalMs?: number;
  /**
   * Several nodes: how long an agenda lease or a notes storer's lock outlives its holder's last
   * renewal (another node takes over after it), and how long a silent node's people stay counted.
   */
  cluster?: { leaseMs?: number; nodeTimeoutMs?: number };
  /** The Redis parts, required with REDIS_URL; `startRoundtable` loads them. */
  scaled?: ScaledParts;
  /** Events, their pools and survey answers. */
  eventStore?: EventStore;
  /** Where the built web client is (default client/dist). */
  clientDir?: string;
}

export interface Roundtable {
  /** Starts listening; resolves with the base URL once every unfinished session has resumed. */
  listen(): Promise<string>;
  /** Stops accepting, drains sockets, stops clocks, waits for in-flight writes, closes the store. */
  close(): Promise<void>;
  readonly adminToken: string;
  readonly adminTokenCreated: boolean;
  readonly host: SessionHost;
  readonly notes: NotesService;
  /** Calls by a LiveKit server, when one is configured. */
  readonly livekit: LivekitMedia | null;
  readonly httpServer: HttpServer;
  /** This node's name (leases, presence, /metrics). */
  readonly nodeId: string;
  /** Called whenever /readyz would change its answer because Redis went away or came back. */
  onRedisHealth(listener: (healthy: boolean) => void): () => void;
}

/** `createServer`, with the Redis parts loaded first when REDIS_URL is set. */
export async function startRoundtable(config: Config, overrides: Overrides = {}): Promise<Roundtable> {
  const scaled = config.redisUrl && !overrides.scaled ? (await import('./cluster/scaled')).scaled : overrides.scaled;
  return createServer(config, { ...overrides, ...(scaled ? { scaled } : {}) });
}

/** The composition root: the one place where Roundtable's parts are chosen and connected. */
export function createServer(config: Config, overrides: Overrides = {}): Roundtable {
  const parts = overrides.scaled;
  if (config.redisUrl && !parts) throw new Error('REDIS_URL is set: create the server with startRoundtable(), which loads the Redis parts.');
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { service: 'roundtable' } });
  const clock = overrides.clock ?? systemClock;
  const nodeId = config.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const leaseMs = overrides.cluster?.leaseMs ?? 10_000;
  // With REDIS_URL, every part that must agree across nodes lives in Redis (sessions, notes,
  // presence, timer leases); nothing that matters is only in this process.
  const redis = config.redisUrl && parts ? new parts.RedisLink(config.redisUrl, (err) => logger.debug({ err }, 'redis connection error')) : null;
  redis?.onHealth((healthy) => (healthy ? logger.info({ nodeId }, 'Redis reachable') : logger.warn({ nodeId }, 'Redis unreachable; reconnecting')));
  const store =
    overrides.store ??
    (redis && parts ? new parts.RedisSessionStore(redis.commands, redis.subscriber) : config.store === 'memory' ? new MemorySessionStore() : new SqliteSessionStore(config.dataDir));
  const admin = config.adminToken ? { value: config.adminToken, created: false } : persistentSecret(config.dataDir, 'admin-token');
  const signingKey = config.signingKey ?? persistentSecret(config.dataDir, 'signing-key').value;
  if (redis && (!config.adminToken || !config.signingKey)) {
    logger.warn('REDIS_URL is set without ADMIN_TOKEN and SIGNING_KEY: only nodes sharing this data directory accept the same tokens and links.');
  }
  const sharedPresence = redis && parts
    ? new parts.SharedPresence({
        redis: redis.commands,
        subscriber: redis.subscriber,
        clock,
        nodeId,
        nodeTimeoutMs: overrides.cluster?.nodeTimeoutMs ?? 15_000,
        onError: (err) => logger.debug({ err }, 'sharing presence failed'),
      })
    : null;
  const presence = sharedPresence ?? new LocalPresence();
  let metrics: NodeMetrics | null = null;
  // Forming the groups of a large roster takes a second or more of CPU: it runs in worker threads so
  // every other session, and this node's health checks, go on meanwhile. A test's own method runs inline.
  const groupingThreads = config.groupingThreads ?? 1;
  const offLoop =
    overrides.assigner || groupingThreads === 0
      ? null
      : new AssignmentPool({ algorithm: diverseAssigner.algorithm, threads: groupingThreads, eager: config.groupingThreads !== undefined });
  const host: SessionHost = new SessionHost({
    store,
    clock,
    assigner: overrides.assigner ?? diverseAssigner,
    ...(offLoop ? { offLoop } : {}),
    presence,
    onError: (err, sessionId) => logger.error({ err, sessionId }, 'agenda clock failed'),
    onCommit: (written) => metrics?.committed(written.bytes),
    ...(redis && parts
      ? {
          timers: (due) =>
            new parts.LeasedAgendaTimers(
              {
                redis: redis.commands,
                clock,
                nodeId,
                leaseMs,
                reload: (id) => host.refresh(id),
                onError: (err, sessionId) => logger.debug({ err, sessionId }, 'agenda lease failed'),
              },
              due,
            ),
        }
      : {}),
  });
  let publicUrl = config.publicUrl ?? '';
  const linkPolicy = { afterEndMs: (config.inviteDaysAfterEnd ?? 7) * 24 * 60 * 60 * 1000 };
  let invites = new Invites(signingKey, publicUrl || 'http://localhost', { clock, policy: linkPolicy });
  let surveyLinks = new SurveyLinks(signingKey, publicUrl || 'http://localhost', clock);
  const eventStore =
    overrides.eventStore ?? (redis && parts ? new parts.RedisEventStore(redis.commands) : config.store === 'memory' ? new MemoryEventStore() : new SqliteEventStore(config.dataDir));
  const studies = new Studies({ store: eventStore, host, clock, signingKey, invites: () => invites, surveyLinks: () => surveyLinks });
  let health: 'ok' | 'starting' | 'closing' = 'starting';
  const notesStore =
    overrides.notesStore ?? (redis && parts ? new parts.RedisNotesStore(redis.commands) : config.store === 'memory' ? new MemoryNotesStore() : new SqliteNotesStore(config.dataDir));
  const fanout = redis && parts
    ? new parts.RedisNotesFanout({
        redis: redis.commands,
        subscriber: redis.subscriber,
        clock,
        nodeId,
        lockMs: leaseMs,
        onError: (err) => logger.debug({ err }, 'notes fan-out failed'),
        onHeard: (kind) => metrics?.heardNotes(kind),
      })
    : null;
  const notes = new NotesService({
    host,
    store: notesStore,
    clock,
    secret: signingKey,
    notesUrl: () => `${(publicUrl || 'http://localhost').replace(/^http/, 'ws').replace(/\/+$/, '')}/yjs`,
    logger,
    ...(fanout ? { fanout } : {}),
    ...overrides.notes,
  });

  const mesh = new MeshMedia({ clock, iceServers: config.iceServers ?? [], plenaryLimit: config.meshPlenaryLimit ?? 30 });
  const speakingStore = overrides.speakingStore ?? (config.store === 'memory' ? new MemorySpeakingStore() : new SqliteSpeakingStore(config.dataDir));
  const speaking = new SpeakingLedger({
    store: speakingStore,
    clock,
    shareLimit: config.speakingShareLimit ?? 0.4,
    ...(overrides.speakingIntervalMs !== undefined ? { intervalMs: overrides.speakingIntervalMs } : {}),
  });
  const livekit = config.livekit ? new LivekitMedia({ host, clock, logger, livekit: config.livekit, ...overrides.livekit }) : null;

  // One budget per invitation and per session, spent alike by live commands and REST requests.
  const allowance = new InvitationLimits<object>(clock, liveLimits(config, overrides.live));
  const httpServer = createHttpServer();
  const app = httpApp({
    host,
    get invites() {
      return invites;
    },
    presence,
    allowance,
    adminToken: admin.value,
    publicUrl: () => publicUrl,
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    now: () => clock.now(),
    health: () => (health === 'ok' && redis && !redis.healthy ? 'redis-unavailable' : health),
    metrics: () => metrics!.render(),
    logger,
    notes,
    roster: { maxRows: config.rosterMaxRows ?? defaultRosterLimits.maxRows, maxBytes: config.rosterMaxBytes ?? defaultRosterLimits.maxBytes },
    speaking,
    studies,
    ...(livekit && config.livekit
      ? {
          livekitWebhook: (body: string, authorization: string | undefined) => livekit.webhook(body, authorization),
          connectSources: [config.livekit.url, livekitApiUrl(config.livekit)],
        }
      : {}),
    ...(overrides.clientDir !== undefined ? { clientDir: overrides.clientDir } : {}),
  });
  httpServer.on('request', app);
  const live = attachLive(httpServer, {
    host,
    get invites() {
      return invites;
    },
    presence,
    clock,
    logger,
    notes,
    allowance,
    // One way to carry the calls: the LiveKit server when configured, else the browsers' mesh.
    ...(livekit ? { livekit } : { mesh }),
    speaking,
    ...(overrides.mediaPresenceIntervalMs !== undefined ? { mediaPresenceIntervalMs: overrides.mediaPresenceIntervalMs } : {}),
    ...(overrides.presenceIntervalMs !== undefined ? { presenceIntervalMs: overrides.presenceIntervalMs } : {}),
    ...(overrides.stateWindowMs !== undefined ? { stateWindowMs: overrides.stateWindowMs } : {}),
    ...(overrides.stateWindowClock ? { stateWindowClock: overrides.stateWindowClock } : {}),
    ...(redis && parts ? { cluster: { adapter: parts.createAdapter(redis.commands) } } : {}),
    onDelivered: (event, sockets) => metrics?.delivered(event, sockets),
  });
  const liveRooms = live.io.of('/').adapter.rooms;
  metrics = new NodeMetrics({
    nodeId,
    liveConnections: () => live.io.of('/').sockets.size,
    liveSessions: () => [...liveRooms.keys()].filter((room) => /^s:[^:]+$/.test(room)).length,
    notesConnections: () => notes.openConnections,
    notesDocuments: () => notes.openDocuments,
    notesUpdates: () => notes.stats.appliedUpdates,
    redisUp: () => (redis ? redis.healthy : null),
  });

  const yjs = attachYjs(httpServer, { notes, logger });

  return {
    adminToken: admin.value,
    adminTokenCreated: admin.created,
    host,
    notes,
    livekit,
    httpServer,
    nodeId,
    onRedisHealth: (listener) => redis?.onHealth(listener) ?? (() => undefined),
    async listen() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const { port } = httpServer.address() as AddressInfo;
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
      if (!publicUrl) {
        publicUrl = url;
        invites = new Invites(signingKey, publicUrl, { clock, policy: linkPolicy });
        surveyLinks = new SurveyLinks(signingKey, publicUrl, clock);
      }
      if (redis) {
        await redis.connect();
        await sharedPresence!.start();
      }
      const resumed = await host.resumeAll();
      health = 'ok';
      logger.info({ url, resumed }, 'Roundtable is listening');
      return url;
    },
    async close() {
      health = 'closing';
      // Stop accepting and drain the sockets, let the clocks and in-flight commands finish, store the
      // notes' last edits, then close the stores. Both kinds of socket drain together: closing the
      // socket.io server closes the HTTP server, which waits for the notes' upgraded sockets too.
      await Promise.all([live.close(), yjs.close()]);
      await host.close();
      await offLoop?.close();
      speaking.close();
      await livekit?.close();
      await notes.close();
      await speakingStore.close();
      await fanout?.close();
      await sharedPresence?.close();
      await notesStore.close();
      await eventStore.close();
      await store.close();
      await redis?.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

function liveLimits(config: Config, overrides: Partial<LiveLimits> = {}): LiveLimits {
  const perSecond = config.sessionCommandsPerSecond ?? defaultLiveLimits.session.perSecond;
  return { ...defaultLiveLimits, session: { perSecond, burst: 2 * perSecond }, ...overrides };
}
