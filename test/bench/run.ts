/**
 * `npm run bench [-- name…]`: runs Roundtable's benchmarks one after another (all by default) and
 * prints what machine they ran on. A benchmark module exports `run(): Promise<void>`; one that is
 * not written yet is skipped.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const benchmarks = ['fanout', 'grouping', 'notes', 'media', 'cluster', 'weak-link', 'commits'] as const;

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = wanted.filter((w) => !(benchmarks as readonly string[]).includes(w));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Choose from: ${benchmarks.join(', ')}.`);
    return 2;
  }
  const chosen = wanted.length > 0 ? benchmarks.filter((b) => wanted.includes(b)) : [...benchmarks];

  const cpu = cpus();
  console.log('Roundtable benchmarks');
  console.log(`  machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${process.arch}`);
  console.log(`  node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`  running: ${chosen.join(', ')}`);

  let failed = 0;
  for (const name of chosen) {
    const file = join(here, `${name}.ts`);
    console.log('');
    console.log(`== ${name} ${'='.repeat(Math.max(0, 76 - name.length))}`);
    if (!existsSync(file)) {
      console.log(`${name}: skipped (test/bench/${name}.ts does not exist yet)`);
      continue;
    }
    const started = Date.now();
    try {
      const module = (await import(pathToFileURL(file).href)) as { run?: () => Promise<void> };
      if (typeof module.run !== 'function') {
        console.log(`${name}: skipped (test/bench/${name}.ts does not export run())`);
        continue;
      }
      await module.run();
      console.log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed++;
      console.error(`${name}: FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof Error && error.stack && process.env.BENCH_DEBUG) console.error(error.stack);
    }
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
