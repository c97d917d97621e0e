import { runGroup } from './group';
import { UsageError } from './usage-error';

const usage = `usage: roundtable <command> [options]

commands:
  group   assign a roster to maximally diverse breakout groups (roundtable group --help)`;

/** The command line's entry point; returns the exit code instead of exiting, so it can be tested. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'group':
        return await runGroup(rest);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stderr.write(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n${usage}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`roundtable: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
