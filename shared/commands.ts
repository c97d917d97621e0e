import { z } from 'zod';
import { controlCharacters } from './roster';

/** Commands that drive the agenda; the same on the socket and on REST. */
export const AgendaCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('next') }),
  z.object({ type: z.literal('goto'), step: z.number().int().min(0) }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('extend'), minutes: z.number().min(-24 * 60).max(24 * 60).refine((m) => m !== 0, 'must not be 0') }),
  z.object({ type: z.literal('end') }),
  /** Keeps the rooms of a closing breakout open: the countdown to closing stops. */
  z.object({ type: z.literal('keep-open') }),
]);
export type AgendaCommand = z.infer<typeof AgendaCommand>;
export const agendaCommandTypes = ['start', 'next', 'goto', 'pause', 'resume', 'extend', 'end', 'keep-open'] as const;

export const ExtendBody = z.object({
  minutes: z.number().min(-24 * 60).max(24 * 60).refine((m) => m !== 0, 'must not be 0'),
});
export const GotoBody = z.object({ step: z.number().int().min(0) });

export const BroadcastCommand = z.object({
  text: z.string().trim().min(1).max(500),
  /** Absent: every room. */
  groupId: z.string().optional(),
});
export type BroadcastCommand = z.infer<typeof BroadcastCommand>;

export const HelpCallCommand = z.object({ message: z.string().trim().max(500).default('') });
export type HelpCallCommand = z.infer<typeof HelpCallCommand>;

export const HelpUpdateCommand = z.object({
  id: z.string().min(1),
  action: z.enum(['acknowledge', 'resolve']),
});
export type HelpUpdateCommand = z.infer<typeof HelpUpdateCommand>;

/** The caller takes back their own call for help (the matter sorted itself out). */
export const HelpCancelCommand = z.object({ id: z.string().min(1).max(100) });
export type HelpCancelCommand = z.infer<typeof HelpCancelCommand>;

/** A missing person's invitation link, for the moderator to send them again. */
export const InviteLinkRequest = z.object({ memberId: z.string().min(1).max(200) });
export type InviteLinkRequest = z.infer<typeof InviteLinkRequest>;

/**
 * One member's links (`memberId`, or "@moderator"), or in bulk: `participants` (everyone who sits
 * at a table: participants, facilitators, note takers) or `everyone` (the whole roster and the
 * moderator link).
 */
export const RevokeBody = z.union([z.object({ memberId: z.string().min(1) }), z.object({ all: z.enum(['participants', 'everyone']) })]);
export type RevokeBody = z.infer<typeof RevokeBody>;

/** Forms (or re-forms with another seed) the groups a breakout step will open with, for review. */
export const GroupsPreviewCommand = z.object({
  step: z.number().int().min(0),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
});
export type GroupsPreviewCommand = z.infer<typeof GroupsPreviewCommand>;

/** Moves one person to another group of the preview (or of the open breakout); null opens a new group. */
export const GroupsMoveCommand = z.object({
  memberId: z.string().min(1),
  groupId: z.string().min(1).nullable(),
});
export type GroupsMoveCommand = z.infer<typeof GroupsMoveCommand>;

/** A locked preview is used as it is when the breakout opens; unlocked, it may be re-formed. */
export const GroupsLockCommand = z.object({ locked: z.boolean() });
export type GroupsLockCommand = z.infer<typeof GroupsLockCommand>;

/** What a person tells on the join screen. */
export const ProfileCommand = z.object({
  displayName: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .refine((name) => !controlCharacters.test(name), 'A name cannot hold control characters.'),
  language: z.string().trim().toLowerCase().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/),
  consent: z.literal(true, { error: 'The session terms must be accepted to take part.' }),
  /** Which text of the terms the person agreed to (`termsVersion`); required the first time. */
  terms: z.string().trim().min(1).max(64).optional(),
});
export type ProfileCommand = z.infer<typeof ProfileCommand>;

export const HandCommand = z.object({ raised: z.boolean() });
export type HandCommand = z.infer<typeof HandCommand>;

export const HandLowerCommand = z.object({ memberId: z.string().min(1) });
export type HandLowerCommand = z.infer<typeof HandLowerCommand>;

/** Lowers every raised hand at once (the moderator starts the queue afresh). */
export const HandsClearCommand = z.object({}).strict();
export type HandsClearCommand = z.infer<typeof HandsClearCommand>;

/** Gives the plenary floor to one person, usually the first raised hand; null takes it back. */
export const FloorGiveCommand = z.object({ memberId: z.string().min(1).max(200).nullable() });
export type FloorGiveCommand = z.infer<typeof FloorGiveCommand>;

/** The order in which groups' rapporteurs present in plenary. */
export const ReportQueueCommand = z.object({ groups: z.array(z.string().min(1)).max(5000) });
export type ReportQueueCommand = z.infer<typeof ReportQueueCommand>;

/** Which group presents now (null: nobody). */
export const ReportPresentCommand = z.object({ groupId: z.string().min(1).nullable() });
export type ReportPresentCommand = z.infer<typeof ReportPresentCommand>;

/** A facilitator (or moderator) notes that a member of their table takes part by voice only: no reading, no typing. */
export const VoiceOnlyCommand = z.object({ memberId: z.string().min(1).max(200), voiceOnly: z.boolean() });
export type VoiceOnlyCommand = z.infer<typeof VoiceOnlyCommand>;
