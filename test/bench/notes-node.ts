/**
 * The notes benchmark's Roundtable: how a session in its breakout is prepared for the typists
 * (used in the benchmark's own process for the one-process run), and, run as a node:cluster worker
 * forked by the benchmark as `main.ts` forks its WORKERS, one Roundtable node on Redis that the
 * benchmark drives over IPC: prepare the session, then measure its own CPU and event-loop delay
 * over the typing.
 */
import cluster from 'node:cluster';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { pino } from 'pino';
import { startRoundtable, type Roundtable } from '../../server/src/app';
import type { Actor } from '../../server/src/domain/roles';
import { change } from '../../server/src/domain/transition';
import type { CreateSessionInput } from '../../shared/session';
import type { ClientSpec } from './notes-clients';

export const GROUP_SIZE = 5;
export const adminToken = 'notes-bench-admin-token-0123456789';
export const signingKey = 'notes-bench-signing-key-0123456789abcdef';
const organizer: Actor = { role: 'organizer', memberId: null, name: 'bench' };

const agenda: CreateSessionInput = {
  title: 'Notes benchmark',
  languages: ['en'],
  agenda: [
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    { kind: 'breakout', title: 'Groups', minutes: 60, questions: ['How do these results inspire me?', 'What do they mean for us as a community?'] },
    { kind: 'plenary', title: 'Report-back', minutes: 20 },
  ],
};

export interface PreparedBreakout {
  sessionId: string;
  specs: ClientSpec[];
  /** One more group's notes, for the load test. */
  loadGroup: { url: string; token: string };
}

function roster(n: number): string {
  const lines = ['id,name,language,role'];
  for (let i = 1; i <= n; i++) lines.push(`p${i},Person ${i},en,${i % 5 === 1 ? 'facilitator' : i % 5 === 2 ? 'notetaker' : 'participant'}`);
  return `${lines.join('\n')}\n`;
}

async function api(url: string, path: string, body: unknown, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`notes bench: ${path} answered ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * One session in its breakout: `groups` groups of five (set directly: nobody needs to be connected
 * to the session for their notes), plus one more group whose notes the load test uses. Every
 * person's notes URL with a fresh token.
 */
export async function prepareBreakout(roundtable: Roundtable, url: string, groups: number): Promise<PreparedBreakout> {
  const { id } = (await api(url, '/api/sessions', agenda)) as { id: string };
  await api(url, `/api/sessions/${id}/roster`, roster((groups + 1) * GROUP_SIZE), 'text/csv');
  await api(url, `/api/sessions/${id}/agenda/start`, {});
  await api(url, `/api/sessions/${id}/agenda/next`, {});
  await roundtable.host.execute(id, (s, ctx) =>
    change(s, ctx, organizer, 'bench.groups', (d) => {
      d.groups = Array.from({ length: groups + 1 }, (_, g) => ({
        id: `g${g + 1}`,
        language: 'en',
        score: 0,
        members: Array.from({ length: GROUP_SIZE }, (_, k) => `p${g * GROUP_SIZE + k + 1}`),
      }));
    }),
  );
  const state = await roundtable.host.get(id);
  const grantFor = async (memberId: string) => {
    const m = state.roster[memberId]!;
    return roundtable.notes.grant(id, { role: m.role, memberId, name: m.name }, {});
  };
  const specs: ClientSpec[] = [];
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < GROUP_SIZE; k++) {
      const grant = await grantFor(`p${g * GROUP_SIZE + k + 1}`);
      specs.push({ url: `${grant.url}?token=${grant.token}`, group: g });
    }
  }
  const load = await grantFor(`p${groups * GROUP_SIZE + 1}`);
  return { sessionId: id, specs, loadGroup: { url: load.url, token: load.token } };
}

/** What a worker measured of itself between `measure` and `measured`. */
export interface WorkerMeasure {
  cpuMs: number;
  loopDelayP99Ms: number;
  rssMb: number;
  flushes: number;
  appliedUpdates: number;
}

export type ToWorker = { type: 'prepare'; groups: number } | { type: 'measure' } | { type: 'measured' } | { type: 'close' };
export type FromWorker =
  | { type: 'listening'; url: string }
  | { type: 'prepared'; breakout: PreparedBreakout }
  | { type: 'measured'; measure: WorkerMeasure }
  | { type: 'failed'; message: string };

async function worker(): Promise<void> {
  const send = (m: FromWorker) => process.send!(m);
  const { DATA_DIR: dataDir, REDIS_URL: redisUrl, NODE_ID: nodeId, PORT: port } = process.env;
  if (!dataDir || !redisUrl || !nodeId || !port) throw new Error('a notes bench node needs DATA_DIR, REDIS_URL, NODE_ID and PORT');
  const roundtable = await startRoundtable(
    { port: Number(port), host: '127.0.0.1', dataDir, adminToken, signingKey, redisUrl, nodeId, publicUrl: undefined, logLevel: 'silent', store: 'sqlite' },
    { logger: pino({ level: 'silent' }) },
  );
  const url = await roundtable.listen();
  let cpu = process.cpuUsage();
  let delay: IntervalHistogram | null = null;
  process.on('message', (m: ToWorker) => {
    const run = async () => {
      if (m.type === 'prepare') send({ type: 'prepared', breakout: await prepareBreakout(roundtable, url, m.groups) });
      else if (m.type === 'measure') {
        delay = monitorEventLoopDelay({ resolution: 5 });
        delay.enable();
        cpu = process.cpuUsage();
      } else if (m.type === 'measured') {
        const used = process.cpuUsage(cpu);
        delay?.disable();
        const stats = roundtable.notes.stats;
        send({
          type: 'measured',
          measure: {
            cpuMs: (used.user + used.system) / 1000,
            loopDelayP99Ms: (delay?.percentile(99) ?? 0) / 1e6,
            rssMb: process.memoryUsage().rss / 2 ** 20,
            flushes: stats.flushes,
            appliedUpdates: stats.appliedUpdates,
          },
        });
      } else if (m.type === 'close') {
        await roundtable.close();
        process.exit(0);
      }
    };
    run().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  send({ type: 'listening', url });
}

if (cluster.isWorker) {
  worker().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies FromWorker);
    process.exit(1);
  });
}
