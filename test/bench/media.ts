/**
 * Media benchmark, with a real LiveKit server and real Chromium pages (audio only, fake devices),
 * all inside a network namespace that has only `lo` (needs root, as CI runs):
 *
 * - Rooms opening: PAGES people sit in the lobby's call; the moderator opens the breakout, and the
 *   time runs until every page is connected to its table's room (new ticket, disconnect, connect),
 *   beside the baseline of the same pages joining a LiveKit room directly with a token.
 * - LiveKit server CPU per participant, from /proc/<pid>/stat while everyone talks at their tables.
 *
 * Run: npm run bench -- media   (MEDIA_BENCH_PAGES=8, MEDIA_BENCH_BUDGET_S=240, MEDIA_BENCH_CPU_S=15)
 * A run that exceeds its budget is stopped and still prints what it measured.
 */
import { fileURLToPath } from 'node:url';
import { ensureLivekitServer } from '../../server/src/media/livekit-binary';
import { LoopbackNamespace } from '../e2e/support/netns';

const runner = fileURLToPath(new URL('./media-run.ts', import.meta.url));

export async function run(): Promise<void> {
  const budgetS = Number(process.env.MEDIA_BENCH_BUDGET_S) > 0 ? Number(process.env.MEDIA_BENCH_BUDGET_S) : 240;
  // Built (or found) before entering the namespace, which has no network.
  ensureLivekitServer();
  const namespace = LoopbackNamespace.create(`rt-h-livekit-bench-${process.pid}`);
  try {
    await namespace.run(process.execPath, ['--import', 'tsx', runner], {
      env: { ...process.env, NODE_OPTIONS: '' },
      timeoutMs: budgetS * 1000,
      onLine: (line) => console.log(line),
    });
  } catch (error) {
    // What it measured is printed already; a stop at the budget is said as such.
    const message = error instanceof Error ? error.message : String(error);
    if (/ended with SIGTERM/.test(message)) console.log(`media: stopped at its ${budgetS} s budget; the figures above are what it measured.`);
    else throw new Error(message.split('\n').filter((l) => l.trim() && !l.startsWith('[page]') && !/^\s+at /.test(l)).slice(0, 8).join('\n'));
  } finally {
    namespace.delete();
  }
}
