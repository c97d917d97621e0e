import type { AgendaStep } from '../../../shared/agenda';
import type { RosterEntry } from '../../../shared/roster';
import type { SessionStatus } from '../../../shared/session';
import type { Assignment, PlannedGroup } from '../grouping/types';

export interface Member extends RosterEntry {
  /** Bumped to revoke every invite link issued to this member before. */
  tokenVersion: number;
  /** The name the person chose to show on the join screen. */
  displayName?: string;
  /** The language the person chose for the interface and discussion. */
  language?: string;
  /** When the person accepted the session's terms: from then on they take part (present, seated). */
  consentedAt?: number;
  /** Which version of the terms text they accepted. */
  consentedTerms?: string;
  /** Takes part by voice only (marked by their facilitator or a moderator): their table reads and types for them. */
  voiceOnly?: boolean;
}

/**
 * A roster keyed by id with no prototype: no id ("constructor", "__proto__") finds or changes
 * anything but a member. Copies `members` (a stored roster, or a clone's).
 */
export function rosterRecord(members: Record<string, Member> = {}): Record<string, Member> {
  return Object.assign(Object.create(null) as Record<string, Member>, members);
}

/** The member with this roster id; only the roster's own entries count. */
export function memberOf(state: Pick<SessionState, 'roster'>, id: string): Member | undefined {
  return Object.hasOwn(state.roster, id) ? state.roster[id] : undefined;
}

/** The name others see. */
export function shownName(member: Member): string {
  return member.displayName ?? member.name;
}

export interface RoomsClosing {
  at: number;
  toStep: number | null;
}

export interface HelpCall {
  id: string;
  fromId: string | null;
  fromName: string;
  fromRole: Member['role'] | 'organizer';
  groupId: string | null;
  message: string;
  /** `cancelled`: the caller no longer needs help. */
  status: 'open' | 'acknowledged' | 'resolved' | 'cancelled';
  createdAt: number;
  handledBy: string | null;
}

/** Groups formed ahead of a breakout for the moderator to review, adjust and lock. */
export interface GroupPreview extends Omit<Assignment, 'repeatedPairs' | 'timedOut'> {
  stepIndex: number;
  locked: boolean;
  /** How many pairs of people who met in an earlier round would meet again. */
  repeatedPairs: number;
  /** The step's smallest group, when it sets one. */
  minGroupSize?: number;
}

/** An idea or a question a table sent to everyone. */
export interface Contribution {
  id: string;
  kind: 'idea' | 'question';
  text: string;
  groupId: string;
  stepIndex: number;
  /** The roster id of who sent it for the table. */
  by: string;
  at: number;
  /** Roster ids of the people who upvoted the question, in the order they did. */
  upvotes: string[];
  takenAt: number | null;
}

export interface AssignmentRecord {
  stepIndex: number;
  seed: number;
  algorithm: string;
  version: string;
  score: number;
  upperBound: number;
}

/**
 * Everything about a session that must survive a crash. Presence is not here: it is rebuilt
 * from the connections that come back.
 */
export interface SessionState {
  id: string;
  title: string;
  languages: string[];
  agenda: AgendaStep[];
  /** By roster id, in import order; without a prototype (see `rosterRecord`), read with `memberOf`. */
  roster: Record<string, Member>;
  moderatorTokenVersion: number;
  status: SessionStatus;
  /** -1 in the lobby. */
  stepIndex: number;
  /** Absolute deadline of the running step; in the past while a `hold` step waits at zero. */
  endsAt: number | null;
  /** The current step's length in minutes, extensions included: which warning marks fit in it. */
  stepMinutes?: number;
  /** What was left when paused. */
  remainingMs: number | null;
  /**
   * The breakout's rooms are closing: at `at` the agenda moves to `toStep` (null: the session
   * ends). Kept here so a restart closes them on time.
   */
  closing?: RoomsClosing | null;
  /** Warning marks (minutes left; 0 = time is up) already announced for the current step. */
  announced: number[];
  /** Groups of the current breakout, or of the last one (kept for report-back and `keep`). */
  groups: PlannedGroup[];
  assignment: AssignmentRecord | null;
  /** Earlier rounds' groups, so new groups avoid repeated pairs. */
  previousRounds: string[][][];
  preview: GroupPreview | null;
  /** Raised hands in plenary, oldest first. */
  hands: string[];
  /**
   * Who holds the plenary floor, given by the moderator (null: nobody but the named speakers).
   * Media grants follow it. Absent in sessions stored before the floor existed.
   */
  floor?: string | null;
  /**
   * The rapporteurs' queue after a breakout: group ids in presenting order, who presents now, and
   * who has presented (absent in sessions stored before it was kept).
   */
  reportBack: { queue: string[]; presenting: string | null; presented?: string[] };
  helpCalls: HelpCall[];
  /** Ids handed out so far (help calls, broadcasts): deterministic, no randomness in the domain. */
  sequence: number;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** When the session ended (absent before, and in sessions stored before this was kept). */
  endedAt?: number;
  /**
   * Who has answered which survey wave, by roster id (null prototype, see `surveyRespondents`); the
   * answers themselves live in the event store. Absent until someone answers.
   */
  surveyRespondents?: Record<string, Array<'T1' | 'T2'>>;
  /** Ideas and questions the tables sent, in the order they came (absent in older sessions). */
  contributions?: Contribution[];
  /**
   * Ballots of the vote steps: by step index, then by roster id (null-prototype records), each the
   * option ids chosen, in order of preference for a ranking (absent in older sessions).
   */
  ballots?: Record<string, Record<string, string[]>>;
}

export function newSession(input: {
  id: string;
  title: string;
  languages: string[];
  agenda: AgendaStep[];
  now: number;
}): SessionState {
  return {
    id: input.id,
    title: input.title,
    languages: input.languages,
    agenda: input.agenda,
    roster: rosterRecord(),
    moderatorTokenVersion: 1,
    status: 'lobby',
    stepIndex: -1,
    endsAt: null,
    remainingMs: null,
    announced: [],
    groups: [],
    assignment: null,
    previousRounds: [],
    preview: null,
    hands: [],
    floor: null,
    reportBack: { queue: [], presenting: null, presented: [] },
    helpCalls: [],
    sequence: 0,
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function currentStep(state: SessionState): AgendaStep | undefined {
  return state.stepIndex >= 0 ? state.agenda[state.stepIndex] : undefined;
}

/** True while a breakout step is the current one: groups are open and people sit in them. */
export function inBreakout(state: SessionState): boolean {
  return (state.status === 'running' || state.status === 'paused') && currentStep(state)?.kind === 'breakout';
}

export function groupOf(state: SessionState, memberId: string): PlannedGroup | undefined {
  return state.groups.find((g) => g.members.includes(memberId));
}
