import { useEffect, useState } from 'preact/hooks';
import type { LiveState, SessionClient } from '../live/session-client';
import { msToNextTick, remainingMs } from '../time/countdown';
import type { SessionView } from '../../../shared/session';

/** The live session's state; re-renders on every change. */
export function useLive(client: SessionClient): LiveState {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    const unsubscribe = client.subscribe(() => setState(client.state));
    setState(client.state);
    return unsubscribe;
  }, [client]);
  return state;
}

/**
 * Time left of the current step, re-rendered when the shown second changes. The deadline is the
 * server's; the client's clock is corrected by the measured offset.
 */
export function useRemaining(client: SessionClient, view: SessionView, offsetMs: number): number | null {
  const [, setTick] = useState(0);
  // The server sent this view at view.serverNow and time has only moved on since: a clock estimate
  // behind that (an offset a few ms off) would show 05:01 at the start of a five-minute step.
  const now = Math.max(Date.now() + offsetMs, view.serverNow);
  const ms = remainingMs(view, now);
  useEffect(() => {
    if (view.status !== 'running' || view.endsAt === null) return;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const left = remainingMs(view, Math.max(client.serverNow(), view.serverNow));
      if (left === null || left <= 0) return;
      timer = setTimeout(() => {
        setTick((n) => n + 1);
        schedule();
      }, msToNextTick(left) + 5);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [client, view.status, view.endsAt, view.serverNow, offsetMs]);
  return ms;
}
