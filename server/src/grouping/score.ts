import type { Layout } from './construct';
import { pairKey, type Problem } from './problem';
import type { GroupingMember } from './types';

export interface Scores {
  /** Weighted distinct values per group, in group order. */
  perGroup: number[];
  score: number;
  /** The most distinct values any grouping of these people into these group sizes could reach. */
  upperBound: number;
  /** Pairs in one group with the same value of an attribute, summed over attributes (unweighted). */
  sameValuePairs: number;
  repeatedPairs: Array<[string, string]>;
}

/**
 * Scores groups given as lists of member indices. The bound is the bench scorer's: per attribute,
 * the smaller of "each value in at most as many groups as it has people" and "each group holds at
 * most as many values as it has seats or there are values", so the two report the same ratio.
 */
export function scoreGroups(p: Problem, groups: number[][]): Scores {
  const A = p.attributes.length;
  const G = groups.length;
  const perGroup = groups.map(() => 0);
  let sameValuePairs = 0;
  let upperBound = 0;
  for (let a = 0; a < A; a++) {
    const w = p.weights[a] as number;
    const overall = new Int32Array(p.valueCount[a] as number);
    groups.forEach((group, g) => {
      const tally = new Map<number, number>();
      for (const i of group) {
        const v = p.values[i * A + a] as number;
        tally.set(v, (tally.get(v) ?? 0) + 1);
        overall[v] = (overall[v] as number) + 1;
      }
      perGroup[g] = (perGroup[g] as number) + w * tally.size;
      for (const k of tally.values()) sameValuePairs += (k * (k - 1)) / 2;
    });
    let spread = 0;
    let distinct = 0;
    for (const k of overall) {
      if (k > 0) distinct++;
      spread += Math.min(k, G);
    }
    const seats = groups.reduce((s, group) => s + Math.min(group.length, distinct), 0);
    upperBound += w * Math.min(spread, seats);
  }
  const repeatedPairs: Array<[string, string]> = [];
  if (p.met.size > 0) {
    for (const group of groups) {
      for (let x = 0; x < group.length; x++) {
        for (let y = x + 1; y < group.length; y++) {
          const i = group[x] as number;
          const j = group[y] as number;
          if (p.met.has(pairKey(p.n, i, j))) repeatedPairs.push([p.members[i]!.id, p.members[j]!.id]);
        }
      }
    }
  }
  return { perGroup, score: perGroup.reduce((s, x) => s + x, 0), upperBound, sameValuePairs, repeatedPairs };
}

/** Members of each group as index lists, dropping groups left empty. */
export function groupsOf(layout: Layout): number[][] {
  const groups: number[][] = Array.from({ length: layout.capacity.length }, () => []);
  layout.groupOf.forEach((g, i) => groups[g]!.push(i));
  return groups.filter((group) => group.length > 0);
}

/**
 * How much a newcomer adds to a group: the weight of each attribute whose value the group lacks.
 * Works on members by id, for callers that hold groups as ids (late joiners, previews).
 */
export function diversityGain(
  newcomer: GroupingMember,
  group: GroupingMember[],
  attributes: string[],
  weights: Record<string, number> = {},
): number {
  let gain = 0;
  for (const a of attributes) {
    const v = newcomer.attributes[a] ?? '';
    if (!group.some((m) => (m.attributes[a] ?? '') === v)) gain += weights[a] ?? 1;
  }
  return gain;
}
