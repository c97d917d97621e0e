import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lockDir = join(tmpdir(), 'roundtable-media-run.lock');

function holderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(lockDir, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    // No pid yet: the holder is still writing it.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One media run at a time on this machine: on two cores, two of them (a dozen Chromium pages) starve
 * each other's calls. A run whose process died leaves its lock to be taken over.
 */
async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive()) rmSync(lockDir, { recursive: true, force: true });
      // Waiting for the other run to finish: there is no event to await across processes.
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * A network namespace with only `lo`, for media tests: inside it Chromium's only ICE candidate is
 * 127.0.0.1, so calls stay on loopback. The name must be unique on the machine; deleted afterwards.
 */
export class LoopbackNamespace {
  private constructor(readonly name: string) {}

  static create(name: string): LoopbackNamespace {
    execFileSync('ip', ['netns', 'add', name]);
    try {
      execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    } catch (error) {
      execFileSync('ip', ['netns', 'delete', name]);
      throw error;
    }
    return new LoopbackNamespace(name);
  }

  /**
   * Runs a command inside; resolves with its standard output once it exits with 0. `onLine` hears
   * each line as it comes, so what a run printed before failing or timing out is not lost.
   */
  run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; onLine?: (line: string) => void }): Promise<string> {
    return oneAtATime(() => this.#run(command, args, options));
  }

  #run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; onLine?: (line: string) => void }): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', this.name, command, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let pending = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!options.onLine) return;
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) options.onLine(line);
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}\n${err.slice(-4000)}\n${out.slice(-4000)}`));
      });
    });
  }

  delete(): void {
    execFileSync('ip', ['netns', 'delete', this.name]);
  }
}
