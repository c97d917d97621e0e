import type { GroupAssigner } from '../grouping/types';
import type { Actor } from './roles';
import { rosterRecord, type Member, type SessionState } from './session';
import { isEmptyDelta, sessionDelta, type SessionDelta } from './session-parts';

export { sameData } from './session-parts';

export type DomainEvent =
  | { type: 'warning'; stepIndex: number; minutesLeft: number }
  | { type: 'broadcast'; id: string; text: string; from: string | null; groupId: string | null }
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

/**
 * The outcome of one command: the new state (one version later), what to announce, what to audit,
 * and what the command reports to its caller. A command that changes nothing hands back the very
 * state it was given, with no event and no audit: nothing is stored, nobody is sent anything.
 */
export interface Transition {
  state: SessionState;
  events: DomainEvent[];
  audit: AuditEntry[];
  result?: Record<string, unknown>;
  /** What the command changed (absent: the host works it out), so a commit writes only that. */
  changed?: SessionDelta;
}

export const clockActor: Actor = { role: 'organizer', memberId: null, name: 'agenda clock' };

export function actorLabel(actor: Actor): string {
  if (actor === clockActor) return 'clock';
  return actor.memberId ? `${actor.role}:${actor.memberId}` : actor.role;
}

/**
 * Copies the state, lets `mutate` change the copy, and stamps the result with the next version
 * and an audit entry. The input state is never modified, so a refused command changes nothing;
 * when the copy comes out the same and nothing is announced, the input state itself is returned.
 * The transition says which parts and members changed, so the commit costs what changed.
 */
export function change(
  state: SessionState,
  ctx: Pick<Context, 'now'>,
  actor: Actor,
  action: string,
  mutate: (draft: SessionState, events: DomainEvent[]) => Record<string, unknown> | void,
): Transition {
  // The roster is most of a large session and most commands touch a member or none: the draft
  // shares the members and copies one only when the command reads it (it may change what it reads).
  const { roster: members, ...rest } = state;
  const roster = copyOnRead(members);
  const draft: SessionState = { ...structuredClone(rest), roster: roster.draft };
  const events: DomainEvent[] = [];
  const detail = mutate(draft, events) ?? {};
  const replaced = draft.roster !== roster.draft;
  draft.roster = replaced ? rosterRecord(draft.roster) : roster.settled;
  // Whatever moved the floor (a moderator, a step change, the end), media hears of it once.
  if ((state.floor ?? null) !== (draft.floor ?? null)) events.push({ type: 'floor.changed', stepIndex: draft.stepIndex, floor: draft.floor ?? null });
  // Only the members read through the draft can differ, unless the whole roster was replaced.
  const changed = sessionDelta(state, draft, replaced ? undefined : roster.touched);
  if (events.length === 0 && isEmptyDelta(changed)) return { state, events, audit: [], result: detail };
  draft.version = state.version + 1;
  draft.updatedAt = ctx.now;
  changed.parts.version = draft.version;
  changed.parts.updatedAt = draft.updatedAt;
  return {
    state: draft,
    events,
    result: detail,
    changed,
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

/**
 * A roster for a draft: the same members as `members`, each copied the first time it is read
 * through `draft`; `settled` is the plain roster (no proxy) the draft ends up with, `touched` the
 * ids read, written or deleted through it (the only ones that may have changed).
 */
function copyOnRead(members: Record<string, Member>): { draft: Record<string, Member>; settled: Record<string, Member>; touched: Set<string> } {
  const settled = rosterRecord(members);
  const touched = new Set<string>();
  const draft = new Proxy(settled, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !touched.has(key) && Object.hasOwn(target, key)) {
        touched.add(key);
        target[key] = structuredClone(target[key]!);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
    set(target, key, value, receiver) {
      if (typeof key === 'string') touched.add(key);
      return Reflect.set(target, key, value, receiver);
    },
    deleteProperty(target, key) {
      if (typeof key === 'string') touched.add(key);
      return Reflect.deleteProperty(target, key);
    },
  });
  return { draft, settled, touched };
}
