import { AgendaStep, type AgendaStepInput } from '../../../shared/agenda';
import type { RosterEntry } from '../../../shared/roster';
import { importRoster } from '../../../server/src/domain/roster';
import type { Actor } from '../../../server/src/domain/roles';
import { newSession, type SessionState } from '../../../server/src/domain/session';
import type { Context } from '../../../server/src/domain/transition';
import { seededRandomAssigner } from '../../../server/src/grouping/random';

export const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
export const minute = 60_000;

export const organizer: Actor = { role: 'organizer', memberId: null, name: 'Organizer' };
export const moderator: Actor = { role: 'moderator', memberId: null, name: 'Moderator' };
export const participant = (id: string): Actor => ({ role: 'participant', memberId: id, name: id });

export function people(n: number, languages: string[] = ['en']): RosterEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i + 1}`,
    name: `Person ${i + 1}`,
    languages,
    role: i % 5 === 0 ? 'facilitator' : i % 5 === 1 ? 'notetaker' : 'participant',
    attributes: { country: `C${i % 7}`, gender: i % 2 ? 'f' : 'm' },
  }));
}

/** A session in the lobby with `n` people on the roster. */
export function session(steps: AgendaStepInput[], n = 12): SessionState {
  const state = newSession({ id: 's1', title: 'Forum', languages: ['en', 'fr'], agenda: steps.map((s) => AgendaStep.parse(s)), now: t0 });
  return importRoster(state, organizer, people(n), { now: t0 }).state;
}

export function ctx(now: number, present: Iterable<string> = []): Context {
  return { now, present: new Set(present), assigner: seededRandomAssigner };
}

/** Its rooms close at once when the agenda moves on; closing.test.ts is about the grace before they do. */
export const forum: AgendaStepInput[] = [
  { kind: 'plenary', title: 'Opening', minutes: 5 },
  { kind: 'breakout', title: 'Groups', minutes: 35, questions: ['Q1', 'Q2'], closeSeconds: 0 },
  { kind: 'plenary', title: 'Report-back', minutes: 20 },
];
