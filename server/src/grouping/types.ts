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
  /**
   * No group smaller than this while the roster allows it (default 3, at most the target): a
   * language too few people speak to fill such a group is not held as a group language.
   */
  minGroupSize?: number;
  /**
   * The languages groups may be held in: the session's. Default: every language someone lists.
   * Someone who speaks none of them is seated by the rule in `language-rule.ts`, and told in
   * the assignment's notices.
   */
  groupLanguages?: string[];
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
  /**
   * The groups a reshuffle replaces (member ids): the result is another assignment of the same
   * quality whenever the search finds one, not these groups again.
   */
  differentFrom?: string[][];
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

/**
 * What the organizer must know about an assignment beyond its groups: each is one explicit rule
 * applied, so nothing about a person's language or a small group happens silently.
 */
export type GroupingNotice =
  /** Speaks none of the group languages; seated with `interpreterId`, who speaks `language` too. */
  | { kind: 'interpreter'; memberId: string; interpreterId: string; language: string }
  /** Speaks none of the group languages, but enough present people share `language` for a group of its own. */
  | { kind: 'ownLanguage'; memberId: string; language: string }
  /** Speaks none of the group languages and nobody present can interpret: may sit in any group. */
  | { kind: 'noSharedLanguage'; memberId: string }
  /** A group under the minimum size: too few people who share its language could join it. */
  | { kind: 'smallGroup'; groupId: string; size: number; minimum: number };

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
  /** How people who share no group language were seated, and groups smaller than the minimum. */
  notices: GroupingNotice[];
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
