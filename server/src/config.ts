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
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' }).optional(),
  SIGNING_KEY: z.string().min(32, 'SIGNING_KEY must be at least 32 characters').optional(),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'NODE_ID may hold letters, digits, "_", "." and "-"').optional(),
});

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
  /** Several nodes share sessions, notes, presence and timers through this Redis. */
  redisUrl?: string | undefined;
  /** The link-signing key shared by every node; when absent, generated into the data directory. */
  signingKey?: string | undefined;
  /** Processes sharing the port on this machine (needs redisUrl when more than one). */
  workers?: number;
  /** This node's name in leases, presence and /metrics; host, process and a random suffix by default. */
  nodeId?: string | undefined;
}

export class ConfigError extends Error {}

export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Roundtable cannot start; fix these environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
    redisUrl: e.REDIS_URL,
    signingKey: e.SIGNING_KEY,
    workers: e.WORKERS,
    nodeId: e.NODE_ID,
  };
}
