import { z } from 'zod';
import { Agenda, ViewStep } from './agenda';
import { MissingTranslation, languageCode, unknownTextLanguages } from './content';
import { ContributionView, VoteView } from './votes';

export const roles = ['organizer', 'moderator', 'facilitator', 'notetaker', 'participant', 'observer'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

export const CreateSessionBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    /** The first is the language plain texts are in, and what a person sees where a text lacks theirs. */
    languages: z.array(languageCode).min(1).max(50),
    agenda: Agenda,
  })
  .superRefine((body, ctx) => {
    for (const { stepIndex, text, language } of unknownTextLanguages(body.agenda, body.languages)) {
      ctx.addIssue({ code: 'custom', path: ['agenda', stepIndex, ...text.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))], message: `${language} is not one of the session's languages` });
    }
    body.agenda.forEach((step, stepIndex) => {
      for (const [text, byLanguage] of Object.entries(step.audio ?? {})) {
        for (const language of Object.keys(byLanguage).filter((l) => !body.languages.includes(l))) {
          ctx.addIssue({ code: 'custom', path: ['agenda', stepIndex, 'audio', text, language], message: `${language} is not one of the session's languages` });
        }
      }
    });
  });
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;
export type CreateSessionInput = z.input<typeof CreateSessionBody>;

export const SessionCreated = z.object({
  id: z.string(),
  moderatorLink: z.url(),
  moderatorToken: z.string(),
});

export const sessionStatuses = ['lobby', 'running', 'paused', 'ended'] as const;
export const SessionStatus = z.enum(sessionStatuses);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const GroupMemberView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  present: z.boolean(),
  /** The discussion languages the person listed (none: any). */
  languages: z.array(z.string()).optional(),
  /** Takes part by voice only: the note taker writes down what they say. */
  voiceOnly: z.boolean().optional(),
  /** Only in the views of organizers and moderators. */
  attributes: z.record(z.string(), z.string()).optional(),
});
export type GroupMemberView = z.infer<typeof GroupMemberView>;

export const GroupView = z.object({
  id: z.string(),
  language: z.string(),
  score: z.number(),
  members: z.array(GroupMemberView),
});
export type GroupView = z.infer<typeof GroupView>;

export const HelpCallView = z.object({
  id: z.string(),
  from: z.object({ id: z.string(), name: z.string(), role: Role }),
  groupId: z.string().nullable(),
  message: z.string(),
  status: z.enum(['open', 'acknowledged', 'resolved', 'cancelled']),
  createdAt: z.number(),
  handledBy: z.string().nullable(),
});
export type HelpCallView = z.infer<typeof HelpCallView>;

/** The caller's own call for help, as only they see it: sent, on the way, resolved or cancelled. */
export const OwnHelpCall = HelpCallView.pick({ id: true, message: true, status: true, createdAt: true, handledBy: true });
export type OwnHelpCall = z.infer<typeof OwnHelpCall>;

export const AssignmentView = z.object({
  stepIndex: z.number().int(),
  seed: z.number(),
  algorithm: z.string(),
  version: z.string(),
  score: z.number(),
  upperBound: z.number(),
});

export const Person = z.object({ id: z.string(), name: z.string() });

/**
 * A rule the grouping applied that the moderator should know of (see GroupingNotice on the server):
 * how someone who speaks none of the group languages was seated, or a group under the minimum.
 */
export const GroupingNoticeView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('interpreter'), memberId: z.string(), interpreterId: z.string(), language: z.string() }),
  z.object({ kind: z.literal('ownLanguage'), memberId: z.string(), language: z.string() }),
  z.object({ kind: z.literal('noSharedLanguage'), memberId: z.string() }),
  z.object({ kind: z.literal('smallGroup'), groupId: z.string(), size: z.number().int(), minimum: z.number().int() }),
]);
export type GroupingNoticeView = z.infer<typeof GroupingNoticeView>;

/** Someone on the roster who speaks none of the session's languages (staff only). */
export const LanguageWarningView = z.object({ id: z.string(), name: z.string(), languages: z.array(z.string()) });
export type LanguageWarningView = z.infer<typeof LanguageWarningView>;

export const GroupPreviewView = z.object({
  stepIndex: z.number().int(),
  locked: z.boolean(),
  groups: z.array(GroupView),
  seed: z.number(),
  algorithm: z.string(),
  version: z.string(),
  score: z.number(),
  upperBound: z.number(),
  sameValuePairs: z.number().int(),
  repeatedPairs: z.number().int(),
  /** The smallest group allowed, and the rules applied to reach these groups. */
  minGroupSize: z.number().int().optional(),
  notices: z.array(GroupingNoticeView).optional(),
});
export type GroupPreviewView = z.infer<typeof GroupPreviewView>;

export const ReportBackView = z.object({
  queue: z.array(z.object({ groupId: z.string(), rapporteur: Person.nullable() })),
  presenting: z.string().nullable(),
  /** Groups that have presented, in the order they did. */
  presented: z.array(z.string()),
});
export type ReportBackView = z.infer<typeof ReportBackView>;

/** Someone on the roster who is not here: never joined, or joined and not connected now. */
export const MissingPerson = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  status: z.enum(['not-joined', 'away']),
});
export type MissingPerson = z.infer<typeof MissingPerson>;

/** Who is connected and where: in plenary (or the lobby) or in each breakout group. */
export const PresenceCounts = z.object({
  connected: z.number().int(),
  roster: z.number().int(),
  plenary: z.number().int(),
  byGroup: z.record(z.string(), z.number().int()),
});

/**
 * What one audience of a session sees. Times are absolute server milliseconds; clients render the
 * countdown from `endsAt` and their measured offset to `serverNow`.
 */
export const SessionView = z.object({
  id: z.string(),
  title: z.string(),
  languages: z.array(z.string()),
  /** Each step's texts in the audience's language (see ViewStep). */
  agenda: z.array(ViewStep),
  /** The language the steps' texts were chosen for; null for staff and observers (the session's first language, with every translation). */
  contentLanguage: z.string().nullable(),
  status: SessionStatus,
  /** -1 in the lobby. */
  stepIndex: z.number().int(),
  endsAt: z.number().nullable(),
  /** Set while paused: what the countdown shows. */
  remainingMs: z.number().nullable(),
  /** The breakout's rooms close at `at` (server ms) and the agenda moves to `toStep` (null: the end). */
  closing: z.object({ at: z.number(), toStep: z.number().int().nullable() }).nullable(),
  version: z.number().int(),
  serverNow: z.number(),
  presence: PresenceCounts,
  /** Named speakers of the current plenary step. */
  speakers: z.array(Person),
  /** Raised hands in plenary, in the order they were raised. */
  hands: z.array(Person),
  /** Who the moderator gave the plenary floor to, besides the named speakers. */
  floor: Person.nullable(),
  reportBack: ReportBackView,
  /** The audience's own group during a breakout. */
  group: GroupView.nullable(),
  /** Every group, for moderators, organizers and observers. */
  groups: z.array(GroupView).optional(),
  assignment: AssignmentView.nullable().optional(),
  helpCalls: z.array(HelpCallView).optional(),
  /** Texts of the agenda not yet given in every session language (moderators and organizers). */
  missingTranslations: z.array(MissingTranslation).optional(),
  /** The groups the next breakout will open with, for moderators to review. */
  preview: GroupPreviewView.nullable().optional(),
  /** People on the roster who speak none of the session's languages, for organizers and moderators. */
  languageWarnings: z.array(LanguageWarningView).optional(),
  /** Organizers and moderators: who on the roster is not here. */
  missing: z.array(MissingPerson).optional(),
  /** Organizers and moderators, during a survey step: how many of those expected have answered this wave. */
  survey: z.object({ wave: z.enum(['T1', 'T2']), responded: z.number().int(), expected: z.number().int() }).optional(),
  /** The ideas and questions the tables sent, with their support (absent while there are none). */
  contributions: z.array(ContributionView).optional(),
  /** Each vote step begun so far, with its live results (absent while there is none). */
  votes: z.array(VoteView).optional(),
});
export type SessionView = z.infer<typeof SessionView>;

/**
 * The version of the terms text on the join screen (`join.terms` in every language): bump it
 * whenever that text changes, so the audit log says which words each person agreed to.
 */
export const termsVersion = '2026-12-1';

export const Seat = z.object({
  sessionId: z.string(),
  memberId: z.string(),
  name: z.string(),
  role: Role,
  languages: z.array(z.string()),
  /** The language the person chose on the join screen (interface and discussion). */
  language: z.string().nullable(),
  consented: z.boolean(),
});
export type Seat = z.infer<typeof Seat>;
