import { conflict, notFound } from '../domain/errors';
import type { EventAuditEntry, PoolMember, StudyEvent, SurveyAnswer } from '../study/event';
import { answerKey, type EventStore } from './event-store';

/** For tests and throwaway runs: the EventStore contract, kept in this object. */
export class MemoryEventStore implements EventStore {
  readonly #events = new Map<string, StudyEvent>();
  readonly #sessions = new Map<string, string>();
  readonly #pools = new Map<string, PoolMember[]>();
  readonly #answers = new Map<string, Map<string, SurveyAnswer>>();
  readonly #audit = new Map<string, EventAuditEntry[]>();

  #append(eventId: string, audit: EventAuditEntry[]): void {
    const entries = structuredClone(audit);
    this.#audit.set(eventId, [...(this.#audit.get(eventId) ?? []), ...entries]);
  }

  #existing(id: string): StudyEvent {
    const event = this.#events.get(id);
    if (!event) throw notFound(`There is no event ${id}.`);
    return event;
  }

  async create(event: StudyEvent, audit: EventAuditEntry[]): Promise<void> {
    if (this.#events.has(event.id)) throw conflict(`Event ${event.id} already exists.`);
    const copy = structuredClone({ ...event, sessions: [] });
    this.#append(event.id, audit);
    this.#events.set(event.id, copy);
  }

  async load(id: string): Promise<StudyEvent | undefined> {
    const event = this.#events.get(id);
    if (!event) return undefined;
    const sessions = [...this.#sessions.entries()].filter(([, e]) => e === id).map(([s]) => s);
    return { ...structuredClone(event), sessions };
  }

  async save(event: StudyEvent, expectedVersion: number, audit: EventAuditEntry[]): Promise<void> {
    if (this.#existing(event.id).version !== expectedVersion) throw conflict('The event changed meanwhile; try again.');
    const copy = structuredClone({ ...event, sessions: [] });
    this.#append(event.id, audit);
    this.#events.set(event.id, copy);
  }

  async attachSessions(eventId: string, sessionIds: readonly string[], audit: EventAuditEntry[]): Promise<void> {
    this.#existing(eventId);
    const taken = sessionIds.find((s) => this.#sessions.has(s) && this.#sessions.get(s) !== eventId);
    if (taken !== undefined) throw conflict(`Session ${taken} already belongs to event ${this.#sessions.get(taken)}.`);
    this.#append(eventId, audit);
    for (const s of sessionIds) this.#sessions.set(s, eventId);
  }

  async eventOfSession(sessionId: string): Promise<string | undefined> {
    return this.#sessions.get(sessionId);
  }

  async setPool(eventId: string, pool: readonly PoolMember[], audit: EventAuditEntry[]): Promise<void> {
    this.#existing(eventId);
    const copy = structuredClone([...pool]);
    this.#append(eventId, audit);
    this.#pools.set(eventId, copy);
  }

  async pool(eventId: string): Promise<PoolMember[]> {
    return structuredClone(this.#pools.get(eventId) ?? []);
  }

  async saveAnswer(answer: SurveyAnswer): Promise<void> {
    this.#existing(answer.eventId);
    const answers = this.#answers.get(answer.eventId) ?? new Map<string, SurveyAnswer>();
    answers.set(answerKey(answer), structuredClone(answer));
    this.#answers.set(answer.eventId, answers);
  }

  async answers(eventId: string): Promise<SurveyAnswer[]> {
    return structuredClone([...(this.#answers.get(eventId)?.values() ?? [])]);
  }

  async erase(eventId: string, personId: string, audit: EventAuditEntry[]): Promise<number> {
    this.#existing(eventId);
    const answers = this.#answers.get(eventId) ?? new Map<string, SurveyAnswer>();
    const gone = [...answers.entries()].filter(([, a]) => a.personId === personId).map(([k]) => k);
    this.#append(eventId, audit);
    for (const k of gone) answers.delete(k);
    const pool = this.#pools.get(eventId);
    if (pool) this.#pools.set(eventId, pool.filter((p) => p.id !== personId));
    return gone.length;
  }

  async audit(eventId: string): Promise<EventAuditEntry[]> {
    return structuredClone(this.#audit.get(eventId) ?? []);
  }

  async close(): Promise<void> {}
}
