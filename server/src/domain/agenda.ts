import type { AgendaCommand } from '../../../shared/commands';
import { closeBreakout, openBreakout } from './breakout';
import { defaultCloseSeconds } from '../../../shared/agenda';
import { conflict, badInput } from './errors';
import { authorize, type Actor } from './roles';
import { currentStep, type SessionState } from './session';
import { composeDeltas, emptyDelta, sessionDelta } from './session-parts';
import { change, clockActor, type Context, type DomainEvent, type Transition } from './transition';

const minute = 60_000;
/** A warning missed by more than this (the server was down) is not said late: it would be untrue. */
const lateWarningToleranceMs = 30_000;

/** Applies a moderator's agenda command. Throws a DomainError (and changes nothing) when refused. */
export function driveAgenda(state: SessionState, actor: Actor, command: AgendaCommand, ctx: Context): Transition {
  authorize(actor, 'agenda.drive');
  if (state.status === 'ended') throw conflict('The session has ended.');
  const last = state.agenda.length - 1;
  switch (command.type) {
    case 'start':
      if (state.status !== 'lobby') throw conflict('The session has already started.');
      return change(state, ctx, actor, 'start', (d) => enterStep(d, 0, ctx.now, ctx));
    case 'next': {
      if (state.status === 'lobby') throw conflict('The session has not started yet.');
      const to = state.stepIndex >= last ? null : state.stepIndex + 1;
      // Asked again while the rooms close: close them now.
      if (state.closing) return change(state, ctx, actor, 'rooms.close-now', (d) => moveOn(d, state.closing!.toStep, ctx.now, ctx));
      if (closeGraceMs(state) > 0) return change(state, ctx, actor, 'rooms.closing', (d) => startClosing(d, to, ctx.now));
      if (to === null) return change(state, ctx, actor, 'end', (d) => endSession(d, ctx.now));
      return change(state, ctx, actor, 'next', (d) => enterStep(d, to, ctx.now, ctx));
    }
    case 'goto':
      if (command.step > last) throw badInput(`The agenda has steps 0 to ${last}.`);
      if (state.closing?.toStep === command.step) return change(state, ctx, actor, 'rooms.close-now', (d) => moveOn(d, command.step, ctx.now, ctx));
      if (closeGraceMs(state) > 0) return change(state, ctx, actor, 'rooms.closing', (d) => startClosing(d, command.step, ctx.now));
      return change(state, ctx, actor, 'goto', (d) => enterStep(d, command.step, ctx.now, ctx));
    case 'keep-open': {
      if (!state.closing) throw conflict('The rooms are not closing.');
      const step = currentStep(state);
      if (step?.advance === 'auto' && state.endsAt !== null && state.endsAt <= ctx.now) {
        throw conflict("The step's time is up and it moves on by itself: extend it to keep the rooms open.");
      }
      return change(state, ctx, actor, 'rooms.keep-open', (d) => {
        d.closing = null;
        return { toStep: state.closing!.toStep };
      });
    }
    case 'pause': {
      if (state.status !== 'running') throw conflict('Only a running step can be paused.');
      if (state.closing) throw conflict('The rooms are closing: keep them open first.');
      const left = (state.endsAt ?? ctx.now) - ctx.now;
      if (left <= 0) throw conflict('The step is already at zero.');
      return change(state, ctx, actor, 'pause', (d) => {
        d.status = 'paused';
        d.remainingMs = left;
        d.endsAt = null;
        return { remainingMs: left };
      });
    }
    case 'resume':
      if (state.status !== 'paused') throw conflict('Only a paused step can be resumed.');
      return change(state, ctx, actor, 'resume', (d) => {
        d.status = 'running';
        d.endsAt = ctx.now + (state.remainingMs ?? 0);
        d.remainingMs = null;
        return { endsAt: d.endsAt };
      });
    case 'extend':
      if (state.status === 'lobby') throw conflict('The session has not started yet.');
      return change(state, ctx, actor, 'extend', (d, events) => extendStep(d, command.minutes, ctx.now, events));
    case 'end':
      return change(state, ctx, actor, 'end', (d) => endSession(d, ctx.now));
  }
}

/**
 * How long the rooms get between "the agenda moves on" and closing: only when leaving an open
 * breakout, as the step (or the default) says. No room closes without warning.
 */
export function closeGraceMs(state: SessionState): number {
  const step = currentStep(state);
  if (step?.kind !== 'breakout' || (state.status !== 'running' && state.status !== 'paused')) return 0;
  return (step.closeSeconds ?? defaultCloseSeconds) * 1000;
}

/** Every room is told it closes in a moment; the agenda moves on when that moment comes. */
function startClosing(d: SessionState, toStep: number | null, now: number): Record<string, unknown> {
  // Asked to go elsewhere while closing: the rooms keep the moment they were told.
  const at = d.closing?.at ?? now + closeGraceMs(d);
  if (d.status === 'paused') {
    // A paused breakout resumes at zero so that the grace, not the clock, is what counts down.
    d.status = 'running';
    d.endsAt = now;
    d.remainingMs = null;
  }
  d.closing = { at, toStep };
  return { at, toStep };
}

/** Leaves the breakout for `toStep`, or ends the session (null). */
function moveOn(d: SessionState, toStep: number | null, startAt: number, ctx: Context): Record<string, unknown> {
  return toStep === null ? endSession(d, startAt) : enterStep(d, toStep, startAt, ctx);
}

function enterStep(d: SessionState, index: number, startAt: number, ctx: Context): Record<string, unknown> {
  const from = d.stepIndex;
  d.closing = null;
  if (currentStep(d)?.kind === 'breakout') closeBreakout(d);
  const step = d.agenda[index]!;
  d.stepIndex = index;
  d.status = 'running';
  d.endsAt = startAt + step.minutes * minute;
  d.stepMinutes = step.minutes;
  d.remainingMs = null;
  d.announced = [];
  d.hands = [];
  d.floor = null;
  const detail: Record<string, unknown> = { fromStep: from, toStep: index, endsAt: d.endsAt };
  if (step.kind === 'breakout') detail.breakout = openBreakout(d, step, { ...ctx, now: startAt });
  return detail;
}

function endSession(d: SessionState, at: number): Record<string, unknown> {
  if (currentStep(d)?.kind === 'breakout') closeBreakout(d);
  const from = d.stepIndex;
  d.closing = null;
  d.status = 'ended';
  d.endedAt = at;
  d.floor = null;
  d.endsAt = null;
  d.remainingMs = null;
  return { fromStep: from };
}

function extendStep(d: SessionState, minutes: number, now: number, events: DomainEvent[]): Record<string, unknown> {
  const delta = minutes * minute;
  // More time for the rooms means they stay open: the closing is called off.
  if (minutes > 0) d.closing = null;
  d.stepMinutes = Math.max(0, (d.stepMinutes ?? currentStep(d)?.minutes ?? 0) + minutes);
  if (d.status === 'paused') {
    d.remainingMs = Math.max(0, (d.remainingMs ?? 0) + delta);
  } else {
    // A step waiting at zero restarts its countdown from now; shortening never goes below zero.
    const base = Math.max(d.endsAt ?? now, now);
    d.endsAt = Math.max(now, base + delta);
  }
  const left = d.status === 'paused' ? d.remainingMs! : d.endsAt! - now;
  // Marks that lie in the future again are announced again. A mark a shortening jumps over is
  // said at once, and once: "5 minutes left" at 4:40 is nearer the truth than silence until 1.
  // Only the latest such mark is worth saying; "time is up" waits for the deadline itself.
  const marks = marksOf(d);
  const jumped = marks.filter((m) => m > 0 && m * minute > left && !d.announced.includes(m));
  d.announced = marks.filter((m) => m * minute > left || (m * minute === left && d.announced.includes(m)));
  const said = jumped.length > 0 ? Math.min(...jumped) : null;
  if (said !== null) events.push({ type: 'warning', stepIndex: d.stepIndex, minutesLeft: said });
  return { minutes, remainingMs: left, ...(said !== null ? { warned: said } : {}) };
}

/** The warning marks of the current step, largest first, with 0 for "time is up". */
function marksOf(state: SessionState): number[] {
  const step = currentStep(state);
  if (!step) return [];
  // A mark as long as the step itself would warn at its very start; extensions make room for more.
  const length = Math.max(step.minutes, state.stepMinutes ?? 0);
  const marks = step.warnings.filter((m) => m < length);
  return [...new Set([...marks, 0])].sort((a, b) => b - a);
}

/**
 * Lets time pass: announces warnings whose mark has come, and at a step's deadline either starts
 * the next step (auto; from a breakout, after its rooms' closing grace) or announces that time is
 * up (hold); closes the rooms whose grace is over. Applied again and again it catches up
 * a session whose deadlines passed while the server was down, as if it had never stopped.
 * Returns null when nothing is due.
 */
export function letTimePass(state: SessionState, ctx: Context): Transition | null {
  let current = state;
  const events: DomainEvent[] = [];
  const audit: Transition['audit'] = [];
  let changed = emptyDelta();
  const settle = (t: Transition): SessionState => {
    if (t.state !== current) changed = composeDeltas(changed, t.changed ?? sessionDelta(current, t.state));
    audit.push(...t.audit);
    return t.state;
  };
  const take = (t: Transition): SessionState => {
    events.push(...t.events);
    return settle(t);
  };
  // Each step may take two turns (a breakout's rooms first close, then the next step starts).
  for (let guard = 0; guard <= 2 * state.agenda.length + 1; guard++) {
    const step = currentStep(current);
    if (current.status !== 'running' || !step || current.endsAt === null) break;
    const endsAt = current.endsAt;
    const closing = current.closing;
    if (closing && ctx.now >= closing.at) {
      current = take(change(current, ctx, clockActor, 'rooms.close', (d) => moveOn(d, closing.toStep, closing.at, ctx)));
      continue;
    }
    if (!closing && ctx.now >= endsAt && step.advance === 'auto' && closeGraceMs(current) > 0) {
      const to = current.stepIndex >= current.agenda.length - 1 ? null : current.stepIndex + 1;
      // The grace runs from the deadline, so a late catch-up closes the rooms when they would have closed.
      current = take(change(current, ctx, clockActor, 'rooms.closing', (d) => startClosing(d, to, endsAt)));
      continue;
    }
    if (!closing && ctx.now >= endsAt && step.advance === 'auto') {
      const last = current.stepIndex >= current.agenda.length - 1;
      const t = last
        ? change(current, ctx, clockActor, 'end', (d) => endSession(d, endsAt))
        : change(current, ctx, clockActor, 'auto-advance', (d) => enterStep(d, current.stepIndex + 1, endsAt, ctx));
      current = settle(t);
      continue;
    }
    const due = marksOf(current).filter((m) => !current.announced.includes(m) && ctx.now >= endsAt - m * minute);
    if (due.length === 0) break;
    const t = change(current, ctx, clockActor, 'warning', (d, ev) => {
      d.announced.push(...due);
      // Only the latest mark is worth saying, and only if still true: earlier ones were missed
      // while nobody could hear them. "Time is up" stays true however late it is said.
      const latest = Math.min(...due);
      const late = ctx.now - (endsAt - latest * minute);
      const said = latest === 0 || late <= lateWarningToleranceMs;
      if (said) ev.push({ type: 'warning', stepIndex: d.stepIndex, minutesLeft: latest });
      return { minutesLeft: latest, said };
    });
    current = take(t);
  }
  return current === state ? null : { state: current, events, audit, changed };
}

/** When `letTimePass` next has something to do, or null when nothing is scheduled. */
export function nextDeadline(state: SessionState): number | null {
  const step = currentStep(state);
  if (state.status !== 'running' || !step || state.endsAt === null) return null;
  const pending = marksOf(state)
    .filter((m) => !state.announced.includes(m))
    .map((m) => state.endsAt! - m * minute);
  if (state.closing) pending.push(state.closing.at);
  else if (step.advance === 'auto') pending.push(state.endsAt);
  return pending.length > 0 ? Math.min(...pending) : null;
}
