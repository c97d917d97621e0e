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
  LIVEKIT_URL: z.string().regex(/^wss?:\/\//, 'LIVEKIT_URL must be a ws:// or wss:// address').optional(),
  LIVEKIT_API_KEY: z.string().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().min(32, 'LIVEKIT_API_SECRET must be at least 32 characters').optional(),
});

/** A LiveKit server carries the calls when all three LIVEKIT_ variables are set; otherwise a browser mesh does. */
export interface LivekitConfig {
  /** What browsers connect to (ws:// or wss://); its http(s) twin is the server API. */
  url: string;
  apiKey: string;
  apiSecret: string;
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
  livekit?: LivekitConfig;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    adminToken: e.ADMIN_TOKEN,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    store: e.STORE,
    ...(e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
      ? { livekit: { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY, apiSecret: e.LIVEKIT_API_SECRET } }
      : {}),
  };
}
