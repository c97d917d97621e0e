import type { GroupAssigner } from '../grouping/types';
import type { Actor } from './roles';
import type { SessionState } from './session';

export type DomainEvent =
  | { type: 'warning'; stepIndex: number; minutesLeft: number }
  | { type: 'broadcast'; id: string; text: string; from: string; groupId: string | null }
  /** The moderator moved someone to another room of the open breakout: they are told where. */
  | { type: 'member.moved'; memberId: string; from: string; to: string }
  /** A call for help was made, answered or cancelled: its caller is told. */
  | { type: 'help.changed'; id: string; fromId: string | null }
  /** The plenary floor passed to someone else, or back to nobody; who may publish follows it. */
  | { type: 'floor.changed'; stepIndex: number; floor: string | null };

export interface AuditEntry {
  sessionId: string;
  at: number;
  actor: string;
  action: string;
  fromVersion: number;
  toVersion: number;
  detail: Record<string, unknown>;
}

/** What the domain needs from the world to decide: the time, who is here, how to form groups. */
export interface Context {
  now: number;
  present: ReadonlySet<string>;
  assigner: GroupAssigner;
}

/** The outcome of one command: the new state (one version later), what to announce, what to audit. */
export interface Transition {
  state: SessionState;
  events: DomainEvent[];
  audit: AuditEntry[];
}

export const clockActor: Actor = { role: 'organizer', memberId: null, name: 'agenda clock' };

export function actorLabel(actor: Actor): string {
  if (actor === clockActor) return 'clock';
  return actor.memberId ? `${actor.role}:${actor.memberId}` : actor.role;
}

/**
 * Copies the state, lets `mutate` change the copy, and stamps the result with the next version
 * and an audit entry. The input state is never modified, so a refused command changes nothing.
 */
export function change(
  state: SessionState,
  ctx: Pick<Context, 'now'>,
  actor: Actor,
  action: string,
  mutate: (draft: SessionState, events: DomainEvent[]) => Record<string, unknown> | void,
): Transition {
  const draft = structuredClone(state);
  const events: DomainEvent[] = [];
  const detail = mutate(draft, events) ?? {};
  // Whatever moved the floor (a moderator, a step change, the end), media hears of it once.
  if ((state.floor ?? null) !== (draft.floor ?? null)) events.push({ type: 'floor.changed', stepIndex: draft.stepIndex, floor: draft.floor ?? null });
  draft.version = state.version + 1;
  draft.updatedAt = ctx.now;
  return {
    state: draft,
    events,
    audit: [
      {
        sessionId: state.id,
        at: ctx.now,
        actor: actorLabel(actor),
        action,
        fromVersion: state.version,
        toVersion: draft.version,
        detail,
      },
    ],
  };
}

export function nextId(draft: SessionState, prefix: string): string {
  draft.sequence += 1;
  return `${prefix}${draft.sequence}`;
}
