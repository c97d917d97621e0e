import { surveyProgress } from './survey';
import type { AgendaStep, ViewStep } from '../../../shared/agenda';
import { missingTranslations, resolveText, textsByLanguage } from '../../../shared/content';
import type { GroupView, HelpCallView, Seat, SessionView } from '../../../shared/session';
import type { PlannedGroup } from '../grouping/types';
import { contributionViews } from './contributions';
import { speaksNoneOf } from './language-warnings';
import { voteViews } from './votes';
import { missingPeople } from './attendance';
import { floorHolder } from './plenary';
import { can, type Actor } from './roles';
import { presentedGroups, rapporteurOf } from './report-back';
import { currentStep, inBreakout, shownName, type SessionState } from './session';

/**
 * Everyone who sees exactly the same thing shares an audience, so a change is rendered once per
 * audience rather than once per person: staff (with private attributes), observers (every group,
 * no attributes), each breakout group, and everyone in plenary.
 */
export type Audience = 'staff' | 'observers' | 'plenary' | `group:${string}`;

type SharedView = Omit<SessionView, 'agenda' | 'contentLanguage' | 'group' | 'groups' | 'assignment' | 'helpCalls' | 'preview' | 'missingTranslations' | 'languageWarnings' | 'missing' | 'votes'>;

/** Staff and observers see every language; everyone else, the agenda's texts in their own. */
const seesEveryLanguage = (audience: Audience) => audience === 'staff' || audience === 'observers';

/**
 * One session at one moment, rendered for any number of audiences: the parts every audience
 * shares are built once, and each audience's view once, however many people it holds.
 */
export class SessionRendering {
  readonly #state: SessionState;
  readonly #present: ReadonlySet<string>;
  readonly #now: number;
  readonly #open: boolean;
  #groupOfMember: Map<string, PlannedGroup> | undefined;
  #shared: SharedView | undefined;
  readonly #views = new Map<string, SessionView>();
  readonly #agendas = new Map<string, ViewStep[]>();

  constructor(state: SessionState, present: ReadonlySet<string>, now: number) {
    this.#state = state;
    this.#present = present;
    this.#now = now;
    this.#open = inBreakout(state);
  }

  audienceOf(actor: Actor): Audience {
    if (can(actor.role, 'roster.readAttributes')) return 'staff';
    if (can(actor.role, 'session.readAll')) return 'observers';
    if (actor.memberId && this.#open) {
      this.#groupOfMember ??= new Map(this.#state.groups.flatMap((g) => g.members.map((id) => [id, g] as const)));
      const group = this.#groupOfMember.get(actor.memberId);
      if (group) return `group:${group.id}`;
    }
    return 'plenary';
  }

  /**
   * The language this person reads the agenda in: the one they chose, else their first, else the
   * session's first. Null for staff and observers, whose view carries every language.
   */
  contentLanguageOf(actor: Actor, audience: Audience = this.audienceOf(actor)): string | null {
    if (seesEveryLanguage(audience)) return null;
    const member = actor.memberId ? this.#state.roster[actor.memberId] : undefined;
    return member?.language ?? member?.languages[0] ?? this.#state.languages[0] ?? null;
  }

  /** The view of one audience; people who read another language share all of it but the agenda's texts. */
  view(audience: Audience, language: string | null = null): SessionView {
    const contentLanguage = seesEveryLanguage(audience) ? null : (language ?? this.#state.languages[0] ?? null);
    const key = `${audience} ${contentLanguage ?? '*'}`;
    let view = this.#views.get(key);
    if (!view) {
      view = this.#render(audience, contentLanguage);
      this.#views.set(key, view);
    }
    return view;
  }

  #agenda(language: string | null): ViewStep[] {
    const key = language ?? '*';
    let agenda = this.#agendas.get(key);
    if (!agenda) {
      agenda = this.#state.agenda.map((step) => viewStep(step, language, this.#state.languages[0] ?? 'en'));
      this.#agendas.set(key, agenda);
    }
    return agenda;
  }

  #render(audience: Audience, contentLanguage: string | null): SessionView {
    const state = this.#state;
    const view: SessionView = { ...this.#sharedView(), agenda: this.#agenda(contentLanguage), contentLanguage, group: null };
    // A vote's own options are texts of the agenda, in the audience's language.
    const votes = voteViews(state, contentLanguage);
    if (votes.length > 0) view.votes = votes;
    if (audience.startsWith('group:')) {
      const group = state.groups.find((g) => `group:${g.id}` === audience);
      view.group = group ? this.#groupView(group, false) : null;
    }
    if (audience === 'staff' || audience === 'observers') {
      const staff = audience === 'staff';
      view.groups = state.groups.map((g) => this.#groupView(g, staff));
      view.assignment = state.assignment;
      if (staff) {
        view.helpCalls = state.helpCalls.map(helpCallView);
        view.missingTranslations = missingTranslations(state.agenda, state.languages);
        view.preview = state.preview ? { ...state.preview, groups: state.preview.groups.map((g) => this.#groupView(g, true)) } : null;
        const warnings = Object.values(state.roster).filter((m) => speaksNoneOf(m, state.languages));
        if (warnings.length > 0) view.languageWarnings = warnings.map((m) => ({ id: m.id, name: shownName(m), languages: m.languages }));
        view.missing = missingPeople(state, this.#present);
        const progress = surveyProgress(state);
        if (progress) view.survey = progress;
      }
    }
    return view;
  }

  #sharedView(): SharedView {
    if (this.#shared) return this.#shared;
    const state = this.#state;
    const step = currentStep(state);
    const byGroup: Record<string, number> = {};
    let seated = 0;
    if (this.#open) {
      for (const g of state.groups) {
        byGroup[g.id] = g.members.filter((id) => this.#present.has(id)).length;
        seated += byGroup[g.id]!;
      }
    }
    this.#shared = {
      id: state.id,
      title: state.title,
      languages: state.languages,
      status: state.status,
      stepIndex: state.stepIndex,
      endsAt: state.endsAt,
      remainingMs: state.remainingMs,
      closing: state.closing ?? null,
      version: state.version,
      serverNow: this.#now,
      presence: { connected: this.#present.size, roster: Object.keys(state.roster).length, plenary: this.#present.size - seated, byGroup },
      speakers: personList(state, step?.kind === 'plenary' ? step.speakers : []),
      hands: personList(state, state.hands),
      floor: personList(state, [floorHolder(state)].filter((id): id is string => id !== null))[0] ?? null,
      reportBack: {
        queue: state.reportBack.queue.map((groupId) => {
          const group = state.groups.find((g) => g.id === groupId);
          const rapporteur = group ? rapporteurOf(state, group) : undefined;
          return { groupId, rapporteur: rapporteur ? { id: rapporteur.id, name: shownName(rapporteur) } : null };
        }),
        presenting: state.reportBack.presenting,
        presented: presentedGroups(state),
      },
      ...((state.contributions?.length ?? 0) > 0 ? { contributions: contributionViews(state) } : {}),
    };
    return this.#shared;
  }

  #groupView(group: PlannedGroup, withAttributes: boolean): GroupView {
    const state = this.#state;
    return {
      id: group.id,
      language: group.language,
      score: group.score,
      members: group.members.flatMap((id) => {
        const m = state.roster[id];
        if (!m) return [];
        return [{ id, name: shownName(m), role: m.role, present: this.#present.has(id), languages: m.languages, ...(m.voiceOnly ? { voiceOnly: true } : {}), ...(withAttributes ? { attributes: m.attributes } : {}) }];
      }),
    };
  }
}

export function audienceOf(state: SessionState, actor: Actor): Audience {
  return new SessionRendering(state, new Set(), 0).audienceOf(actor);
}

/** What `actor` sees of the session now (the REST API's view). */
export function viewFor(state: SessionState, actor: Actor, present: ReadonlySet<string>, now: number): SessionView {
  const rendering = new SessionRendering(state, present, now);
  const audience = rendering.audienceOf(actor);
  return rendering.view(audience, rendering.contentLanguageOf(actor, audience));
}

export function renderView(state: SessionState, audience: Audience, present: ReadonlySet<string>, now: number, language: string | null = null): SessionView {
  return new SessionRendering(state, present, now).view(audience, language);
}

/**
 * One step with its texts in `language` (null: the session's first, with every translation).
 * A text given only in another language is shown in that one and listed in `untranslated`.
 */
export function viewStep(step: AgendaStep, language: string | null, firstLanguage: string): ViewStep {
  const wanted = language ?? firstLanguage;
  const untranslated: string[] = [];
  const audio: Record<string, string> = {};
  const shown = (path: string, text: AgendaStep['title']): string => {
    const resolved = resolveText(text, wanted, firstLanguage);
    if (!resolved.translated) untranslated.push(path);
    // The recording in the language the text is shown in, so what is heard matches what is read.
    const recording = step.audio?.[path]?.[resolved.language];
    if (recording !== undefined) audio[path] = recording;
    return resolved.text;
  };
  const title = shown('title', step.title);
  const note = step.note === undefined ? {} : { note: shown('note', step.note) };
  const all = (text: AgendaStep['title']) => textsByLanguage(text, firstLanguage);
  const translations =
    language === null
      ? {
          translations: {
            title: all(step.title),
            ...(step.note === undefined ? {} : { note: all(step.note) }),
            ...(step.kind === 'breakout' ? { questions: step.questions.map(all) } : {}),
            ...(step.kind === 'vote' ? { options: step.options.map(all) } : {}),
          },
        }
      : {};
  const marks = () => ({ untranslated: language === null ? [] : untranslated, ...translations, ...(Object.keys(audio).length > 0 ? { audio } : {}) });
  if (step.kind === 'breakout') {
    const { title: _title, note: _note, audio: _audio, questions: given, ...rest } = step;
    return { ...rest, title, ...note, questions: given.map((q, i) => shown(`questions.${i}`, q)), ...marks() };
  }
  if (step.kind === 'vote') {
    const { title: _title, note: _note, audio: _audio, options: given, ...rest } = step;
    return { ...rest, title, ...note, options: given.map((o, i) => shown(`options.${i}`, o)), ...marks() };
  }
  const { title: _title, note: _note, audio: _audio, ...rest } = step;
  return { ...rest, title, ...note, ...marks() };
}

function helpCallView(call: SessionState['helpCalls'][number]): HelpCallView {
  return {
    id: call.id,
    from: { id: call.fromId ?? '', name: call.fromName, role: call.fromRole },
    groupId: call.groupId,
    message: call.message,
    status: call.status,
    createdAt: call.createdAt,
    handledBy: call.handledBy,
  };
}

function personList(state: SessionState, ids: string[]): Array<{ id: string; name: string }> {
  return ids.flatMap((id) => {
    const m = state.roster[id];
    return m ? [{ id, name: shownName(m) }] : [];
  });
}

/** Who the connected person is, as their own client needs it. */
export function seatOf(state: SessionState, actor: Actor): Seat {
  const member = actor.memberId ? state.roster[actor.memberId] : undefined;
  return {
    sessionId: state.id,
    memberId: actor.memberId ?? '',
    name: member ? shownName(member) : actor.name,
    role: actor.role,
    languages: member?.languages.length ? member.languages : state.languages,
    language: member?.language ?? null,
    // Staff links have no roster entry to record consent on; their terms are the organizer's.
    consented: member ? member.consentedAt !== undefined : true,
  };
}
