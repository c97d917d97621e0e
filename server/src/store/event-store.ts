import type { EventAuditEntry, PoolMember, StudyEvent, SurveyAnswer } from '../study/event';

/**
 * Where events, their pools and every survey answer live. Answers are one record per person, wave
 * and question, so saving one is small and never touches a session's state.
 */
export interface EventStore {
  /** Rejects with CONFLICT when the id is taken. */
  create(event: StudyEvent, audit: EventAuditEntry[]): Promise<void>;
  /** The event with the sessions that belong to it. */
  load(id: string): Promise<StudyEvent | undefined>;
  /** Replaces the event stored at `expectedVersion` (not its sessions). CONFLICT when another writer got there first. */
  save(event: StudyEvent, expectedVersion: number, audit: EventAuditEntry[]): Promise<void>;
  /**
   * Adds sessions to the event, all or none: CONFLICT (naming it) when one already belongs to
   * another event. A session already in this event is kept once.
   */
  attachSessions(eventId: string, sessionIds: readonly string[], audit: EventAuditEntry[]): Promise<void>;
  /** The event a session belongs to. */
  eventOfSession(sessionId: string): Promise<string | undefined>;
  /** Replaces the recruited pool. */
  setPool(eventId: string, pool: readonly PoolMember[], audit: EventAuditEntry[]): Promise<void>;
  pool(eventId: string): Promise<PoolMember[]>;
  /** Stores an answer, replacing the same person's earlier answer to the same question in the same wave. */
  saveAnswer(answer: SurveyAnswer): Promise<void>;
  answers(eventId: string): Promise<SurveyAnswer[]>;
  /** Removes a person's answers and pool row, with the audit entry; resolves with how many answers went. */
  erase(eventId: string, personId: string, audit: EventAuditEntry[]): Promise<number>;
  audit(eventId: string): Promise<EventAuditEntry[]>;
  close(): Promise<void>;
}

export const answerKey = (a: Pick<SurveyAnswer, 'personId' | 'wave' | 'questionId'>) => JSON.stringify([a.personId, a.wave, a.questionId]);
