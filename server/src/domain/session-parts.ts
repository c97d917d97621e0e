import { rosterRecord, type Member, type SessionState } from './session';

/** A part of a session: each top-level field but the roster, which is kept member by member. */
export type SessionPart = Exclude<keyof SessionState, 'roster'>;

/**
 * What one commit changed, so that storing and telling it costs what changed rather than the
 * whole session: the parts with their new values, the parts the state no longer has, the members
 * added or changed (by id) and those no longer on the roster. Plain JSON, so it can be announced.
 */
export interface SessionDelta {
  parts: Partial<Omit<SessionState, 'roster'>>;
  dropped: SessionPart[];
  members: Record<string, Member>;
  gone: string[];
}

/** Deep equality of JSON-like data (what a session state is), whatever the objects' prototypes. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameData(ra[k], rb[k]));
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const partsOf = (state: SessionState) => state as unknown as Record<string, unknown>;

/**
 * How `after` differs from `before`. `touched` names the only members that may differ (a draft's
 * copy-on-read knows them); without it every member is looked at, the unchanged ones by reference
 * first. A part set to `undefined` counts as absent, as it is once stored as JSON.
 */
export function sessionDelta(before: SessionState, after: SessionState, touched?: Iterable<string>): SessionDelta {
  const delta = emptyDelta();
  const b = partsOf(before);
  const a = partsOf(after);
  const parts = delta.parts as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (key === 'roster' || a[key] === undefined) continue;
    if (!sameData(a[key], b[key])) parts[key] = a[key];
  }
  for (const key of Object.keys(b)) {
    if (key !== 'roster' && b[key] !== undefined && a[key] === undefined) delta.dropped.push(key as SessionPart);
  }
  const ids = touched ?? everyId(before.roster, after.roster);
  for (const id of ids) {
    const now = own(after.roster, id);
    const was = own(before.roster, id);
    if (now === undefined) {
      if (was !== undefined) delta.gone.push(id);
    } else if (now !== was && !sameData(now, was)) {
      delta.members[id] = now;
    }
  }
  return delta;
}

function* everyId(before: Record<string, Member>, after: Record<string, Member>): Iterable<string> {
  yield* Object.keys(after);
  for (const id of Object.keys(before)) if (!Object.hasOwn(after, id)) yield id;
}

export function emptyDelta(): SessionDelta {
  return { parts: {}, dropped: [], members: rosterRecord(), gone: [] };
}

/** The whole session as a delta from nothing: what creating it writes. */
export function wholeDelta(state: SessionState): SessionDelta {
  const { roster, ...rest } = state;
  const parts = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as SessionDelta['parts'];
  return { parts, dropped: [], members: rosterRecord(roster), gone: [] };
}

export function isEmptyDelta(delta: SessionDelta): boolean {
  return Object.keys(delta.parts).length === 0 && delta.dropped.length === 0 && delta.gone.length === 0 && Object.keys(delta.members).length === 0;
}

/** `first` then `second` as one delta (several transitions committed at once). */
export function composeDeltas(first: SessionDelta, second: SessionDelta): SessionDelta {
  const parts = { ...first.parts, ...second.parts } as Record<string, unknown>;
  for (const key of second.dropped) delete parts[key];
  const members = rosterRecord({ ...first.members });
  for (const id of second.gone) delete members[id];
  Object.assign(members, second.members);
  return {
    parts: parts as SessionDelta['parts'],
    dropped: [...first.dropped.filter((k) => !Object.hasOwn(second.parts, k)), ...second.dropped.filter((k) => !first.dropped.includes(k))],
    members,
    gone: [...first.gone.filter((id) => !Object.hasOwn(second.members, id)), ...second.gone.filter((id) => !first.gone.includes(id))],
  };
}

/**
 * The state a delta leads to from `state`, which is left as it is: unchanged parts and members are
 * shared with it. A new member comes last in roster order, as it does in the stores.
 */
export function applyDelta(state: SessionState, delta: SessionDelta): SessionState {
  const next = { ...state, ...delta.parts } as SessionState;
  for (const key of delta.dropped) delete (next as Partial<SessionState>)[key];
  if (delta.gone.length > 0 || Object.keys(delta.members).length > 0) {
    next.roster = rosterRecord(state.roster);
    for (const id of delta.gone) delete next.roster[id];
    Object.assign(next.roster, delta.members);
  }
  return next;
}
