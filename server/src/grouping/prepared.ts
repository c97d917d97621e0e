import { placeLateJoiner } from './late-joiner';
import { rescore } from './rescore';
import type { Assignment, GroupAssigner, GroupingMember, GroupingRequest, PlannedGroup } from './types';

/**
 * Thrown by a prepared assigner asked for an assignment nobody computed yet: the caller computes
 * it off the event loop and decides again. The domain never catches it (it is not a refusal).
 */
export class AssignmentNeeded extends Error {
  override readonly name = 'AssignmentNeeded';
  constructor(readonly request: GroupingRequest) {
    super('The assignment is computed off the event loop first.');
  }
}

/** How many people may differ between the roster grouped and the roster asked for before the groups are formed again. */
export function reconcileLimit(size: number): number {
  return Math.max(5, Math.ceil(size * 0.01));
}

type Outcome = { assignment: Assignment } | { error: unknown };

interface Computed {
  request: GroupingRequest;
  /**
   * Everything the engine reads except the people and the seed: two requests that share it differ
   * only by who is grouped, or by a seed drawn from a version another node moved on meanwhile.
   */
  terms: string;
  seed: number;
  members: Map<string, string>;
  outcome: Outcome;
}

/**
 * The assignments one command computed off the event loop, handed to the pure domain as a
 * synchronous assigner. Asked again for the same request, it answers with what was computed. Asked
 * for the same terms over slightly different people (someone came or went while the engine ran), it
 * keeps the groups computed and seats the difference by the late-joiner rule, as a reviewed preview
 * is kept; for other terms, or many people changed, it asks for a new computation.
 */
export class PreparedAssignments {
  readonly #computed: Computed[] = [];

  constructor(
    readonly algorithm: string,
    /** Computed earlier, before the command was asked (the groups foreseen for an upcoming breakout). */
    earlier?: PreparedAssignments,
  ) {
    if (earlier) this.#computed.push(...earlier.#computed);
  }

  /** Takes what `other` computed since (the groups foreseen that were still being formed). */
  adopt(other: PreparedAssignments): void {
    for (const computed of other.#computed) if (!this.#computed.includes(computed)) this.#computed.push(computed);
  }

  /** Records what the engine made of `request` (or the error it refused it with); the last few are kept. */
  add(request: GroupingRequest, outcome: Outcome): void {
    this.#computed.push({ request, terms: termsOf(request), seed: request.seed, members: membersOf(request), outcome });
    if (this.#computed.length > 4) this.#computed.shift();
  }

  /**
   * The assigner for one decision. With `anyDifference` (the people kept changing while the engine
   * ran, round after round), any change of people is reconciled rather than computed again.
   */
  assigner(anyDifference = false): GroupAssigner {
    return { algorithm: this.algorithm, assign: (request) => this.#answer(request, anyDifference) };
  }

  #answer(request: GroupingRequest, anyDifference: boolean): Assignment {
    const terms = termsOf(request);
    const members = membersOf(request);
    let best: { computed: Computed; difference: number } | null = null;
    for (const computed of this.#computed) {
      if (computed.terms !== terms) continue;
      const difference = differenceOf(computed.members, members);
      const closer = !best || difference < best.difference || (difference === best.difference && computed.seed === request.seed);
      if (closer) best = { computed, difference };
    }
    if (!best || (!anyDifference && best.difference > reconcileLimit(request.members.length))) throw new AssignmentNeeded(request);
    const { outcome } = best.computed;
    if ('error' in outcome) {
      if (best.difference === 0 && best.computed.seed === request.seed) throw outcome.error;
      throw new AssignmentNeeded(request);
    }
    return best.difference === 0 ? outcome.assignment : reconcile(outcome.assignment, best.computed.members, request);
  }
}

function termsOf(request: GroupingRequest): string {
  const { members: _members, seed: _seed, ...terms } = request;
  return JSON.stringify(terms);
}

/** Each person by id, with what the engine reads of them. */
function membersOf(request: GroupingRequest): Map<string, string> {
  return new Map(request.members.map((m) => [m.id, JSON.stringify([m.languages, m.role, m.attributes])]));
}

function differenceOf(a: Map<string, string>, b: Map<string, string>): number {
  let difference = 0;
  for (const [id, line] of a) if (b.get(id) !== line) difference += 1;
  for (const id of b.keys()) if (!a.has(id)) difference += 1;
  return difference;
}

/**
 * The computed groups for the people asked for: who left (or changed) leaves their group, who
 * arrived (or changed) is seated where they fit best among groups sharing a language, nobody else
 * moves; then the groups are scored again with the engine's measure.
 */
function reconcile(assignment: Assignment, grouped: Map<string, string>, request: GroupingRequest): Assignment {
  const asked = membersOf(request);
  const byId = new Map<string, GroupingMember>(request.members.map((m) => [m.id, m]));
  const groups: PlannedGroup[] = assignment.groups
    .map((g) => ({ ...g, members: g.members.filter((id) => asked.get(id) === grouped.get(id)) }))
    .filter((g) => g.members.length > 0);
  for (const member of request.members) {
    if (grouped.get(member.id) === asked.get(member.id)) continue;
    const chosenId = placeLateJoiner(groups, member, byId, request.groupSize, request.weights ?? {});
    const chosen = groups.find((g) => g.id === chosenId) ?? newGroup(groups, member.languages[0] ?? request.groupLanguages?.[0] ?? 'en');
    chosen.members.push(member.id);
  }
  const scores = rescore(request.members, groups.map((g) => g.members), request.groupSize, request.previousRounds);
  const scored = groups.map((g, i) => ({ ...g, score: scores.perGroup[i] ?? 0 }));
  const present = new Set(asked.keys());
  return {
    ...assignment,
    groups: scored,
    score: scores.score,
    upperBound: scores.upperBound,
    sameValuePairs: scores.sameValuePairs,
    repeatedPairs: scores.repeatedPairs,
    notices: assignment.notices.filter((n) => (n.kind === 'smallGroup' ? groups.some((g) => g.id === n.groupId && g.members.length === n.size) : present.has(n.memberId))),
  };
}

/** Appends an empty group with the next free label. */
export function newGroup(groups: PlannedGroup[], language: string): PlannedGroup {
  const used = new Set(groups.map((g) => g.id));
  let n = groups.length + 1;
  while (used.has(`g${n}`)) n += 1;
  const group: PlannedGroup = { id: `g${n}`, members: [], language, score: 0 };
  groups.push(group);
  return group;
}
