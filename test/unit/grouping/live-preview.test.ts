import { describe, expect, it } from 'vitest';
import { AgendaStep, Agenda } from '../../../shared/agenda';
import type { RosterEntry } from '../../../shared/roster';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { moveMember, previewGroups } from '../../../server/src/domain/group-preview';
import { languageWarnings } from '../../../server/src/domain/language-warnings';
import { importRoster } from '../../../server/src/domain/roster';
import { newSession, type SessionState } from '../../../server/src/domain/session';
import type { Context } from '../../../server/src/domain/transition';
import { renderView } from '../../../server/src/domain/views';
import { diverseAssigner } from '../../../server/src/grouping/diverse';
import { moderator, organizer, t0 } from '../domain/fixtures';

/** The live server and the CLI share one engine; these are the live server's side of it. */

const entry = (id: string, language: string, role: RosterEntry['role'] = 'participant'): RosterEntry => ({
  id,
  name: `Name ${id}`,
  languages: language.split('|'),
  role,
  attributes: { gender: Number(id.at(-1)) % 2 === 1 ? 'f' : 'm' },
});

const roster: RosterEntry[] = [
  entry('es1', 'es'),
  entry('es2', 'es'),
  entry('bi1', 'en|fr'),
  entry('bi2', 'en|fr', 'facilitator'),
  entry('bi3', 'en|fr', 'notetaker'),
  entry('fr1', 'fr'),
  entry('fr2', 'fr'),
  entry('fr3', 'fr'),
  entry('fr4', 'fr', 'notetaker'),
  entry('fr5', 'fr'),
  entry('en1', 'en|es', 'facilitator'),
  entry('en2', 'en', 'facilitator'),
  entry('en3', 'en', 'notetaker'),
  entry('en4', 'en'),
];

function started(minGroupSize?: number): SessionState {
  const breakout = AgendaStep.parse({ kind: 'breakout', title: 'Groups', minutes: 35, ...(minGroupSize ? { minGroupSize } : {}) });
  const agenda = [AgendaStep.parse({ kind: 'plenary', title: 'Opening', minutes: 5 }), breakout];
  const s = importRoster(newSession({ id: 's1', title: 'Forum', languages: ['en', 'fr'], agenda, now: t0 }), organizer, roster, { now: t0 }).state;
  return driveAgenda(s, moderator, { type: 'start' }, live(t0)).state;
}

const live = (now: number): Context => ({ now, present: new Set(roster.map((r) => r.id)), assigner: diverseAssigner });
const partition = (s: SessionState) => s.preview!.groups.map((g) => [...g.members].sort().join(',')).sort().join(' | ');

describe('the group preview of a live session', () => {
  it('shows each group language, each member languages and how the language rule seated the Spanish speakers', () => {
    const s = previewGroups(started(), moderator, { step: 1, seed: 1 }, live(t0)).state;
    const view = renderView(s, 'staff', new Set(), t0);
    const interpreted = view.preview!.groups.find((g) => g.members.some((m) => m.id === 'es1'))!;
    expect(interpreted.language).toBe('en');
    expect(interpreted.members.map((m) => m.id)).toEqual(expect.arrayContaining(['es1', 'es2', 'en1']));
    expect(interpreted.members.find((m) => m.id === 'en1')?.languages).toEqual(['en', 'es']);
    expect(view.preview!.notices).toEqual([
      { kind: 'interpreter', memberId: 'es1', interpreterId: 'en1', language: 'es' },
      { kind: 'interpreter', memberId: 'es2', interpreterId: 'en1', language: 'es' },
    ]);
    expect(view.languageWarnings).toEqual([
      { id: 'es1', name: 'Name es1', languages: ['es'] },
      { id: 'es2', name: 'Name es2', languages: ['es'] },
    ]);
    for (const g of view.preview!.groups) expect(g.members.length).toBeGreaterThanOrEqual(3);
  });

  it('reshuffles to other groups each time, of the same diversity', () => {
    let s = previewGroups(started(), moderator, { step: 1, seed: 1 }, live(t0)).state;
    for (const seed of [2, 3, 4]) {
      const next = previewGroups(s, moderator, { step: 1, seed }, live(t0)).state;
      expect(partition(next)).not.toBe(partition(s));
      expect(next.preview!.score).toBe(s.preview!.score);
      s = next;
    }
  });

  it('honours the step minimum group size and lets the moderator move a Spanish speaker to any group', () => {
    const s = previewGroups(started(4), moderator, { step: 1, seed: 1 }, live(t0)).state;
    expect(s.preview!.minGroupSize).toBe(4);
    for (const g of s.preview!.groups) expect(g.members.length).toBeGreaterThanOrEqual(4);
    const french = s.preview!.groups.find((g) => g.language === 'fr')!;
    const moved = moveMember(s, moderator, { memberId: 'es1', groupId: french.id }, live(t0)).state;
    expect(moved.preview!.groups.find((g) => g.id === french.id)!.members).toContain('es1');
  });

  it('refuses a step whose smallest group is larger than its group size', () => {
    const steps = [{ kind: 'breakout', title: 'Groups', minutes: 35, groupSize: 4, minGroupSize: 5 }];
    expect(Agenda.safeParse(steps).success).toBe(false);
    expect(Agenda.safeParse([{ ...steps[0], minGroupSize: 4 }]).success).toBe(true);
  });
});

describe('roster import language warnings', () => {
  it('names the line of everyone who speaks none of the session languages, and nobody else', () => {
    const lines = new Map([['es1', 2], ['es2', 7]]);
    const warnings = languageWarnings(roster, ['en', 'fr'], (id) => lines.get(id));
    expect(warnings.map((w) => [w.line, w.field])).toEqual([[2, 'language'], [7, 'language']]);
    expect(warnings[0]!.problem).toMatch(/^es1 speaks es, none of the session's languages \(en, fr\)/);
    expect(languageWarnings([{ ...roster[0]!, languages: [] }], ['en'], () => undefined)).toEqual([]);
  });
});
