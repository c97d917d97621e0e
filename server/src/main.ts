import { createServer } from './app';
import { ConfigError, configFromEnv } from './config';

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
  const roundtable = createServer(config);
  const url = await roundtable.listen();
  console.log(`\nRoundtable is running at ${url}`);
  console.log(`Admin token${roundtable.adminTokenCreated ? ' (new, kept in the data directory)' : ''}: ${roundtable.adminToken}`);
  console.log(`API description: ${url}/api/openapi.json\n`);
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
