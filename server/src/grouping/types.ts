/**
 * The grouping contract shared by every assignment method (seeded random, diverse exchange).
 * Pure data: no transport, no storage, no clock.
 */
export type GroupingRole = 'participant' | 'facilitator' | 'notetaker';

export interface GroupingMember {
  id: string;
  /** Discussion languages the person can use; a group must share one. */
  languages: string[];
  role: GroupingRole;
  /** Categorical attributes (country, gender, age band, …): whatever columns the roster has. */
  attributes: Record<string, string>;
}

export interface GroupingRequest {
  members: GroupingMember[];
  /** Target group size, 3–12. */
  groupSize: number;
  seed: number;
  /** Only these attributes count for diversity (default: every attribute seen). */
  attributes?: string[];
  /** Weight per attribute (default 1). */
  weights?: Record<string, number>;
  /** Earlier rounds, each a list of groups (member ids): pairs should not meet twice. */
  previousRounds?: string[][][];
  /** Pairs that must share a group (a participant and their interpreter). */
  together?: Array<[string, string]>;
  /** Pairs that must not share a group. */
  apart?: Array<[string, string]>;
  timeBudgetMs?: number;
}

export interface PlannedGroup {
  /** Stable label within the assignment: g1, g2, … */
  id: string;
  members: string[];
  /** The discussion language every member shares. */
  language: string;
  /** Diversity of this group (weighted distinct values summed over attributes). */
  score: number;
}

export interface Assignment {
  groups: PlannedGroup[];
  seed: number;
  algorithm: string;
  version: string;
  score: number;
  upperBound: number;
  sameValuePairs: number;
  /** Pairs that meet again although an earlier round already put them together. */
  repeatedPairs: Array<[string, string]>;
  /**
   * Set when the time budget, not the search's own stopping rule, ended the search: such an
   * assignment may differ between machines for the same seed.
   */
  timedOut?: boolean;
}

export interface GroupAssigner {
  readonly algorithm: string;
  assign(request: GroupingRequest): Assignment;
}
