import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { Invites } from './access/invites';
import { persistentSecret } from './access/secrets';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { diverseAssigner } from './grouping/diverse';
import type { GroupAssigner } from './grouping/types';
import { LocalPresence } from './sessions/presence';
import { SessionHost } from './sessions/session-host';
import { MemorySessionStore } from './store/memory-store';
import type { SessionStore } from './store/session-store';
import { SqliteSessionStore } from './store/sqlite-store';
import { httpApp } from './transport/http';
import { attachLive } from './transport/live';

/** Parts a test or a cluster may swap; everything else is built from the configuration. */
export interface Overrides {
  clock?: Clock;
  store?: SessionStore;
  assigner?: GroupAssigner;
  logger?: Logger;
  presenceIntervalMs?: number;
}

export interface Roundtable {
  /** Starts listening; resolves with the base URL once every unfinished session has resumed. */
  listen(): Promise<string>;
  /** Stops accepting, drains sockets, stops clocks, waits for in-flight writes, closes the store. */
  close(): Promise<void>;
  readonly adminToken: string;
  readonly adminTokenCreated: boolean;
  readonly host: SessionHost;
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
  let invites = new Invites(signingKey, publicUrl || 'http://localhost');
  let health: 'ok' | 'starting' | 'closing' = 'starting';

  const httpServer = createHttpServer();
  const app = httpApp({
    host,
    get invites() {
      return invites;
    },
    presence,
    adminToken: admin.value,
    now: () => clock.now(),
    health: () => health,
    logger,
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
    ...(overrides.presenceIntervalMs !== undefined ? { presenceIntervalMs: overrides.presenceIntervalMs } : {}),
  });

  return {
    adminToken: admin.value,
    adminTokenCreated: admin.created,
    host,
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
        invites = new Invites(signingKey, publicUrl);
      }
      const resumed = await host.resumeAll();
      health = 'ok';
      logger.info({ url, resumed }, 'Roundtable is listening');
      return url;
    },
    async close() {
      health = 'closing';
      await live.close();
      await host.close();
      await store.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
