import type { TFunction } from 'i18next';
import type { ViewStep } from '../../../shared/agenda';
import type { Role, Seat, SessionView } from '../../../shared/session';

/** "Group 2" for the engine's labels g1, g2…; other labels as they are. */
export function groupLabel(t: TFunction, id: string): string {
  const numbered = /^g(\d+)$/.exec(id);
  return numbered ? t('group.numbered', { n: Number(numbered[1]) }) : t('group.named', { id });
}

export function roleLabel(t: TFunction, role: Role): string {
  return t(`roles.${role}`);
}

/** "Amina · Facilitator", or the role alone for a link without a name of its own (the moderator link). */
export function whoLabel(t: TFunction, seat: Pick<Seat, 'name' | 'role' | 'memberId'>): string {
  const role = roleLabel(t, seat.role);
  return seat.name === role || !seat.memberId ? role : t('app.who', { name: seat.name, role });
}

export function currentStep(view: SessionView): ViewStep | undefined {
  return view.stepIndex >= 0 ? view.agenda[view.stepIndex] : undefined;
}

/** Who takes part in groups and plenary (as opposed to running or observing the session). */
export function takesPart(role: Role): boolean {
  return role === 'participant' || role === 'facilitator' || role === 'notetaker';
}

export function isStaff(role: Role): boolean {
  return role === 'moderator' || role === 'organizer';
}

/** Cursor and name colours for the notes: dark enough for white text (contrast ≥ 4.5:1). */
const palette = ['#1d4ed8', '#a21caf', '#047857', '#b91c1c', '#7c3aed', '#0f766e', '#9a3412', '#4338ca'];

export function colorFor(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}
