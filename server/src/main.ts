import cluster from 'node:cluster';
import { hostname } from 'node:os';
import { persistentSecret } from './access/secrets';
import { startRoundtable } from './app';
import { ConfigError, configFromEnv, type Config } from './config';

/**
 * WORKERS=n: this process forks n workers that share the port (node:cluster hands each new
 * connection to the next worker) and share everything else through Redis. It restarts a worker
 * that dies, and stops them all on SIGINT/SIGTERM.
 */
function superviseWorkers(config: Config): void {
  // Made once here, so the workers do not race to create them in the data directory.
  const admin = config.adminToken ? null : persistentSecret(config.dataDir, 'admin-token');
  if (!config.signingKey) persistentSecret(config.dataDir, 'signing-key');
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ NODE_ID: `${config.nodeId ?? hostname()}-${index}` });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`worker ${index} exited (${code ?? signal}); starting it again`);
      fork(index);
    });
  };
  for (let i = 1; i <= config.workers!; i++) fork(i);
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening !== config.workers) return;
    console.log(`\nRoundtable is running at http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${address.port} (${config.workers} workers)`);
    if (admin) console.log(`Admin token${admin.created ? ' (new, kept in the data directory)' : ''}: ${admin.value}`);
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing Roundtable…`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Starts Roundtable from the environment; prints where to go and how to authenticate. */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if ((config.workers ?? 1) > 1 && cluster.isPrimary) {
    superviseWorkers(config);
    return;
  }
  const roundtable = await startRoundtable(config);
  const url = await roundtable.listen();
  if (cluster.isWorker) return void stopOnSignals(roundtable);
  console.log(`\nRoundtable is running at ${url}`);
  console.log(`Admin token${roundtable.adminTokenCreated ? ' (new, kept in the data directory)' : ''}: ${roundtable.adminToken}`);
  console.log(`API description: ${url}/api/openapi.json\n`);
  stopOnSignals(roundtable);
}

function stopOnSignals(roundtable: { close(): Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing Roundtable…`);
    roundtable.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Roundtable failed to start:', error);
  process.exit(1);
});
