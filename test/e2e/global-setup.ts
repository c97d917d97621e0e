import { ensureClientBuilt } from '../../client/build';

/**
 * Builds the web client once before any test file runs (skipped when the build is current), so the
 * end-to-end tests' in-process servers serve client/dist and no test rebuilds it under another.
 */
export default async function setup(): Promise<void> {
  await ensureClientBuilt();
}
