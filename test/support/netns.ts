import { execFileSync, spawn } from 'node:child_process';
import { basename } from 'node:path';

/**
 * A network namespace with only `lo`, for media tests: inside it Chromium and LiveKit can offer no
 * address but 127.0.0.1, so no packet leaves the machine. Needs root and iproute2 (CI has both).
 */
export interface LoopbackNamespace {
  name: string;
  /** Runs a Node script inside (with tsx), reporting each line it prints; resolves with its exit status. */
  run(script: string, onLine: (line: string) => void, options?: { onError?: (chunk: string) => void; timeoutMs?: number }): Promise<number | null>;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function loopbackNamespace(purpose: string): LoopbackNamespace {
  // Unique per checkout and process, so runs side by side never share one.
  const checkout = basename(process.cwd()).toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 20);
  const name = `rt-${checkout}-${purpose}-${process.pid}`;
  ip('netns', 'add', name);
  try {
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    ip('netns', 'del', name);
    throw error;
  }
  return {
    name,
    run(script, onLine, options = {}) {
      const child = spawn('ip', ['netns', 'exec', name, process.execPath, '--import', 'tsx', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      let buffered = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          onLine(buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => options.onError?.(chunk));
      const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
      return new Promise((resolve) =>
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        }),
      );
    },
    remove() {
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    },
  };
}
