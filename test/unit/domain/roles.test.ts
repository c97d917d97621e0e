import { describe, expect, it } from 'vitest';
import { actions, can, permissions, type Action } from '../../../server/src/domain/roles';
import { roles, type Role } from '../../../shared/session';

/** The expected answer for every role and action, written out so a change to the rules is a visible diff. */
const expected: Record<Action, Record<Role, boolean>> = {
  'session.create': { organizer: true, moderator: false, facilitator: false, notetaker: false, participant: false, observer: false },
  'session.inspect': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'session.read': { organizer: true, moderator: true, facilitator: true, notetaker: true, participant: true, observer: true },
  'session.readAll': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: true },
  'roster.import': { organizer: true, moderator: false, facilitator: false, notetaker: false, participant: false, observer: false },
  'roster.readAttributes': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'agenda.drive': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'broadcast.send': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'help.call': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'help.handle': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'audit.read': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'invite.read': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'invite.revoke': { organizer: true, moderator: false, facilitator: false, notetaker: false, participant: false, observer: false },
  'group.join': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'groups.arrange': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'hand.raise': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'hand.lower': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'floor.give': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'report.drive': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'profile.update': { organizer: false, moderator: true, facilitator: true, notetaker: true, participant: true, observer: true },
  'notes.write': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'notes.read': { organizer: true, moderator: true, facilitator: true, notetaker: true, participant: true, observer: true },
  'notes.readAll': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: true },
  'notes.present': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'notes.export': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'notes.exportNames': { organizer: true, moderator: false, facilitator: false, notetaker: false, participant: false, observer: false },
  'media.lead': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'media.visit': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: true },
  'media.speak': { organizer: true, moderator: true, facilitator: true, notetaker: true, participant: true, observer: false },
  'speaking.report': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'speaking.watch': { organizer: false, moderator: false, facilitator: true, notetaker: false, participant: false, observer: false },
  'member.voiceOnly': { organizer: true, moderator: true, facilitator: true, notetaker: false, participant: false, observer: false },
  'survey.answer': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'event.manage': { organizer: true, moderator: false, facilitator: false, notetaker: false, participant: false, observer: false },
  'contribution.send': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: false, observer: false },
  'question.upvote': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'question.take': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
  'vote.cast': { organizer: false, moderator: false, facilitator: true, notetaker: true, participant: true, observer: false },
  'votes.export': { organizer: true, moderator: true, facilitator: false, notetaker: false, participant: false, observer: false },
};

describe('who may do what', () => {
  it('covers every action', () => {
    expect(Object.keys(expected).sort()).toEqual([...actions].sort());
    expect(Object.keys(permissions).sort()).toEqual([...actions].sort());
  });

  for (const action of actions) {
    for (const role of roles) {
      it(`${role} ${expected[action][role] ? 'may' : 'may not'} ${action}`, () => {
        expect(can(role, action)).toBe(expected[action][role]);
      });
    }
  }
});
