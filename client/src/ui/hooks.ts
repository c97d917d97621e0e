import { useEffect, useState } from 'preact/hooks';
import type { LiveState, SessionClient } from '../live/session-client';
import { msToNextTick, remainingMs } from '../time/countdown';
import type { SessionView } from '../../../shared/session';

/** The state of anything that tells its listeners when it changed (the live session, the call); re-renders on every change. */
export function useSubscribed<T>(source: { readonly state: T; subscribe(listener: () => void): () => void }): T {
  const [state, setState] = useState(source.state);
  useEffect(() => {
    const unsubscribe = source.subscribe(() => setState(source.state));
    setState(source.state);
    return unsubscribe;
  }, [source]);
  return state;
}

/** The live session's state; re-renders on every change. */
export function useLive(client: SessionClient): LiveState {
  return useSubscribed(client);
}

/**
 * Milliseconds until the server's moment `at` (null: nothing counts), re-rendered when the shown
 * second changes. The client's clock is corrected by the measured offset, and never reads earlier
 * than `serverNow`, when the server sent the view.
 */
export function useMsUntil(client: SessionClient, at: number | null, serverNow: number, offsetMs: number): number | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (at === null) return;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const left = at - Math.max(client.serverNow(), serverNow);
      if (left <= 0) return;
      timer = setTimeout(() => {
        setTick((n) => n + 1);
        schedule();
      }, msToNextTick(left) + 5);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [client, at, serverNow, offsetMs]);
  return at === null ? null : Math.max(0, at - Math.max(Date.now() + offsetMs, serverNow));
}

/**
 * Time left of the current step, re-rendered when the shown second changes. The deadline is the
 * server's; the client's clock is corrected by the measured offset.
 */
export function useRemaining(client: SessionClient, view: SessionView, offsetMs: number): number | null {
  const running = view.status === 'running' && view.endsAt !== null;
  // The server sent this view at view.serverNow and time has only moved on since: a clock estimate
  // behind that (an offset a few ms off) would show 05:01 at the start of a five-minute step.
  const untilEnd = useMsUntil(client, running ? view.endsAt : null, view.serverNow, offsetMs);
  return running ? untilEnd : remainingMs(view, Math.max(Date.now() + offsetMs, view.serverNow));
}
