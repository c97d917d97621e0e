import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../server/src/domain/agenda';
import { DomainError } from '../../server/src/domain/errors';
import { breakoutOfGroups, notesAccess, notesTarget, scrollNotes } from '../../server/src/domain/notes-access';
import { orderReportQueue, presentGroup } from '../../server/src/domain/report-back';
import type { Actor } from '../../server/src/domain/roles';
import type { SessionState } from '../../server/src/domain/session';
import { ctx, forum, minute, moderator, organizer, session, t0 } from './domain/fixtures';

/** p1 facilitator, p2 note taker (g1's rapporteur), p3–p5 participants; g2 is p6–p10 (p7 its note taker). */
const member = (id: string, role: Actor['role'] = 'participant'): Actor => ({ role, memberId: id, name: id });
const p1 = member('p1', 'facilitator');
const p2 = member('p2', 'notetaker');
const p3 = member('p3');
const p7 = member('p7', 'notetaker');
const p8 = member('p8');
const observer: Actor = { role: 'observer', memberId: 'o1', name: 'Researcher' };
const stranger = member('p12');

function breakout(): SessionState {
  const started = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;
  const s = driveAgenda(started, moderator, { type: 'next' }, ctx(t0 + minute, ['p1', 'p2'])).state;
  s.groups = [
    { id: 'g1', members: ['p1', 'p2', 'p3', 'p4', 'p5'], language: 'en', score: 0 },
    { id: 'g2', members: ['p6', 'p7', 'p8', 'p9', 'p10'], language: 'en', score: 0 },
  ];
  s.roster.o1 = { id: 'o1', name: 'Researcher', languages: ['en'], role: 'observer', attributes: {}, tokenVersion: 1 };
  return s;
}
const reportBack = () => driveAgenda(breakout(), moderator, { type: 'next' }, ctx(t0 + 40 * minute)).state;
const presenting = (groupId: string) => presentGroup(reportBack(), moderator, { groupId }, ctx(t0 + 41 * minute)).state;

const access = (s: SessionState, actor: Actor, groupId = 'g1', step = 1) => notesAccess(s, actor, step, groupId);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'OK';
};

describe('who may write and read a group’s notes', () => {
  it('while the breakout runs: the group’s members write, staff and observers read, nobody else opens', () => {
    const s = breakout();
    expect([p1, p2, p3].map((a) => access(s, a))).toEqual(['write', 'write', 'write']);
    expect(access(s, moderator)).toBe('read');
    expect(access(s, organizer)).toBe('read');
    expect(access(s, observer)).toBe('read');
    expect(access(s, p7)).toBe('none');
    expect(access(s, stranger)).toBe('none');
  });

  it('a paused breakout is still the group’s to write', () => {
    const paused = driveAgenda(breakout(), moderator, { type: 'pause' }, ctx(t0 + 2 * minute)).state;
    expect(access(paused, p3)).toBe('write');
  });

  it('after the breakout, only the rapporteur writes until the report-back ends; the members read', () => {
    const s = reportBack();
    expect(access(s, p2)).toBe('write'); // the note taker presents
    expect(access(s, p1)).toBe('read');
    expect(access(s, p3)).toBe('read');
    expect(access(s, p7, 'g2')).toBe('write');
    expect(access(s, moderator)).toBe('read');
    expect(access(s, p7)).toBe('none'); // another group's, not presenting
  });

  it('when the report-back is over (or the session ends) the rapporteur reads like everyone else', () => {
    const ended = driveAgenda(reportBack(), moderator, { type: 'end' }, ctx(t0 + 60 * minute)).state;
    expect(access(ended, p2)).toBe('read');
    expect(access(ended, p3)).toBe('read');
    expect(access(ended, moderator)).toBe('read');
    const steps = [...forum, { kind: 'plenary' as const, title: 'Closing', minutes: 5 }];
    const longer = { ...reportBack(), agenda: session(steps).agenda };
    const moved = driveAgenda(longer, moderator, { type: 'next' }, ctx(t0 + 61 * minute)).state;
    expect(access(moved, p2)).toBe('read');
  });

  it('the group presenting is readable by every member of the session, and only while it presents', () => {
    const s = presenting('g1');
    expect(access(s, p7)).toBe('read');
    expect(access(s, p8)).toBe('read');
    expect(access(s, stranger)).toBe('read');
    expect(access(s, p2)).toBe('write');
    expect(access(s, p8, 'g2')).toBe('read');
    const next = presentGroup(s, moderator, { groupId: 'g2' }, ctx(t0 + 45 * minute)).state;
    expect(access(next, p8)).toBe('none');
    expect(access(next, p3, 'g2')).toBe('read');
  });

  it('refuses the lobby, steps that are no breakout, breakouts yet to come, and groups that do not exist', () => {
    const lobby = session(forum);
    expect(access(lobby, moderator)).toBe('none');
    expect(access(breakout(), p3, 'g1', 0)).toBe('none');
    expect(access(breakout(), p3, 'g1', 2)).toBe('none');
    expect(access(breakout(), p3, 'g9')).toBe('none');
  });

  it('notes of an earlier breakout, whose groups are gone, are for the staff only', () => {
    const steps = [...forum, { kind: 'breakout' as const, title: 'Round two', minutes: 20 }];
    const s = { ...reportBack(), agenda: session(steps).agenda };
    const second = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + 61 * minute, ['p1', 'p2', 'p3'])).state;
    expect(breakoutOfGroups(second)).toBe(3);
    expect(access(second, moderator, 'g1', 1)).toBe('read');
    expect(access(second, observer, 'g1', 1)).toBe('read');
    expect(access(second, p2, 'g1', 1)).toBe('none');
  });
});

describe('which notes a token request means', () => {
  it('defaults to the caller’s own group of the current breakout', () => {
    expect(notesTarget(breakout(), p3, {})).toEqual({ stepIndex: 1, groupId: 'g1', access: 'write' });
    expect(notesTarget(reportBack(), p8, {})).toEqual({ stepIndex: 1, groupId: 'g2', access: 'read' });
  });

  it('defaults to the presenting group for someone without one', () => {
    expect(notesTarget(presenting('g2'), moderator, {})).toEqual({ stepIndex: 1, groupId: 'g2', access: 'read' });
  });

  it('refuses with a stable code', () => {
    expect(code(() => notesTarget(session(forum), moderator, {}))).toBe('CONFLICT');
    expect(code(() => notesTarget(breakout(), moderator, {}))).toBe('BAD_INPUT');
    expect(code(() => notesTarget(breakout(), p3, { groupId: 'g2' }))).toBe('NOT_ALLOWED');
    expect(code(() => notesTarget(breakout(), p3, { groupId: 'g7' }))).toBe('NOT_FOUND');
    expect(code(() => notesTarget(breakout(), p3, { stepIndex: 0 }))).toBe('NOT_FOUND');
  });
});

describe('the rapporteur scrolls everyone to a heading', () => {
  it('only the presenting group’s rapporteur, only while it presents', () => {
    const s = presenting('g1');
    expect(scrollNotes(s, p2, { heading: 'Q2' })).toEqual({ stepIndex: 1, groupId: 'g1', heading: 'Q2' });
    expect(code(() => scrollNotes(s, p3, { heading: 'Q2' }))).toBe('NOT_ALLOWED');
    expect(code(() => scrollNotes(s, p7, { heading: 'Q2' }))).toBe('NOT_ALLOWED');
    expect(code(() => scrollNotes(s, moderator, { heading: 'Q2' }))).toBe('NOT_ALLOWED');
    expect(code(() => scrollNotes(reportBack(), p2, { heading: 'Q2' }))).toBe('CONFLICT');
    expect(code(() => scrollNotes(breakout(), p2, { heading: 'Q2' }))).toBe('CONFLICT');
  });

  it('follows the queue: the next presenter’s rapporteur takes over', () => {
    const queued = orderReportQueue(reportBack(), moderator, { groups: ['g2', 'g1'] }, ctx(t0 + 41 * minute)).state;
    const s = presentGroup(queued, moderator, { groupId: 'g2' }, ctx(t0 + 42 * minute)).state;
    expect(scrollNotes(s, p7, { heading: 'Q1' }).groupId).toBe('g2');
    expect(code(() => scrollNotes(s, p2, { heading: 'Q1' }))).toBe('NOT_ALLOWED');
  });
});
