import { z } from 'zod';
import { IceServer } from '../../shared/media';

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every environment variable Roundtable reads; README lists the same. */
const Environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(levels).default('info'),
  STORE: z.enum(['sqlite', 'memory']).default('sqlite'),
  INVITE_DAYS_AFTER_END: z.coerce.number().min(0).max(3650).default(7),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((v): TrustProxy => (v === '' || v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  ROSTER_MAX_ROWS: z.coerce.number().int().min(1).default(20_000),
  ROSTER_MAX_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  SESSION_COMMANDS_PER_SECOND: z.coerce.number().int().min(1).default(100),
  ICE_SERVERS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. [{"urls":"stun:stun.example.org:3478"}]' });
        return z.NEVER;
      }
    })
    .pipe(z.array(IceServer).max(10)),
  MESH_PLENARY_LIMIT: z.coerce.number().int().min(2).max(100).default(30),
  SPEAKING_SHARE_LIMIT: z.coerce.number().gt(0).lt(1).default(0.4),
  LIVEKIT_URL: z.string().regex(/^wss?:\/\//, 'LIVEKIT_URL must be a ws:// or wss:// address').optional(),
  LIVEKIT_API_KEY: z.string().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().min(32, 'LIVEKIT_API_SECRET must be at least 32 characters').optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional(),
  SIGNING_KEY: z.string().min(32, 'SIGNING_KEY must be at least 32 characters').optional(),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  GROUPING_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'NODE_ID may hold letters, digits, "_", "." and "-"').optional(),
});

/**
 * Which proxies' X-Forwarded-* headers are believed (express's `trust proxy`): false, a number
 * of hops, or addresses and names such as `loopback` or `10.0.0.0/8, 192.168.1.1`.
 */
export type TrustProxy = false | number | string;

/** A LiveKit server carries the calls when all three LIVEKIT_ variables are set; otherwise a browser mesh does. */
export interface LivekitConfig {
  /** What browsers connect to (ws:// or wss://); its http(s) twin is the server API. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** ICE_SERVERS when it is set: browsers use exactly these instead of those LiveKit hands out. */
  iceServers?: IceServer[];
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When absent, generated on first start and kept in the data directory. */
  adminToken: string | undefined;
  /** Base of invite links; defaults to the address the server listens on. */
  publicUrl: string | undefined;
  logLevel: (typeof levels)[number];
  store: 'sqlite' | 'memory';
  /** Days an invitation keeps working after its session ended (default 7). */
  inviteDaysAfterEnd?: number;
  /** Default `loopback`: a proxy on the same machine may say the request came over https. */
  trustProxy?: TrustProxy;
  /** People in one roster file; more is refused. Default 20,000. */
  rosterMaxRows?: number;
  /** Bytes of one roster file (CSV or JSON); more is refused. Default 5 MB. */
  rosterMaxBytes?: number;
  /** Commands of everyone in one session together, per second (twice that at once). Default 100. */
  sessionCommandsPerSecond?: number;
  /** STUN/TURN servers for browser-to-browser calls; none on a LAN (the default). */
  iceServers?: IceServer[];
  /** The most people a plenary carries by the browser mesh when there is no media server (30). */
  meshPlenaryLimit?: number;
  /** A table is flagged to the moderators when one voice takes more than this share of its talk (0.4). */
  speakingShareLimit?: number;
  livekit?: LivekitConfig;
  /** Several nodes share sessions, notes, presence and timers through this Redis. */
  redisUrl?: string | undefined;
  /** The link-signing key shared by every node; when absent, generated into the data directory. */
  signingKey?: string | undefined;
  /** Processes sharing the port on this machine (needs redisUrl when more than one). */
  workers?: number;
  /** This node's name in leases, presence and /metrics; host, process and a random suffix by default. */
  nodeId?: string | undefined;
  /**
   * Worker threads forming groups off the event loop (default 1; 0 forms them on the event loop).
   * When set, the threads start with the server; when absent, the first assignment starts one.
   */
  groupingThreads?: number;
}

export class ConfigError extends Error {}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Roundtable cannot start; fix these environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const livekitVars = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET];
  if (livekitVars.some((v) => v !== undefined) && livekitVars.some((v) => v === undefined)) {
    throw new ConfigError('Roundtable cannot start: set all of LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET, or none of them.');
  }
  if (e.WORKERS > 1 && !e.REDIS_URL) {
    throw new ConfigError('Roundtable cannot start: WORKERS above 1 needs REDIS_URL (the processes share sessions, notes and timers through Redis).');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    adminToken: e.ADMIN_TOKEN,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    store: e.STORE,
    inviteDaysAfterEnd: e.INVITE_DAYS_AFTER_END,
    trustProxy: e.TRUST_PROXY,
    rosterMaxRows: e.ROSTER_MAX_ROWS,
    rosterMaxBytes: e.ROSTER_MAX_BYTES,
    sessionCommandsPerSecond: e.SESSION_COMMANDS_PER_SECOND,
    iceServers: e.ICE_SERVERS,
    meshPlenaryLimit: e.MESH_PLENARY_LIMIT,
    speakingShareLimit: e.SPEAKING_SHARE_LIMIT,
    ...(e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
      ? {
          livekit: {
            url: e.LIVEKIT_URL,
            apiKey: e.LIVEKIT_API_KEY,
            apiSecret: e.LIVEKIT_API_SECRET,
            ...(env.ICE_SERVERS !== undefined ? { iceServers: e.ICE_SERVERS } : {}),
          },
        }
      : {}),
    redisUrl: e.REDIS_URL,
    signingKey: e.SIGNING_KEY,
    workers: e.WORKERS,
    nodeId: e.NODE_ID,
    groupingThreads: e.GROUPING_THREADS,
  };
}
