import type { GroupView, HelpCallView, SessionView } from '../../../shared/session';
import type { PlannedGroup } from '../grouping/types';
import { can, type Actor } from './roles';
import { groupOf, inBreakout, type SessionState } from './session';

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
      return [{ id, name: m.name, role: m.role, present: present.has(id), ...(withAttributes ? { attributes: m.attributes } : {}) }];
    }),
  });
  const open = inBreakout(state);
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
    if (staff) view.helpCalls = state.helpCalls.map(helpCallView);
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
