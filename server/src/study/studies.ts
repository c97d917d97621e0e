import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RosterEntry } from '../../../shared/roster';
import type { z } from 'zod';
import type { ControlLinksBody, CreateEventBody, QuestionnaireBody, SampleBody, SampleResult, SurveyAnswerBody, SurveyView, Wave } from '../../../shared/study';
import type { Invites } from '../access/invites';
import { SurveyLinks } from '../access/survey-links';
import type { Clock } from '../domain/clock';
import { DomainError, badInput, conflict, notFound } from '../domain/errors';
import { authorize, type Actor } from '../domain/roles';
import { importRoster } from '../domain/roster';
import { memberOf, type SessionState } from '../domain/session';
import { recordSurveyResponse, surveyWaveFor } from '../domain/survey';
import { actorLabel } from '../domain/transition';
import type { SessionHost } from '../sessions/session-host';
import type { EventStore } from '../store/event-store';
import { currentQuestionnaire, type Arm, type EventAuditEntry, type StudyEvent } from './event';
import { checkAnswer, questionOf, questionsIn } from './questionnaire';
import { researchCodebook, researchCsv } from './research-export';
import { studyResults, type StudyResults } from './results';
import { stratifiedSplit } from './sampling';

export interface StudiesOptions {
  store: EventStore;
  host: SessionHost;
  clock: Clock;
  invites: () => Invites;
  surveyLinks: () => SurveyLinks;
  /** Keys the pseudonymous ids of the research export. */
  signingKey: string;
}

/** Who is answering a survey, and in which wave: a deliberator in their session, or a control member by link. */
interface Respondent {
  event: StudyEvent;
  personId: string;
  arm: Arm;
  wave: Wave;
  language: string;
  closesAt: number | null;
  session: { state: SessionState; actor: Actor } | null;
}

export interface EventReport {
  id: string;
  title: string;
  languages: string[];
  sessions: string[];
  questionnaireVersion: number;
  sample: { seed: number; strata: string[]; controlShare: number; deliberation: number; control: number } | null;
  results: StudyResults;
}

const invitesPerTurn = 100;

/**
 * Events, their questionnaire, pool, sample and surveys: the rules of a Deliberative Poll, over the
 * event store and the sessions. Every change is audited in the event's log.
 */
export class Studies {
  readonly #o: StudiesOptions;

  constructor(options: StudiesOptions) {
    this.#o = options;
  }

  #audit(eventId: string, actor: Actor, action: string, detail: Record<string, unknown> = {}): EventAuditEntry {
    return { eventId, at: this.#o.clock.now(), actor: actorLabel(actor), action, detail };
  }

  async #event(id: string): Promise<StudyEvent> {
    const event = await this.#o.store.load(id);
    if (!event) throw notFound(`There is no event ${id}.`);
    return event;
  }

  async create(body: CreateEventBody, actor: Actor): Promise<StudyEvent> {
    authorize(actor, 'event.manage');
    const now = this.#o.clock.now();
    const event: StudyEvent = {
      id: body.id ?? `e-${randomBytes(6).toString('hex')}`,
      title: body.title,
      languages: body.languages,
      version: 1,
      questionnaires: body.questionnaire ? [{ version: 1, at: now, questions: body.questionnaire.questions }] : [],
      sessions: [],
      sample: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#o.store.create(event, [this.#audit(event.id, actor, 'event.create', { title: event.title, questionnaireVersion: event.questionnaires.length })]);
    return event;
  }

  get(id: string, actor: Actor): Promise<StudyEvent> {
    authorize(actor, 'event.manage');
    return this.#event(id);
  }

  /** A new version of the questionnaire; answers already given keep theirs. */
  async setQuestionnaire(id: string, body: z.infer<typeof QuestionnaireBody>, actor: Actor): Promise<StudyEvent> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    const now = this.#o.clock.now();
    const version = event.questionnaires.length + 1;
    const next: StudyEvent = { ...event, version: event.version + 1, updatedAt: now, questionnaires: [...event.questionnaires, { version, at: now, questions: body.questions }] };
    await this.#o.store.save(next, event.version, [this.#audit(id, actor, 'questionnaire.set', { version, questions: body.questions.length })]);
    return next;
  }

  async attachSessions(id: string, sessionIds: readonly string[], actor: Actor): Promise<StudyEvent> {
    authorize(actor, 'event.manage');
    await this.#event(id);
    for (const s of sessionIds) await this.#o.host.get(s);
    await this.#o.store.attachSessions(id, [...new Set(sessionIds)], [this.#audit(id, actor, 'event.sessions', { sessions: sessionIds })]);
    return this.#event(id);
  }

  async importPool(id: string, entries: RosterEntry[], actor: Actor): Promise<{ imported: number }> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    if (event.sample) throw conflict('The pool has been sampled already; its arms would no longer match it.');
    await this.#o.store.setPool(id, entries, [this.#audit(id, actor, 'pool.import', { count: entries.length })]);
    return { imported: entries.length };
  }

  /**
   * Draws the arms, records the draw, and seats the deliberators in the event's sessions: each in a
   * session that speaks their first language (else any of theirs), the least filled first.
   */
  async sample(id: string, body: SampleBody, actor: Actor): Promise<SampleResult & { placements: Record<string, string[]>; invitations: Array<{ id: string; session: string; link: string }>; unplaced: string[] }> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    if (event.sample) throw conflict(`The pool was sampled already (seed ${event.sample.seed}); a second draw would undo the first.`);
    const pool = await this.#o.store.pool(id);
    if (pool.length === 0) throw badInput('Import the pool first (POST /api/events/:id/pool).');
    const known = new Set(pool.flatMap((p) => Object.keys(p.attributes)));
    const unknown = body.strata.filter((s) => !known.has(s));
    if (unknown.length > 0) throw badInput(`The pool has no attribute ${unknown.map((s) => `"${s}"`).join(', ')}.`, unknown.map((s) => ({ field: 'strata', problem: `no attribute "${s}"` })));
    const result = stratifiedSplit(pool, body);
    const sessions = await Promise.all(event.sessions.map((s) => this.#o.host.get(s)));
    const placements: Record<string, string[]> = Object.fromEntries(sessions.map((s) => [s.id, []]));
    const unplaced: string[] = [];
    const byId = new Map(pool.map((p) => [p.id, p]));
    for (const personId of result.deliberation) {
      const person = byId.get(personId)!;
      const speaks = (s: SessionState, l: string | undefined) => l !== undefined && s.languages.includes(l);
      const fitting = sessions.filter((s) => speaks(s, person.languages[0]));
      const candidates = fitting.length > 0 ? fitting : sessions.filter((s) => person.languages.some((l) => speaks(s, l)));
      const chosen = candidates.sort((a, b) => placements[a.id]!.length - placements[b.id]!.length)[0];
      if (chosen) placements[chosen.id]!.push(personId);
      else unplaced.push(personId);
    }
    const now = this.#o.clock.now();
    const next: StudyEvent = { ...event, version: event.version + 1, updatedAt: now, sample: { ...body, at: now, deliberation: result.deliberation, control: result.control } };
    await this.#o.store.save(next, event.version, [
      this.#audit(id, actor, 'sample.draw', {
        seed: body.seed,
        strata: body.strata,
        controlShare: body.controlShare,
        deliberation: result.deliberation.length,
        control: result.control.length,
        largestGap: Math.max(0, ...Object.values(result.balance).map((b) => b.largestGap)),
        placements: Object.fromEntries(Object.entries(placements).map(([s, ids]) => [s, ids.length])),
      }),
    ]);
    const invitations: Array<{ id: string; session: string; link: string }> = [];
    for (const [sessionId, ids] of Object.entries(placements)) {
      if (ids.length === 0) continue;
      const rows = ids.map((pid) => ({ ...byId.get(pid)!, role: 'participant' as const }));
      const { state } = await this.#o.host.execute(sessionId, (s, ctx) => importRoster(s, actor, rows, ctx));
      for (let i = 0; i < ids.length; i += invitesPerTurn) {
        const slice = ids.slice(i, i + invitesPerTurn);
        invitations.push(...(await Promise.all(slice.map(async (pid) => ({ id: pid, session: sessionId, link: (await this.#o.invites().issue(state, pid)).link })))));
        await nextTurn();
      }
    }
    return { ...result, placements, invitations, unplaced };
  }

  /** Survey-only links for every control member, for one wave and window. */
  async controlLinks(id: string, body: z.infer<typeof ControlLinksBody>, actor: Actor): Promise<{ wave: Wave; opensAt: string; closesAt: string; links: Array<{ id: string; link: string }> }> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    if (!event.sample) throw conflict('Draw the sample first (POST /api/events/:id/sample): the control arm is not known yet.');
    const opensAt = Date.parse(body.opensAt);
    const closesAt = Date.parse(body.closesAt);
    const links: Array<{ id: string; link: string }> = [];
    for (let i = 0; i < event.sample.control.length; i += invitesPerTurn) {
      const slice = event.sample.control.slice(i, i + invitesPerTurn);
      links.push(...(await Promise.all(slice.map(async (sub) => ({ id: sub, link: (await this.#o.surveyLinks().issue({ eid: id, sub, wave: body.wave, opensAt, closesAt })).link })))));
      await nextTurn();
    }
    await this.#o.store.save({ ...event, version: event.version + 1, updatedAt: this.#o.clock.now() }, event.version, [
      this.#audit(id, actor, 'control.links', { wave: body.wave, opensAt: body.opensAt, closesAt: body.closesAt, count: links.length }),
    ]);
    return { wave: body.wave, opensAt: new Date(opensAt).toISOString(), closesAt: new Date(closesAt).toISOString(), links };
  }

  async #respondent(token: string): Promise<Respondent> {
    if (SurveyLinks.isSurveyToken(token)) {
      const claims = await this.#o.surveyLinks().verify(token);
      const event = await this.#event(claims.eid);
      if (!event.sample?.control.includes(claims.sub)) throw new DomainError('UNAUTHORIZED', 'This survey link is no longer valid.');
      const person = (await this.#o.store.pool(event.id)).find((p) => p.id === claims.sub);
      const language = person?.languages.find((l) => event.languages.includes(l)) ?? event.languages[0]!;
      return { event, personId: claims.sub, arm: 'control', wave: claims.wave, language, closesAt: claims.closesAt, session: null };
    }
    const invites = this.#o.invites();
    const claims = await invites.claimsOf(token);
    const state = await this.#o.host.get(claims.sid);
    const actor = invites.admitted(state, claims);
    const eventId = await this.#o.store.eventOfSession(state.id);
    if (!eventId) throw notFound('This session belongs to no event: it has no survey.');
    const event = await this.#event(eventId);
    const { wave, closesAt } = surveyWaveFor(state, actor);
    const member = memberOf(state, actor.memberId!)!;
    return { event, personId: member.id, arm: 'deliberation', wave, language: member.language ?? member.languages[0] ?? state.languages[0]!, closesAt, session: { state, actor } };
  }

  /** The survey as the holder of `token` sees it now, with the answers they gave this wave. */
  async surveyFor(token: string): Promise<SurveyView> {
    const r = await this.#respondent(token);
    const questionnaire = currentQuestionnaire(r.event);
    if (!questionnaire) throw notFound('This event has no questionnaire yet.');
    const answers = (await this.#o.store.answers(r.event.id)).filter((a) => a.personId === r.personId && a.wave === r.wave);
    return {
      eventTitle: r.event.title,
      wave: r.wave,
      language: r.language,
      version: questionnaire.version,
      closesAt: r.closesAt,
      open: true,
      questions: questionsIn(questionnaire, r.language, r.event.languages[0]!),
      answers: Object.fromEntries(answers.map((a) => [a.questionId, a.value])),
    };
  }

  /** Saves one answer as given: the reply is its acknowledgement. */
  async answer(token: string, body: SurveyAnswerBody): Promise<{ saved: true; questionId: string; wave: Wave; version: number; at: number }> {
    const r = await this.#respondent(token);
    const questionnaire = currentQuestionnaire(r.event);
    if (!questionnaire) throw notFound('This event has no questionnaire yet.');
    const value = checkAnswer(questionOf(questionnaire, body.questionId), body.value);
    const at = this.#o.clock.now();
    await this.#o.store.saveAnswer({
      eventId: r.event.id,
      personId: r.personId,
      wave: r.wave,
      questionId: body.questionId,
      version: questionnaire.version,
      value,
      arm: r.arm,
      sessionId: r.session?.state.id ?? null,
      at,
    });
    if (r.session) {
      const { actor } = r.session;
      await this.#o.host.execute(r.session.state.id, (s, ctx) => recordSurveyResponse(s, actor, r.wave, ctx));
    }
    return { saved: true, questionId: body.questionId, wave: r.wave, version: questionnaire.version, at };
  }

  async report(id: string, actor: Actor, sessionId?: string): Promise<EventReport> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    const questionnaire = currentQuestionnaire(event);
    if (!questionnaire) throw notFound('This event has no questionnaire yet.');
    if (sessionId !== undefined && !event.sessions.includes(sessionId)) throw notFound(`Session ${sessionId} is not part of event ${id}.`);
    const all = await this.#o.store.answers(id);
    const answers = sessionId === undefined ? all : all.filter((a) => a.sessionId === sessionId || a.arm === 'control');
    const pool = await this.#o.store.pool(id);
    const { sample } = event;
    return {
      id: event.id,
      title: event.title,
      languages: event.languages,
      sessions: event.sessions,
      questionnaireVersion: questionnaire.version,
      sample: sample ? { seed: sample.seed, strata: sample.strata, controlShare: sample.controlShare, deliberation: sample.deliberation.length, control: sample.control.length } : null,
      results: studyResults({ questionnaire, answers, pool, language: event.languages[0]! }),
    };
  }

  /** The pseudonymized answers (or the codebook) as CSV, for the event or one of its sessions. */
  async researchExport(id: string, actor: Actor, query: { session?: string | undefined; part: 'answers' | 'codebook' }): Promise<{ filename: string; body: string }> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    if (query.session !== undefined && !event.sessions.includes(query.session)) throw notFound(`Session ${query.session} is not part of event ${id}.`);
    if (query.part === 'codebook') return { filename: `${id}-codebook.csv`, body: researchCodebook(event) };
    const answers = (await this.#o.store.answers(id)).filter((a) => query.session === undefined || a.sessionId === query.session);
    const pool = await this.#o.store.pool(id);
    return { filename: `${id}${query.session ? `-${query.session}` : ''}-answers.csv`, body: researchCsv({ event, answers, pool, key: this.#o.signingKey }) };
  }

  /** Removes a person from the event's answers, pool and arms (their right to erasure), audited. */
  async erase(id: string, personId: string, actor: Actor): Promise<{ erased: string; answers: number }> {
    authorize(actor, 'event.manage');
    const event = await this.#event(id);
    const count = await this.#o.store.erase(id, personId, [this.#audit(id, actor, 'person.erase', { personId })]);
    if (event.sample && (event.sample.control.includes(personId) || event.sample.deliberation.includes(personId))) {
      const sample = { ...event.sample, control: event.sample.control.filter((p) => p !== personId), deliberation: event.sample.deliberation.filter((p) => p !== personId) };
      await this.#o.store.save({ ...event, sample, version: event.version + 1, updatedAt: this.#o.clock.now() }, event.version, []);
    }
    return { erased: personId, answers: count };
  }

  async auditLog(id: string, actor: Actor): Promise<EventAuditEntry[]> {
    authorize(actor, 'event.manage');
    await this.#event(id);
    return this.#o.store.audit(id);
  }
}

