import type { RosterEntry } from '../../../shared/roster';
import type { AnswerValue, Questionnaire, SampleBody, Wave } from '../../../shared/study';

export type Arm = 'deliberation' | 'control';

/** The split of the pool, as drawn and audited. */
export interface Sample extends SampleBody {
  at: number;
  deliberation: string[];
  control: string[];
}

/**
 * An event: sessions gathered under one questionnaire and one report. Its pool, answers and audit
 * live beside it in the event store, keyed by person, never inside a session's state.
 */
export interface StudyEvent {
  id: string;
  title: string;
  languages: string[];
  version: number;
  /** Every version of the questionnaire, oldest first; the last is the one asked now. */
  questionnaires: Questionnaire[];
  /** Ids of the sessions that belong to it (a session belongs to at most one event). */
  sessions: string[];
  sample: Sample | null;
  createdAt: number;
  updatedAt: number;
}

/** One answer to one question, by one person, in one wave: the last one given counts. */
export interface SurveyAnswer {
  eventId: string;
  personId: string;
  wave: Wave;
  questionId: string;
  /** The questionnaire version it answered. */
  version: number;
  value: AnswerValue;
  arm: Arm;
  /** The session it was given in; null for the control arm's survey-only links. */
  sessionId: string | null;
  at: number;
}

export interface EventAuditEntry {
  eventId: string;
  at: number;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export type PoolMember = RosterEntry;

export function currentQuestionnaire(event: StudyEvent): Questionnaire | undefined {
  return event.questionnaires.at(-1);
}
