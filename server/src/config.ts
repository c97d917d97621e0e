import { z } from 'zod';

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
});

/**
 * Which proxies' X-Forwarded-* headers are believed (express's `trust proxy`): false, a number
 * of hops, or addresses and names such as `loopback` or `10.0.0.0/8, 192.168.1.1`.
 */
export type TrustProxy = false | number | string;

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
}

export class ConfigError extends Error {}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Roundtable cannot start; fix these environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
  };
}
