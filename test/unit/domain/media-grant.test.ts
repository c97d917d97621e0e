import { describe, expect, it } from 'vitest';
import type { MediaTokenRequest } from '../../../shared/media';
import { roles, type Role } from '../../../shared/session';
import { driveAgenda, letTimePass } from '../../../server/src/domain/agenda';
import { DomainError } from '../../../server/src/domain/errors';
import { groupRoom, mediaGrant, plenaryRoom, sameGrant } from '../../../server/src/domain/media-grant';
import { presentGroup } from '../../../server/src/domain/report-back';
import type { Actor } from '../../../server/src/domain/roles';
import type { SessionState } from '../../../server/src/domain/session';
import { ctx, minute, moderator, organizer, session, t0 } from './fixtures';

/**
 * The opening names p4 as its speaker; g1 is p1 (facilitator), p2 (note taker, its rapporteur), p3; g2 is p6–p8.
 * The rooms close at once when the agenda moves on, except in the `closing` phase, which gives them a grace.
 */
const agenda = [
  { kind: 'plenary' as const, title: 'Opening', minutes: 5, speakers: ['p4'] },
  { kind: 'breakout' as const, title: 'Groups', minutes: 30, closeSeconds: 0 },
  { kind: 'plenary' as const, title: 'Report-back', minutes: 20 },
];
const lobby = (): SessionState => {
  const s = session(agenda);
  s.roster.o1 = { id: 'o1', name: 'Researcher', languages: ['en'], role: 'observer', attributes: {}, tokenVersion: 1 };
  return s;
};
const opening = () => driveAgenda(lobby(), moderator, { type: 'start' }, ctx(t0)).state;
const breakout = () => {
  const s = driveAgenda(opening(), moderator, { type: 'next' }, ctx(t0 + 5 * minute)).state;
  s.groups = [
    { id: 'g1', members: ['p1', 'p2', 'p3'], language: 'en', score: 0 },
    { id: 'g2', members: ['p6', 'p7', 'p8'], language: 'en', score: 0 },
  ];
  return s;
};
const paused = () => driveAgenda(breakout(), moderator, { type: 'pause' }, ctx(t0 + 6 * minute)).state;
/** The moderator moved on from the breakout and its rooms have their 60 s to close. */
const closing = () => {
  const s = breakout();
  const step = s.agenda[s.stepIndex]!;
  if (step.kind === 'breakout') step.closeSeconds = 60;
  const next = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + 35 * minute)).state;
  expect(next.closing).toBeTruthy();
  return next;
};
const reportBack = () => driveAgenda(breakout(), moderator, { type: 'next' }, ctx(t0 + 35 * minute)).state;
const presenting = () => presentGroup(reportBack(), moderator, { groupId: 'g1' }, ctx(t0 + 36 * minute)).state;
const ended = () => driveAgenda(presenting(), moderator, { type: 'end' }, ctx(t0 + 50 * minute)).state;

const phases = { lobby, opening, breakout, paused, closing, reportBack, presenting, ended } as const;
type Phase = keyof typeof phases;

/** One seat per role; the three table roles sit in g1. */
const seats: Record<Role, Actor> = {
  organizer,
  moderator,
  facilitator: { role: 'facilitator', memberId: 'p1', name: 'p1' },
  notetaker: { role: 'notetaker', memberId: 'p2', name: 'p2' },
  participant: { role: 'participant', memberId: 'p3', name: 'p3' },
  observer: { role: 'observer', memberId: 'o1', name: 'Researcher' },
};

/** `room:speak|listen[:hidden]` with the room relative to the session, `none`, or the refusal's code. */
function outcome(state: SessionState, actor: Actor, request: MediaTokenRequest = {}): string {
  try {
    const grant = mediaGrant(state, actor, request);
    if (!grant) return 'none';
    expect(grant.canSubscribe).toBe(true);
    expect(grant.canPublishSources.length > 0).toBe(grant.canPublish);
    const room = grant.room.slice(`${state.id}.`.length);
    return `${room}:${grant.canPublish ? 'speak' : 'listen'}${grant.hidden ? ':hidden' : ''}`;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

/** Every role in every phase, asking for the room of their seat. */
const table: Record<Phase, Record<Role, string>> = {
  lobby: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: 'plenary:listen', notetaker: 'plenary:listen', participant: 'plenary:listen', observer: 'plenary:listen' },
  opening: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: 'plenary:listen', notetaker: 'plenary:listen', participant: 'plenary:listen', observer: 'plenary:listen' },
  breakout: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: '1.g1:speak', notetaker: '1.g1:speak', participant: '1.g1:speak', observer: 'plenary:listen' },
  paused: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: '1.g1:speak', notetaker: '1.g1:speak', participant: '1.g1:speak', observer: 'plenary:listen' },
  // While the rooms close, everyone stays at their table to finish the sentence; they move when the rooms close.
  closing: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: '1.g1:speak', notetaker: '1.g1:speak', participant: '1.g1:speak', observer: 'plenary:listen' },
  reportBack: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: 'plenary:listen', notetaker: 'plenary:listen', participant: 'plenary:listen', observer: 'plenary:listen' },
  presenting: { organizer: 'plenary:speak', moderator: 'plenary:speak', facilitator: 'plenary:listen', notetaker: 'plenary:speak', participant: 'plenary:listen', observer: 'plenary:listen' },
  ended: { organizer: 'none', moderator: 'none', facilitator: 'none', notetaker: 'none', participant: 'none', observer: 'none' },
};

/** Every role in every phase, asking to visit g2, listening and then speaking. */
const visits: Record<Phase, Record<Role, [listen: string, speak: string]>> = Object.fromEntries(
  (Object.keys(phases) as Phase[]).map((phase) => {
    const open = phase === 'breakout' || phase === 'paused' || phase === 'closing';
    const row = Object.fromEntries(
      roles.map((role): [Role, [string, string]] => {
        if (phase === 'ended') return [role, ['none', 'none']];
        if (role === 'organizer' || role === 'moderator') return [role, open ? ['1.g2:listen:hidden', '1.g2:speak'] : ['CONFLICT', 'CONFLICT']];
        if (role === 'observer') return [role, open ? ['1.g2:listen:hidden', 'NOT_ALLOWED'] : ['CONFLICT', 'CONFLICT']];
        return [role, ['NOT_ALLOWED', 'NOT_ALLOWED']];
      }),
    );
    return [phase, row];
  }),
) as Record<Phase, Record<Role, [string, string]>>;

describe('media grant: who publishes where, for every role in every phase', () => {
  for (const phase of Object.keys(phases) as Phase[]) {
    for (const role of roles) {
      it(`${phase} · ${role}: ${table[phase][role]}; visiting g2: ${visits[phase][role].join(' / ')}`, () => {
        const state = phases[phase]();
        expect(outcome(state, seats[role])).toBe(table[phase][role]);
        expect(outcome(state, seats[role], { visitGroupId: 'g2' })).toBe(visits[phase][role][0]);
        expect(outcome(state, seats[role], { visitGroupId: 'g2', speak: true })).toBe(visits[phase][role][1]);
      });
    }
  }
});

describe('media grant: speakers, the floor and presentation', () => {
  const p4: Actor = { role: 'participant', memberId: 'p4', name: 'p4' };
  const p5: Actor = { role: 'participant', memberId: 'p5', name: 'p5' };
  const p7: Actor = { role: 'notetaker', memberId: 'p7', name: 'p7' };

  it('the step’s named speaker publishes in that plenary step only', () => {
    expect(outcome(lobby(), p4)).toBe('plenary:listen');
    expect(outcome(opening(), p4)).toBe('plenary:speak');
    expect(outcome(reportBack(), p4)).toBe('plenary:listen');
  });

  it('a named observer still only listens', () => {
    const s = opening();
    const step = s.agenda[0]!;
    if (step.kind === 'plenary') step.speakers.push('o1');
    expect(outcome(s, seats.observer)).toBe('plenary:listen');
  });

  it('the person given the floor publishes in plenary, and not once it is taken back', () => {
    const s = reportBack();
    expect(outcome({ ...s, floor: 'p5' }, p5)).toBe('plenary:speak');
    expect(outcome({ ...s, floor: 'p5' }, p4)).toBe('plenary:listen');
    expect(outcome({ ...s, floor: null }, p5)).toBe('plenary:listen');
  });

  it('the floor does not follow anyone into a breakout room: the table is theirs anyway', () => {
    expect(outcome({ ...breakout(), floor: 'p3' }, seats.participant)).toBe('1.g1:speak');
  });

  it('only the presenting group’s rapporteur publishes, and another group’s rapporteur listens', () => {
    expect(outcome(presenting(), p7)).toBe('plenary:listen');
    const g2 = presentGroup(reportBack(), moderator, { groupId: 'g2' }, ctx(t0 + 36 * minute)).state;
    expect(outcome(g2, p7)).toBe('plenary:speak');
    expect(outcome(g2, seats.notetaker)).toBe('plenary:listen');
  });

  it('once the rooms’ grace is over, the table members are back in the plenary room, listening', () => {
    const s = closing();
    expect(outcome(letTimePass(s, ctx(t0 + 35 * minute + 59_000))?.state ?? s, seats.participant)).toBe('1.g1:speak');
    const closed = letTimePass(s, ctx(t0 + 35 * minute + 60_000))!.state;
    expect(closed.closing ?? null).toBeNull();
    expect(outcome(closed, seats.participant)).toBe('plenary:listen');
    expect(outcome(closed, seats.notetaker)).toBe('plenary:listen');
    expect(outcome(closed, moderator, { visitGroupId: 'g2' })).toBe('CONFLICT');
  });

  it('someone without a table during a breakout waits in the plenary room, listening', () => {
    expect(outcome(breakout(), p4)).toBe('plenary:listen');
  });

  it('a member asking to visit their own table is still refused: members sit at one table', () => {
    expect(outcome(breakout(), seats.participant, { visitGroupId: 'g1' })).toBe('NOT_ALLOWED');
  });

  it('a visit to a table that does not exist is NOT_FOUND', () => {
    expect(outcome(breakout(), moderator, { visitGroupId: 'g9' })).toBe('NOT_FOUND');
  });

  it('presenters and moderators may share a screen; table members and speakers use microphone and camera', () => {
    expect(mediaGrant(presenting(), seats.notetaker)?.canPublishSources).toEqual(['microphone', 'camera', 'screen_share']);
    expect(mediaGrant(opening(), moderator)?.canPublishSources).toEqual(['microphone', 'camera', 'screen_share']);
    expect(mediaGrant(opening(), p4)?.canPublishSources).toEqual(['microphone', 'camera']);
    expect(mediaGrant(breakout(), seats.participant)?.canPublishSources).toEqual(['microphone', 'camera']);
  });

  it('room names: <session>.plenary and <session>.<step>.<group>', () => {
    expect(plenaryRoom('s1')).toBe('s1.plenary');
    expect(groupRoom('s1', 3, 'g2')).toBe('s1.3.g2');
  });

  it('sameGrant tells a change of room or permission from none', () => {
    const a = mediaGrant(opening(), p4);
    expect(sameGrant(a, mediaGrant(opening(), p4))).toBe(true);
    expect(sameGrant(a, mediaGrant(opening(), p5))).toBe(false);
    expect(sameGrant(a, null)).toBe(false);
    expect(sameGrant(null, null)).toBe(true);
  });
});
