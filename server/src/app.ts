import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { Invites } from './access/invites';
import { persistentSecret } from './access/secrets';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { diverseAssigner } from './grouping/diverse';
import type { GroupAssigner } from './grouping/types';
import { NotesService, type NotesServiceOptions } from './notes/notes-service';
import { LocalPresence } from './sessions/presence';
import { SessionHost } from './sessions/session-host';
import { MemoryNotesStore } from './store/memory-notes-store';
import { MemorySessionStore } from './store/memory-store';
import type { NotesStore } from './store/notes-store';
import type { SessionStore } from './store/session-store';
import { SqliteNotesStore } from './store/sqlite-notes-store';
import { SqliteSessionStore } from './store/sqlite-store';
import { httpApp } from './transport/http';
import { attachLive } from './transport/live';
import { attachYjs } from './transport/yjs';

/** Parts a test or a cluster may swap; everything else is built from the configuration. */
export interface Overrides {
  clock?: Clock;
  store?: SessionStore;
  assigner?: GroupAssigner;
  logger?: Logger;
  presenceIntervalMs?: number;
  notesStore?: NotesStore;
  /** Limits, persistence timing, token lifetime of the shared notes. */
  notes?: Pick<NotesServiceOptions, 'limits' | 'persistence' | 'tokenTtlMs' | 'idleMs'>;
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
  readonly httpServer: HttpServer;
}

/** The composition root: the one place where Roundtable's parts are chosen and connected. */
export function createServer(config: Config, overrides: Overrides = {}): Roundtable {
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { service: 'roundtable' } });
  const clock = overrides.clock ?? systemClock;
  const store = overrides.store ?? (config.store === 'memory' ? new MemorySessionStore() : new SqliteSessionStore(config.dataDir));
  const admin = config.adminToken ? { value: config.adminToken, created: false } : persistentSecret(config.dataDir, 'admin-token');
  const signingKey = persistentSecret(config.dataDir, 'signing-key').value;
  const presence = new LocalPresence();
  const host = new SessionHost({
    store,
    clock,
    assigner: overrides.assigner ?? diverseAssigner,
    presence,
    onError: (err, sessionId) => logger.error({ err, sessionId }, 'agenda clock failed'),
  });
  let publicUrl = config.publicUrl ?? '';
  const linkPolicy = { afterEndMs: (config.inviteDaysAfterEnd ?? 7) * 24 * 60 * 60 * 1000 };
  let invites = new Invites(signingKey, publicUrl || 'http://localhost', { clock, policy: linkPolicy });
  let health: 'ok' | 'starting' | 'closing' = 'starting';
  const notesStore = overrides.notesStore ?? (config.store === 'memory' ? new MemoryNotesStore() : new SqliteNotesStore(config.dataDir));
  const notes = new NotesService({
    host,
    store: notesStore,
    clock,
    secret: signingKey,
    notesUrl: () => `${(publicUrl || 'http://localhost').replace(/^http/, 'ws').replace(/\/+$/, '')}/yjs`,
    logger,
    ...overrides.notes,
  });

  const httpServer = createHttpServer();
  const app = httpApp({
    host,
    get invites() {
      return invites;
    },
    presence,
    adminToken: admin.value,
    publicUrl: () => publicUrl,
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    now: () => clock.now(),
    health: () => health,
    logger,
    notes,
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
    ...(overrides.presenceIntervalMs !== undefined ? { presenceIntervalMs: overrides.presenceIntervalMs } : {}),
  });

  const yjs = attachYjs(httpServer, { notes, logger });

  return {
    adminToken: admin.value,
    adminTokenCreated: admin.created,
    host,
    notes,
    httpServer,
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
      await notes.close();
      await notesStore.close();
      await store.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
