import type { TFunction } from 'i18next';
import { useState } from 'preact/hooks';
import { useT } from '../i18n/i18n';
import type { CommandError, CommandInput, CommandName, SessionClient } from '../live/session-client';

/** A refused command in the reader's language; the server's own sentence follows when it has one. */
export function errorText(t: TFunction, error: CommandError): string {
  const general = t(`errors.${error.code}`);
  return error.message ? t('errors.withDetail', { general, detail: error.message }) : general;
}

/** Runs commands for one part of a screen, remembering whether one is under way and why one failed. */
export function useCommand(client: SessionClient) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run<N extends CommandName>(name: N, payload: CommandInput<N>): Promise<boolean> {
    setBusy(true);
    setError(null);
    const reply = await client.send(name, payload);
    setBusy(false);
    if (!reply.ok) setError(errorText(t, reply.error));
    return reply.ok;
  }
  return { run, error, busy, clearError: () => setError(null) };
}
