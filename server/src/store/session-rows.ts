import { rosterRecord, type Member, type SessionState } from '../domain/session';
import { wholeDelta, type SessionDelta } from '../domain/session-parts';

/** What one commit wrote, for the contract tests and /metrics: the cost should follow the change. */
export interface CommitSize {
  /** The parts written or removed. */
  parts: string[];
  /** Members written or removed. */
  members: number;
  /** Records the store wrote (parts, members, audit entries, the version), as it counted them. */
  rows: number;
  /** Bytes of the values written (JSON), audit included. */
  bytes: number;
}

/** A delta as the stores write it: each part and each member one JSON value, serialized once. */
export interface DeltaRows {
  parts: Array<[name: string, json: string]>;
  dropped: string[];
  members: Array<[id: string, json: string]>;
  gone: string[];
  audit: string[];
  bytes: number;
}

/**
 * Serializes everything before anything is written: a value that cannot be stored (or an audit
 * detail) stops the commit whole. Without a delta the whole state is written.
 */
export function deltaRows(state: SessionState, changed: SessionDelta | undefined, audit: readonly unknown[]): DeltaRows {
  const delta = changed ?? wholeDelta(state);
  let bytes = 0;
  const text = (value: unknown) => {
    const json = JSON.stringify(value);
    bytes += Buffer.byteLength(json);
    return json;
  };
  const parts = Object.entries(delta.parts)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]): [string, string] => [name, text(value)]);
  const members = Object.entries(delta.members).map(([id, member]): [string, string] => [id, text(member)]);
  return { parts, dropped: [...delta.dropped], members, gone: [...delta.gone], audit: audit.map(text), bytes };
}

export function sizeOf(rows: DeltaRows, written: number): CommitSize {
  return {
    parts: [...rows.parts.map(([name]) => name), ...rows.dropped],
    members: rows.members.length + rows.gone.length,
    rows: written,
    bytes: rows.bytes,
  };
}

/** A session put together from its stored parts and its members in roster order. */
export function assembleSession(parts: Iterable<[string, string]>, members: Iterable<[string, string]>): SessionState {
  const state = Object.fromEntries([...parts].map(([name, json]) => [name, JSON.parse(json) as unknown])) as unknown as SessionState;
  const roster = rosterRecord();
  for (const [id, json] of members) roster[id] = JSON.parse(json) as Member;
  state.roster = roster;
  return state;
}
