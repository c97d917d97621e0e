import { GroupingError } from './errors';
import { applyLanguageRule } from './language-rule';
import { defaultMinGroupSize } from './sizes';
import type { GroupingMember, GroupingNotice, GroupingRequest } from './types';

export const minTargetSize = 3;
export const maxGroupSize = 12;

/** Roles as small integers for the typed arrays of the search. */
export const RoleCode = { Participant: 0, Facilitator: 1, Notetaker: 2 } as const;

/**
 * A request validated and turned into dense integer arrays, so the search can count values per
 * group in flat typed arrays instead of maps of strings.
 */
export interface Problem {
  readonly members: GroupingMember[];
  readonly n: number;
  readonly target: number;
  /** No group under this while the roster allows it. */
  readonly min: number;
  readonly attributes: string[];
  readonly weights: Float64Array;
  /** values[i * attributes.length + a]: the code of member i's value for attribute a. */
  readonly values: Int32Array;
  /** How many distinct codes attribute a has. */
  readonly valueCount: number[];
  /** Every language someone lists, sorted; [''] when nobody lists one. */
  readonly languages: string[];
  /** speaks[i * languages.length + l] = 1 when member i can join a group held in language l. */
  readonly speaks: Uint8Array;
  readonly role: Uint8Array;
  /** Members who must share a group, as lists of member indices; most units have one member. */
  readonly units: number[][];
  readonly unitOf: Int32Array;
  /** Per member, the indices of members who must not share their group. */
  readonly apart: number[][];
  /** Pairs who met in an earlier round, as pairKey(i, j). */
  readonly met: Set<number>;
  readonly hasMet: Uint8Array;
}

export function pairKey(n: number, i: number, j: number): number {
  return i < j ? i * n + j : j * n + i;
}

/** The smallest group allowed for a request: its own `minGroupSize`, or the default (never above the target). */
export function minimumOf(request: GroupingRequest): number {
  const min = request.minGroupSize ?? Math.min(defaultMinGroupSize, request.groupSize);
  if (!Number.isInteger(min) || min < 1 || min > request.groupSize) {
    throw new GroupingError(`the smallest group size must be a whole number from 1 to the group size ${request.groupSize}, not ${min}`);
  }
  return min;
}

/** The problem the search solves, after the language rule has seated those who share no group language. */
export function prepare(request: GroupingRequest): { problem: Problem; notices: GroupingNotice[] } {
  checkTarget(request.groupSize);
  const seated = applyLanguageRule(request, minimumOf(request));
  return { problem: buildProblem(seated.request), notices: seated.notices };
}

function checkTarget(target: number): void {
  if (!Number.isInteger(target) || target < minTargetSize || target > maxGroupSize) {
    throw new GroupingError(`group size must be a whole number from ${minTargetSize} to ${maxGroupSize}, not ${target}`);
  }
}

export function buildProblem(request: GroupingRequest): Problem {
  const { members } = request;
  const target = request.groupSize;
  checkTarget(target);
  const min = minimumOf(request);
  if (!Number.isInteger(request.seed)) throw new GroupingError(`seed must be a whole number, not ${request.seed}`);
  const n = members.length;
  const indexOf = new Map<string, number>();
  members.forEach((m, i) => {
    if (indexOf.has(m.id)) throw new GroupingError(`participant "${m.id}" appears twice`, m.id);
    indexOf.set(m.id, i);
  });

  const attributes = request.attributes ?? [...new Set(members.flatMap((m) => Object.keys(m.attributes)))].sort();
  const weights = new Float64Array(attributes.map((a) => request.weights?.[a] ?? 1));
  for (const [a, w] of Object.entries(request.weights ?? {})) {
    if (!Number.isFinite(w) || w < 0) throw new GroupingError(`weight of "${a}" must be a number ≥ 0, not ${w}`);
  }
  const A = attributes.length;
  const values = new Int32Array(n * A);
  const valueCount: number[] = [];
  attributes.forEach((attribute, a) => {
    // A missing value is a value of its own, as the bench scorer counts it: unknowns get spread too.
    const codes = new Map<string, number>();
    members.forEach((m, i) => {
      const v = m.attributes[attribute] ?? '';
      let code = codes.get(v);
      if (code === undefined) codes.set(v, (code = codes.size));
      values[i * A + a] = code;
    });
    valueCount.push(codes.size);
  });

  const listed = [...new Set(members.flatMap((m) => m.languages))].sort();
  const languages = listed.length > 0 ? listed : [''];
  const L = languages.length;
  const speaks = new Uint8Array(n * L);
  members.forEach((m, i) => {
    for (let l = 0; l < L; l++) speaks[i * L + l] = m.languages.length === 0 || m.languages.includes(languages[l] as string) ? 1 : 0;
  });

  const role = new Uint8Array(members.map((m) => (m.role === 'facilitator' ? RoleCode.Facilitator : m.role === 'notetaker' ? RoleCode.Notetaker : RoleCode.Participant)));
  const lookup = (id: string, what: string) => {
    const i = indexOf.get(id);
    if (i === undefined) throw new GroupingError(`${what} names "${id}", who is not among the participants`, id);
    return i;
  };

  const unitOf = new Int32Array(n).map((_, i) => i);
  const find = (i: number): number => {
    while (unitOf[i] !== i) i = unitOf[i] = unitOf[unitOf[i] as number] as number;
    return i;
  };
  for (const [x, y] of request.together ?? []) {
    const a = find(lookup(x, 'a together pair'));
    const b = find(lookup(y, 'a together pair'));
    if (a !== b) unitOf[Math.max(a, b)] = Math.min(a, b);
  }
  const unitMembers = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const list = unitMembers.get(root);
    if (list) list.push(i);
    else unitMembers.set(root, [i]);
  }
  const units = [...unitMembers.values()];
  units.forEach((unit, u) => {
    for (const i of unit) unitOf[i] = u;
    checkUnit(unit, members, speaks, L, target);
  });

  const apart: number[][] = members.map(() => []);
  for (const [x, y] of request.apart ?? []) {
    const a = lookup(x, 'an apart pair');
    const b = lookup(y, 'an apart pair');
    if (a === b) throw new GroupingError(`"${x}" cannot be kept apart from themselves`, x);
    if (unitOf[a] === unitOf[b]) throw new GroupingError(`"${x}" and "${y}" must be both together and apart`, x);
    (apart[a] as number[]).push(b);
    (apart[b] as number[]).push(a);
  }

  const met = new Set<number>();
  const hasMet = new Uint8Array(n);
  for (const round of request.previousRounds ?? []) {
    for (const group of round) {
      // People from an earlier round who are not here now simply do not count.
      const present = group.map((id) => indexOf.get(id)).filter((i): i is number => i !== undefined);
      for (let x = 0; x < present.length; x++) {
        for (let y = x + 1; y < present.length; y++) {
          const i = present[x] as number;
          const j = present[y] as number;
          if (i === j) continue;
          met.add(pairKey(n, i, j));
          hasMet[i] = hasMet[j] = 1;
        }
      }
    }
  }
  return { members, n, target, min, attributes, weights, values, valueCount, languages, speaks, role, units, unitOf, apart, met, hasMet };
}

function checkUnit(unit: number[], members: GroupingMember[], speaks: Uint8Array, L: number, target: number): void {
  if (unit.length === 1) return;
  const first = members[unit[0] as number] as GroupingMember;
  if (unit.length > target + 1) {
    throw new GroupingError(`${unit.length} people are tied together with "${first.id}", more than a group of ${target + 1} holds`, first.id);
  }
  for (let l = 0; l < L; l++) if (unit.every((i) => speaks[i * L + l] === 1)) return;
  throw new GroupingError(`"${first.id}" and those who must join them share no discussion language`, first.id);
}
