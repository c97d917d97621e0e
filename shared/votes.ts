import { z } from 'zod';
import { controlCharacters } from './roster';

/**
 * What the tables send to everyone: an idea (voted on in a `vote` step) or a question (upvoted in
 * plenary, the moderator takes the most wanted to the speakers).
 */
export const contributionKinds = ['idea', 'question'] as const;
export const ContributionKind = z.enum(contributionKinds);
export type ContributionKind = z.infer<typeof ContributionKind>;

const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !controlCharacters.test(s), 'must not contain control characters');

/** A table's note taker (or facilitator) sends an idea or a question to everyone. */
export const ContributionSubmitCommand = z.object({ kind: ContributionKind, text: plainText(500) });
export type ContributionSubmitCommand = z.infer<typeof ContributionSubmitCommand>;

/** Its table takes it back, while nobody has voted for it and it was not taken up. */
export const ContributionWithdrawCommand = z.object({ id: z.string().min(1).max(100) });
export type ContributionWithdrawCommand = z.infer<typeof ContributionWithdrawCommand>;

/** One person's support for a question, given or taken back; once per person. */
export const QuestionUpvoteCommand = z.object({ id: z.string().min(1).max(100), up: z.boolean() });
export type QuestionUpvoteCommand = z.infer<typeof QuestionUpvoteCommand>;

/** The moderator takes a question to the speakers (or, `taken: false`, puts it back). */
export const QuestionTakeCommand = z.object({ id: z.string().min(1).max(100), taken: z.boolean().default(true) });
export type QuestionTakeCommand = z.infer<typeof QuestionTakeCommand>;

/**
 * A ballot in a running `vote` step: the option ids approved (approval) or in order of preference,
 * best first (ranking). An empty list takes one's ballot back. Changeable until the step closes.
 */
export const VoteCastCommand = z.object({
  stepIndex: z.number().int().min(0),
  choices: z
    .array(z.string().min(1).max(100))
    .max(50)
    .refine((c) => new Set(c).size === c.length, 'must not name an option twice'),
});
export type VoteCastCommand = z.infer<typeof VoteCastCommand>;

export const ContributionView = z.object({
  id: z.string(),
  kind: ContributionKind,
  text: z.string(),
  /** The table that sent it, and in which breakout step (from 0). */
  groupId: z.string(),
  stepIndex: z.number().int(),
  at: z.number(),
  upvotes: z.number().int(),
  /** When the moderator took the question to the speakers (null: not yet). */
  takenAt: z.number().nullable(),
});
export type ContributionView = z.infer<typeof ContributionView>;

export const VoteOptionResult = z.object({
  id: z.string(),
  text: z.string(),
  /** Approval: ballots that approve it. Ranking: ballots that rank it at all. */
  count: z.number().int(),
  /** Ranking only: Borda points (an option ranked k-th of n offered gets n − k + 1) and first places. */
  points: z.number().int().optional(),
  first: z.number().int().optional(),
});
export type VoteOptionResult = z.infer<typeof VoteOptionResult>;

/** A vote step's options and live results, the same for everyone. */
export const VoteView = z.object({
  stepIndex: z.number().int(),
  method: z.enum(['approval', 'ranking']),
  maxChoices: z.number().int(),
  /** Whether ballots are still taken: the step is the current one and the session runs. */
  open: z.boolean(),
  ballots: z.number().int(),
  options: z.array(VoteOptionResult),
});
export type VoteView = z.infer<typeof VoteView>;

/** What only this person has given: the questions they upvoted and their ballot in each vote step. */
export const OwnVotes = z.object({
  upvoted: z.array(z.string()),
  ballots: z.record(z.string(), z.array(z.string())),
});
export type OwnVotes = z.infer<typeof OwnVotes>;

export const VotesExportQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** `GET /api/sessions/:id/votes`: each vote's results and its ballots (no names), every idea and question. */
export const VotesExport = z.object({
  votes: z.array(VoteView.extend({ title: z.string(), ballotsGiven: z.array(z.array(z.string())) })),
  contributions: z.array(ContributionView),
});
export type VotesExport = z.infer<typeof VotesExport>;
