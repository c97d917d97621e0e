import type { Role } from '../../../shared/session';
import { notAllowed } from './errors';

/** Who is acting: a roster member (or the session's moderator link), or the organizer's admin token. */
export interface Actor {
  role: Role;
  /** Roster id; null for the organizer and for the moderator link. */
  memberId: string | null;
  name: string;
}

export const actions = [
  'session.create',
  'session.inspect',
  'session.read',
  'session.readAll',
  'roster.import',
  'roster.readAttributes',
  'agenda.drive',
  'broadcast.send',
  'help.call',
  'help.handle',
  'audit.read',
  'invite.revoke',
  'invite.read',
  'group.join',
  'groups.arrange',
  'hand.raise',
  'hand.lower',
  'floor.give',
  'report.drive',
  'profile.update',
  'notes.write',
  'notes.read',
  'notes.readAll',
  'notes.present',
  'notes.export',
  'notes.exportNames',
  'media.lead',
  'media.visit',
  'media.speak',
  'speaking.report',
  'speaking.watch',
  'member.voiceOnly',
  'survey.answer',
  'event.manage',
  'contribution.send',
  'question.upvote',
  'question.take',
  'vote.cast',
  'votes.export',
] as const;
export type Action = (typeof actions)[number];

/**
 * The one place that says who may do what. Every transport asks here; nothing else decides.
 * `session.readAll` is the overview of every group; `roster.readAttributes` the private columns.
 */
export const permissions: Record<Action, readonly Role[]> = {
  'session.create': ['organizer'],
  'session.inspect': ['organizer', 'moderator'],
  'session.read': ['organizer', 'moderator', 'facilitator', 'notetaker', 'participant', 'observer'],
  'session.readAll': ['organizer', 'moderator', 'observer'],
  'roster.import': ['organizer'],
  'roster.readAttributes': ['organizer', 'moderator'],
  'agenda.drive': ['organizer', 'moderator'],
  'broadcast.send': ['organizer', 'moderator'],
  'help.call': ['facilitator', 'notetaker', 'participant'],
  'help.handle': ['organizer', 'moderator'],
  'audit.read': ['organizer', 'moderator'],
  'invite.revoke': ['organizer'],
  'invite.read': ['organizer', 'moderator'],
  'group.join': ['facilitator', 'notetaker', 'participant'],
  'groups.arrange': ['organizer', 'moderator'],
  'hand.raise': ['facilitator', 'notetaker', 'participant'],
  'hand.lower': ['organizer', 'moderator'],
  'floor.give': ['organizer', 'moderator'],
  'report.drive': ['organizer', 'moderator'],
  'profile.update': ['moderator', 'facilitator', 'notetaker', 'participant', 'observer'],
  // Notes: which group and which moment are decided in notes-access.ts; these say which roles ever may.
  'notes.write': ['facilitator', 'notetaker', 'participant'],
  'notes.read': ['organizer', 'moderator', 'facilitator', 'notetaker', 'participant', 'observer'],
  'notes.readAll': ['organizer', 'moderator', 'observer'],
  'notes.present': ['facilitator', 'notetaker', 'participant'],
  'notes.export': ['organizer', 'moderator'],
  // The join terms promise publication without names: who sat where is the organizer's alone.
  'notes.exportNames': ['organizer'],
  // Media: which room and when are decided in media-grant.ts; these say which roles ever may.
  'media.lead': ['organizer', 'moderator'],
  'media.visit': ['organizer', 'moderator', 'observer'],
  'media.speak': ['organizer', 'moderator', 'facilitator', 'notetaker', 'participant'],
  // Speaking balance: a member reports their own time; a facilitator watches their own table (speaking-balance.ts).
  'speaking.report': ['facilitator', 'notetaker', 'participant'],
  'speaking.watch': ['facilitator'],
  // Which member: anyone for staff, their own table's for a facilitator (voice-only.ts).
  'member.voiceOnly': ['organizer', 'moderator', 'facilitator'],
  // Surveys: the people who deliberate answer; who runs or watches the session does not.
  'survey.answer': ['facilitator', 'notetaker', 'participant'],
  // Events span sessions: only the organizer's admin token manages them.
  'event.manage': ['organizer'],
  // Ideas and questions: a table's note taker sends them for it (the facilitator may stand in).
  'contribution.send': ['facilitator', 'notetaker'],
  'question.upvote': ['facilitator', 'notetaker', 'participant'],
  'question.take': ['organizer', 'moderator'],
  'vote.cast': ['facilitator', 'notetaker', 'participant'],
  'votes.export': ['organizer', 'moderator'],
};

export function can(role: Role, action: Action): boolean {
  return permissions[action].includes(role);
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw notAllowed(`A ${actor.role} may not ${describe[action]}.`);
}

const describe: Record<Action, string> = {
  'session.create': 'create sessions',
  'session.inspect': "inspect the session's state",
  'session.read': 'see this session',
  'session.readAll': 'see every group',
  'roster.import': 'import the roster',
  'roster.readAttributes': "see participants' private attributes",
  'agenda.drive': 'drive the agenda',
  'broadcast.send': 'broadcast messages',
  'help.call': 'call for help',
  'help.handle': 'answer help calls',
  'audit.read': 'read the audit log',
  'invite.revoke': 'revoke invitations',
  'invite.read': "see people's invitation links",
  'group.join': 'join a breakout group',
  'groups.arrange': 'arrange the groups',
  'hand.raise': 'raise a hand',
  'hand.lower': "lower someone else's hand",
  'floor.give': 'give the floor',
  'report.drive': 'run the report-back',
  'profile.update': 'set a profile',
  'notes.write': "write a group's notes",
  'notes.read': "read the presenting group's notes",
  'notes.readAll': "read every group's notes",
  'notes.present': "present a group's notes",
  'notes.export': 'export the notes',
  'notes.exportNames': "export the notes with members' names",
  'media.lead': 'speak in plenary at any time',
  'media.visit': 'visit the tables',
  'media.speak': 'speak in a call',
  'speaking.report': 'report speaking time',
  'speaking.watch': "watch a table's speaking balance",
  'member.voiceOnly': 'mark who takes part by voice only',
  'survey.answer': 'answer the survey',
  'event.manage': 'manage events',
  'contribution.send': "send the table's ideas and questions",
  'question.upvote': 'upvote questions',
  'question.take': 'take questions to the speakers',
  'vote.cast': 'vote',
  'votes.export': 'export the votes',
};
