import type { GroupView, HelpCallView, Seat, SessionView } from '../../../shared/session';
import type { PlannedGroup } from '../grouping/types';
import { can, type Actor } from './roles';
import { rapporteurOf } from './report-back';
import { currentStep, groupOf, inBreakout, shownName, type SessionState } from './session';

/**
 * Everyone who sees exactly the same thing shares an audience, so a change is rendered once per
 * audience rather than once per person: staff (with private attributes), observers (every group,
 * no attributes), each breakout group, and everyone in plenary.
 */
export type Audience = 'staff' | 'observers' | 'plenary' | `group:${string}`;

export function audienceOf(state: SessionState, actor: Actor): Audience {
  if (can(actor.role, 'roster.readAttributes')) return 'staff';
  if (can(actor.role, 'session.readAll')) return 'observers';
  if (actor.memberId && inBreakout(state)) {
    const group = groupOf(state, actor.memberId);
    if (group) return `group:${group.id}`;
  }
  return 'plenary';
}

export function renderView(state: SessionState, audience: Audience, present: ReadonlySet<string>, now: number): SessionView {
  const groupView = (group: PlannedGroup, withAttributes: boolean): GroupView => ({
    id: group.id,
    language: group.language,
    score: group.score,
    members: group.members.flatMap((id) => {
      const m = state.roster[id];
      if (!m) return [];
      return [{ id, name: shownName(m), role: m.role, present: present.has(id), ...(withAttributes ? { attributes: m.attributes } : {}) }];
    }),
  });
  const open = inBreakout(state);
  const step = currentStep(state);
  const byGroup: Record<string, number> = {};
  let seated = 0;
  if (open) {
    for (const g of state.groups) {
      byGroup[g.id] = g.members.filter((id) => present.has(id)).length;
      seated += byGroup[g.id]!;
    }
  }
  const view: SessionView = {
    id: state.id,
    title: state.title,
    languages: state.languages,
    agenda: state.agenda,
    status: state.status,
    stepIndex: state.stepIndex,
    endsAt: state.endsAt,
    remainingMs: state.remainingMs,
    version: state.version,
    serverNow: now,
    presence: { connected: present.size, roster: Object.keys(state.roster).length, plenary: present.size - seated, byGroup },
    speakers: personList(state, step?.kind === 'plenary' ? step.speakers : []),
    hands: personList(state, state.hands),
    reportBack: {
      queue: state.reportBack.queue.map((groupId) => {
        const group = state.groups.find((g) => g.id === groupId);
        const rapporteur = group ? rapporteurOf(state, group) : undefined;
        return { groupId, rapporteur: rapporteur ? { id: rapporteur.id, name: shownName(rapporteur) } : null };
      }),
      presenting: state.reportBack.presenting,
    },
    group: null,
  };
  if (audience.startsWith('group:')) {
    const group = state.groups.find((g) => `group:${g.id}` === audience);
    view.group = group ? groupView(group, false) : null;
  }
  if (audience === 'staff' || audience === 'observers') {
    const staff = audience === 'staff';
    view.groups = state.groups.map((g) => groupView(g, staff));
    view.assignment = state.assignment;
    if (staff) {
      view.helpCalls = state.helpCalls.map(helpCallView);
      view.preview = state.preview ? { ...state.preview, groups: state.preview.groups.map((g) => groupView(g, true)) } : null;
    }
  }
  return view;
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
