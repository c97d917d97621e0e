#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so the command works from a checkout without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
