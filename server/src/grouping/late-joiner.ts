import { diversityGain } from './score';
import type { GroupingMember, PlannedGroup } from './types';

/**
 * Where a person who arrives after the groups were made should sit, moving nobody else: a group
 * held in a language they speak, preferring one that stays within target + 1, then one where
 * someone speaks one of `ownLanguages` (the languages they listed, when they are seated as able to
 * join any group: someone there can interpret), then one that lacks their role (a facilitator or
 * note taker), then the one whose diversity they raise most, then the smallest. Returns null only
 * when no group shares a language with them.
 */
export function placeLateJoiner(
  groups: PlannedGroup[],
  member: GroupingMember,
  members: Map<string, GroupingMember>,
  groupSize: number,
  weights: Record<string, number> = {},
  ownLanguages: string[] = member.languages,
): string | null {
  let best: { id: string; key: number[] } | null = null;
  for (const group of groups) {
    if (!sharesLanguage(member, group, members)) continue;
    const inGroup = group.members.filter((id) => id !== member.id).map((id) => members.get(id)).filter((m): m is GroupingMember => m !== undefined);
    const attributes = [...new Set([member, ...inGroup].flatMap((m) => Object.keys(m.attributes)))];
    const fitsSize = group.members.length + 1 <= groupSize + 1 ? 1 : 0;
    const fillsRole = member.role !== 'participant' && !inGroup.some((m) => m.role === member.role) ? 1 : 0;
    const understood = inGroup.some((m) => m.languages.some((l) => ownLanguages.includes(l))) ? 1 : 0;
    const key = [fitsSize, understood, fillsRole, diversityGain(member, inGroup, attributes, weights), -group.members.length];
    if (!best || isGreater(key, best.key)) best = { id: group.id, key };
  }
  return best?.id ?? null;
}

function sharesLanguage(member: GroupingMember, group: PlannedGroup, members: Map<string, GroupingMember>): boolean {
  if (member.languages.length === 0 || group.language === '') return true;
  if (member.languages.includes(group.language)) return true;
  // A group's recorded language is the one it was planned in; any language all its members share will do.
  const others = group.members.map((id) => members.get(id)).filter((m): m is GroupingMember => m !== undefined);
  return member.languages.some((l) => others.every((m) => m.languages.length === 0 || m.languages.includes(l)));
}

function isGreater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x > y;
  }
  return false;
}
