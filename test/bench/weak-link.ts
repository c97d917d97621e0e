/**
 * Joining over a weak link (about 400 kbit/s, 400 ms round trip) in real Chromium: from asking for
 * the invitation to the countdown on screen, with the client served precompressed as Roundtable
 * serves it, with data saver as it decides by itself and switched off by the person, and the same
 * build with its .gz/.br files removed (the baseline), in the same run.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientDist, ensureClientBuilt } from '../../client/build';
import { launchChromium } from '../e2e/support/browser';
import { joinOnWeakLink, weakLink, type ThrottledJoin } from '../e2e/support/slow-link';
import { createSession, rosterCsv, startServer, type RunningServer } from '../support/test-server';

const rounds = 3;

async function runningSession(server: RunningServer): Promise<string[]> {
  const { id, tokens } = await createSession(server, rosterCsv(rounds));
  const started = await server.api(`/api/sessions/${id}/agenda/start`, { method: 'POST' });
  if (started.status !== 200) throw new Error(`start failed: ${started.status}`);
  return [...tokens.values()];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  await ensureClientBuilt();
  const plainDir = mkdtempSync(join(tmpdir(), 'roundtable-plain-client-'));
  cpSync(clientDist, plainDir, { recursive: true, filter: (src) => !/\.(gz|br)$/.test(src) });
  const compressed = await startServer();
  const plain = await startServer({ clientDir: plainDir });
  const browser = await launchChromium();
  try {
    const tokens = { compressed: await runningSession(compressed), saverOff: await runningSession(compressed), plain: await runningSession(plain) };
    const results: Record<'compressed' | 'saverOff' | 'plain', ThrottledJoin[]> = { compressed: [], saverOff: [], plain: [] };
    // Alternating, so a burst of load on the machine falls on all three.
    for (let i = 0; i < rounds; i++) {
      results.compressed.push(await joinOnWeakLink(browser, compressed.url, tokens.compressed[i]!));
      results.saverOff.push(await joinOnWeakLink(browser, compressed.url, tokens.saverOff[i]!, { saver: 'off' }));
      results.plain.push(await joinOnWeakLink(browser, plain.url, tokens.plain[i]!));
    }
    console.log(`weak link: ${(weakLink.downloadThroughput * 8) / 1000} kbit/s down and up, ${weakLink.latency} ms latency; ${rounds} joins each, fresh context, no cache`);
    console.log('  client served                                | median join to countdown | runs (s)           | over the wire');
    for (const [label, key] of [
      ['precompressed, data saver (on by itself)', 'compressed'],
      ['precompressed, data saver switched off', 'saverOff'],
      ['uncompressed, data saver (baseline)', 'plain'],
    ] as const) {
      const runs = results[key];
      console.log(
        `  ${label.padEnd(44)} | ${`${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s`.padEnd(24)} | ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ').padEnd(18)} | ${(median(runs.map((r) => r.bytes)) / 1024).toFixed(1)} KB`,
      );
    }
    console.log('  goal: joined and showing the countdown within 5 s');
  } finally {
    await browser.close();
    await compressed.close();
    await plain.close();
    rmSync(plainDir, { recursive: true, force: true });
  }
}
