/** The media bench's measurements, inside the loopback-only namespace (started by media.ts). */
import { readFileSync } from 'node:fs';
import { AccessToken } from 'livekit-server-sdk';
import type { Page } from 'playwright-core';
import { audibleUntil, livekitKey, livekitUmd, startMediaStack, type MediaStack } from '../e2e/support/media-stack';
import { join as joinSession } from '../e2e/support/people';

const PAGES = Math.max(3, Math.round(Number(process.env.MEDIA_BENCH_PAGES) || 8));
const CPU_SECONDS = Math.max(3, Number(process.env.MEDIA_BENCH_CPU_S) || 15);
const ticks = 100; // USER_HZ on Linux

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

async function measureCpu(pid: number, seconds: number): Promise<number> {
  const before = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  // The measurement window itself.
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return (cpuSeconds(pid) - before) / elapsed;
}

const connectedTo = (page: Page, prefix: string, timeout: number) =>
  page.locator(`[data-testid="call"][data-connection="connected"][data-room^="${prefix}"]`).waitFor({ timeout });

async function main(): Promise<void> {
  const roster = ['id,name,language,role', ...Array.from({ length: PAGES }, (_, i) => `b${i + 1},Bench ${i + 1},en,participant`)].join('\n');
  let stack: MediaStack | undefined;
  try {
    stack = await startMediaStack(`${roster}\n`, {
      title: 'Media bench',
      languages: ['en'],
      agenda: [
        { kind: 'plenary', title: 'Lobby talk', minutes: 30 },
        { kind: 'breakout', title: 'Tables', minutes: 30, groupSize: 4 },
      ],
    });
    const { server, session, livekit } = stack;
    console.log(`media: ${PAGES} Chromium pages (audio only) against LiveKit ${livekit.url}, pid ${livekit.pid}`);
    const idleCpu = await measureCpu(livekit.pid, 3);
    console.log(`media: LiveKit server idle: ${(idleCpu * 100).toFixed(1)} % of a core`);

    const pages: Page[] = [];
    for (let i = 1; i <= PAGES; i++) {
      const { page } = await stack.open();
      await joinSession(page, server.url, session.tokens.get(`b${i}`)!, { name: `Bench ${i}`, language: 'en' });
      pages.push(page);
    }
    const drive = (type: string) => server.api(`/api/sessions/${session.id}/agenda/${type}`, { method: 'POST', body: '{}', token: session.moderatorToken });
    await drive('start');
    for (const page of pages) await page.getByTestId('call-join').first().click();
    await Promise.all(pages.map((p) => connectedTo(p, `${session.id}.plenary`, 60_000)));

    // Rooms opening: from the moderator's "next" to every page in its table's call.
    const opened = Date.now();
    const response = await drive('next');
    if (!response.ok) throw new Error(`opening the rooms failed: ${response.status}`);
    const arrivals = await Promise.all(pages.map((p) => connectedTo(p, `${session.id}.1.`, 60_000).then(() => Date.now() - opened)));
    const tablesMs = Math.max(...arrivals);
    console.log(`media: open the rooms → all ${PAGES} pages connected to their tables: ${tablesMs} ms (median page ${median(arrivals)} ms)`);

    // Everyone talks at their tables: the server's CPU per participant.
    await audibleUntil(pages[0]!, (n) => n >= 2, 30_000);
    const busyCpu = await measureCpu(livekit.pid, CPU_SECONDS);
    console.log(
      `media: LiveKit server with ${PAGES} participants publishing audio: ${(busyCpu * 100).toFixed(1)} % of a core, ` +
        `${(((busyCpu - idleCpu) / PAGES) * 100).toFixed(2)} % per participant (over ${CPU_SECONDS} s)`,
    );

    // Baseline: the same pages leave and join one LiveKit room directly with a token, no Roundtable in between.
    for (const page of pages) await page.getByTestId('call-leave').click();
    const source = livekitUmd();
    const tokens = await Promise.all(
      pages.map((_, i) => {
        const token = new AccessToken(livekitKey, livekit.apiSecret, { identity: `direct-${i}`, ttl: 600 });
        token.addGrant({ roomJoin: true, room: 'bench-direct', canPublish: true, canSubscribe: true });
        return token.toJwt();
      }),
    );
    const blanks = await Promise.all(pages.map(async (page) => {
      const blank = await page.context().newPage();
      // Same origin as the app (a secure context whose CSP lets it reach LiveKit), without the app.
      await blank.goto(`${server.url}/healthz`);
      await blank.evaluate(source);
      return blank;
    }));
    const direct = Date.now();
    const directArrivals = await Promise.all(
      blanks.map((blank, i) =>
        blank
          .evaluate(
            async ({ url, token }) => {
              const lk = (window as unknown as { LivekitClient: typeof import('livekit-client') }).LivekitClient;
              const room = new lk.Room({ adaptiveStream: true, dynacast: true });
              // Connected, as the app's call says "connected": the microphone comes after.
              await room.connect(url, token, { rtcConfig: { iceServers: [] } });
            },
            { url: livekit.url, token: tokens[i]! },
          )
          .then(() => Date.now() - direct),
      ),
    );
    console.log(`media: baseline, ${PAGES} pages joining a LiveKit room directly with a token: ${Math.max(...directArrivals)} ms (median page ${median(directArrivals)} ms)`);
  } finally {
    await stack?.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
