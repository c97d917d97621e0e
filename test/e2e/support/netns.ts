import { execFileSync, spawn } from 'node:child_process';

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
