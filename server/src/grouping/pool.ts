import { Piscina } from 'piscina';
import type { AssignReply, AssignTask } from './assign-worker';
import { GroupingError } from './errors';
import type { Assignment, GroupingRequest } from './types';

/** Computes assignments away from the event loop. */
export interface OffLoopAssigner {
  readonly algorithm: string;
  assign(request: GroupingRequest): Promise<Assignment>;
  close(): Promise<void>;
}

export interface AssignmentPoolOptions {
  /** Which method the threads run (a built-in one: they cannot be handed a function). */
  algorithm: string;
  /** Threads computing at once (default 1: a large roster takes a core for a second or so). */
  threads?: number;
  /** Start the threads now rather than at the first assignment (a thread takes a moment to load the engine). */
  eager?: boolean;
}

/**
 * The assignment engine in worker threads (piscina). The worker is TypeScript like the rest of the
 * server: it loads through tsx, which the main thread already runs under with `npm start`; under a
 * test runner that transforms files itself, the threads register tsx on their own.
 */
export class AssignmentPool implements OffLoopAssigner {
  readonly algorithm: string;
  readonly #pool: Piscina<AssignTask, AssignReply>;

  constructor(opts: AssignmentPoolOptions) {
    this.algorithm = opts.algorithm;
    const threads = Math.max(1, opts.threads ?? 1);
    const underTsx = process.execArgv.some((arg) => arg.includes('tsx'));
    this.#pool = new Piscina({
      filename: new URL('./assign-worker.ts', import.meta.url).href,
      minThreads: opts.eager ? threads : 0,
      maxThreads: threads,
      // A started thread stays: the next large assignment should not wait for one to load the engine.
      idleTimeout: Number.POSITIVE_INFINITY,
      execArgv: underTsx ? process.execArgv : [...process.execArgv, '--import', 'tsx'],
    });
  }

  async assign(request: GroupingRequest): Promise<Assignment> {
    const reply = await this.#pool.run({ algorithm: this.algorithm, request });
    if ('refused' in reply) throw new GroupingError(reply.refused.message, reply.refused.memberId);
    return reply.assignment;
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
