import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Finds or builds the LiveKit server and runs it on loopback only: what `npm run livekit`, the media
 * tests and CI share. The open-source server is pure Go; one `go install` gives a binary named `server`.
 */
export const livekitVersion = 'v1.13.5';
const modulePath = `github.com/livekit/livekit-server/cmd/server@${livekitVersion}`;

export function livekitCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'roundtable', `livekit-${livekitVersion}`);
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** LIVEKIT_SERVER_BIN, then `livekit-server` on PATH, then the cached build; null when none is there. */
export function findLivekitServer(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.LIVEKIT_SERVER_BIN) {
    if (!executable(env.LIVEKIT_SERVER_BIN)) throw new Error(`LIVEKIT_SERVER_BIN=${env.LIVEKIT_SERVER_BIN} is not an executable file.`);
    return env.LIVEKIT_SERVER_BIN;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'livekit-server'))) return join(dir, 'livekit-server');
  }
  const cached = join(livekitCacheDir(env), 'server');
  return executable(cached) ? cached : null;
}

/** The binary, built with the Go toolchain into the cache when it is nowhere yet (some minutes the first time). */
export function ensureLivekitServer(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.error): string {
  const found = findLivekitServer(env);
  if (found) return found;
  const cache = livekitCacheDir(env);
  // Built beside the cache and moved in whole, so a build cut short never leaves a broken binary to find.
  const staging = `${cache}.building-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  log(`Building the LiveKit server ${livekitVersion} with Go (cached in ${cache})…`);
  const built = spawnSync('go', ['install', modulePath], {
    env: { ...env, CGO_ENABLED: '0', GOBIN: staging },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.error) throw new Error(`Cannot build the LiveKit server: ${built.error.message} (is Go installed?)`);
  if (built.status !== 0) throw new Error(`go install ${modulePath} failed with status ${built.status}.`);
  mkdirSync(cache, { recursive: true });
  if (!existsSync(join(cache, 'server'))) renameSync(join(staging, 'server'), join(cache, 'server'));
  return join(cache, 'server');
}

export interface LivekitOptions {
  /** HTTP and WebSocket port (default 7880). */
  port?: number;
  /** The one UDP port all media is muxed on (default port + 2). */
  udpPort?: number;
  apiKey?: string;
  /** 32 characters or more; generated when absent. */
  apiSecret?: string;
  /** Where the server posts its webhooks (Roundtable's /api/livekit/webhook). */
  webhookUrl?: string;
  /** Seconds a room stays open after its last participant leaves. */
  emptyTimeout?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the server's own log goes (default: dropped). */
  onLog?: (chunk: string) => void;
}

export interface RunningLivekit {
  url: string;
  /** The same server over HTTP, for the server API (RoomServiceClient). */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A configuration whose every key exists at v1.13.5 (unknown keys stop the server): bound to
 * 127.0.0.1, offering only the loopback candidate, one UDP port, no TCP fallback.
 */
export function livekitConfig(o: Required<Pick<LivekitOptions, 'port' | 'udpPort' | 'apiKey' | 'apiSecret' | 'emptyTimeout'>> & { webhookUrl?: string }): string {
  const lines = [
    `port: ${o.port}`,
    'bind_addresses: [127.0.0.1]',
    `keys: {${JSON.stringify(o.apiKey)}: ${JSON.stringify(o.apiSecret)}}`,
    'rtc:',
    '  node_ip: 127.0.0.1',
    '  use_external_ip: false',
    '  enable_loopback_candidate: true',
    `  udp_port: ${o.udpPort}`,
    '  tcp_port: 0',
    '  ips: {includes: [127.0.0.1/32]}',
    `room: {departure_timeout: 2, empty_timeout: ${o.emptyTimeout}}`,
  ];
  if (o.webhookUrl) lines.push('webhook:', `  api_key: ${JSON.stringify(o.apiKey)}`, `  urls: [${JSON.stringify(o.webhookUrl)}]`);
  return `${lines.join('\n')}\n`;
}

/** Starts the server and resolves once it answers over HTTP. */
export async function startLivekit(options: LivekitOptions = {}): Promise<RunningLivekit> {
  const env = options.env ?? process.env;
  const binary = ensureLivekitServer(env);
  const port = options.port ?? 7880;
  const apiKey = options.apiKey ?? 'roundtable';
  const apiSecret = options.apiSecret ?? randomBytes(24).toString('base64url');
  if (apiSecret.length < 32) throw new Error('The LiveKit API secret must be at least 32 characters.');
  const config = livekitConfig({ port, udpPort: options.udpPort ?? port + 2, apiKey, apiSecret, emptyTimeout: options.emptyTimeout ?? 30, webhookUrl: options.webhookUrl });
  const child = spawn(binary, [], { env: { ...env, LIVEKIT_CONFIG: config }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.onLog ?? (() => undefined);
  child.stdout?.setEncoding('utf8').on('data', log);
  child.stderr?.setEncoding('utf8').on('data', log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const httpUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(forced);
    }
  };
  try {
    await waitUntilAnswering(httpUrl, exited, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `ws://127.0.0.1:${port}`, httpUrl, apiKey, apiSecret, pid: child.pid!, process: child, stop };
}

async function waitUntilAnswering(httpUrl: string, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('The LiveKit server stopped while starting; run `npm run livekit` to see why.');
    try {
      const response = await fetch(httpUrl, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), exited]);
  }
  throw new Error(`The LiveKit server did not answer at ${httpUrl} within ${timeoutMs / 1000} s.`);
}

// `tsx server/src/media/livekit-binary.ts`: make sure the binary is there (what CI runs before the tests).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(ensureLivekitServer());
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
