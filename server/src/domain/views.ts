import type { GroupView, HelpCallView, Seat, SessionView } from '../../../shared/session';
import type { PlannedGroup } from '../grouping/types';
import { speaksNoneOf } from './language-warnings';
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

type SharedView = Omit<SessionView, 'group' | 'groups' | 'assignment' | 'helpCalls' | 'preview' | 'languageWarnings' | 'missing'>;

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
  readonly #views = new Map<Audience, SessionView>();

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

  view(audience: Audience): SessionView {
    let view = this.#views.get(audience);
    if (!view) {
      view = this.#render(audience);
      this.#views.set(audience, view);
    }
    return view;
  }

  #render(audience: Audience): SessionView {
    const state = this.#state;
    const view: SessionView = { ...this.#sharedView(), group: null };
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
        view.preview = state.preview ? { ...state.preview, groups: state.preview.groups.map((g) => this.#groupView(g, true)) } : null;
        const warnings = Object.values(state.roster).filter((m) => speaksNoneOf(m, state.languages));
        if (warnings.length > 0) view.languageWarnings = warnings.map((m) => ({ id: m.id, name: shownName(m), languages: m.languages }));
        view.missing = missingPeople(state, this.#present);
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
      agenda: state.agenda,
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
        return [{ id, name: shownName(m), role: m.role, present: this.#present.has(id), languages: m.languages, ...(withAttributes ? { attributes: m.attributes } : {}) }];
      }),
    };
  }
}

export function audienceOf(state: SessionState, actor: Actor): Audience {
  return new SessionRendering(state, new Set(), 0).audienceOf(actor);
}

export function renderView(state: SessionState, audience: Audience, present: ReadonlySet<string>, now: number): SessionView {
  return new SessionRendering(state, present, now).view(audience);
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
