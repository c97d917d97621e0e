import { z } from 'zod';
import { languageCode, localizedText } from './content';

/**
 * Deliberative Polling: an event groups sessions under one questionnaire, answered before (T1) and
 * after (T2) deliberation by the deliberators and by a control group that only answers the surveys.
 */
export const waves = ['T1', 'T2'] as const;
export const Wave = z.enum(waves);
export type Wave = z.infer<typeof Wave>;

export const studyLimits = { questions: 100, options: 30, openTextChars: 4000, poolIds: 20_000, sessions: 500 } as const;

const slug = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." or "-"');

export const QuestionOption = z.object({ id: slug, text: localizedText(500) });
export type QuestionOption = z.infer<typeof QuestionOption>;

const questionBase = { id: slug, text: localizedText(1000) };
const choices = z.array(QuestionOption).min(2).max(studyLimits.options);

/** Likert items are numbers on a fixed scale; `0-10` and `1-5` are the two the coalitions use. */
export const LikertQuestion = z.object({ type: z.literal('likert'), ...questionBase, scale: z.enum(['0-10', '1-5']) });
export const SingleChoiceQuestion = z.object({ type: z.literal('single'), ...questionBase, options: choices });
export const MultipleChoiceQuestion = z.object({ type: z.literal('multiple'), ...questionBase, options: choices });
/** A ranking orders every option, the first being the most preferred. */
export const RankingQuestion = z.object({ type: z.literal('ranking'), ...questionBase, options: choices });
export const OpenQuestion = z.object({ type: z.literal('open'), ...questionBase });

export const Question = z.discriminatedUnion('type', [LikertQuestion, SingleChoiceQuestion, MultipleChoiceQuestion, RankingQuestion, OpenQuestion]);
export type Question = z.infer<typeof Question>;

const uniqueIds = (items: ReadonlyArray<{ id: string }>) => new Set(items.map((i) => i.id)).size === items.length;

export const QuestionnaireBody = z.object({
  questions: z
    .array(Question)
    .min(1)
    .max(studyLimits.questions)
    .superRefine((questions, ctx) => {
      if (!uniqueIds(questions)) ctx.addIssue({ code: 'custom', message: 'every question needs its own id' });
      questions.forEach((q, i) => {
        if ('options' in q && !uniqueIds(q.options)) ctx.addIssue({ code: 'custom', path: [i, 'options'], message: 'every option needs its own id' });
      });
    }),
});

/** One version of the questionnaire: answers keep the version they answered. */
export const Questionnaire = QuestionnaireBody.extend({ version: z.number().int().min(1), at: z.number() });
export type Questionnaire = z.infer<typeof Questionnaire>;

export const EventIdParams = z.object({ id: slug });

export const CreateEventBody = z.object({
  /** Chosen by the organizer (e.g. `global-day-2027`), or made up when left out. */
  id: slug.optional(),
  title: z.string().trim().min(1).max(200),
  languages: z.array(languageCode).min(1).max(20),
  questionnaire: QuestionnaireBody.optional(),
});
export type CreateEventBody = z.infer<typeof CreateEventBody>;

export const EventSessionsBody = z.object({ sessions: z.array(z.string().min(1).max(64)).min(1).max(studyLimits.sessions) });

export const SampleBody = z.object({
  /** Attributes of the pool whose combinations are the strata (e.g. region × gender). */
  strata: z.array(z.string().min(1).max(64)).max(5),
  /** Share of each stratum drawn into the control arm. */
  controlShare: z.number().min(0).max(1),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
});
export type SampleBody = z.infer<typeof SampleBody>;

/** How an arm matches the pool on one attribute. */
export const AttributeBalance = z.object({
  values: z.array(
    z.object({
      value: z.string(),
      pool: z.object({ count: z.number().int(), share: z.number() }),
      deliberation: z.object({ count: z.number().int(), share: z.number() }),
      control: z.object({ count: z.number().int(), share: z.number() }),
    }),
  ),
  /** The largest difference in share between either arm and the pool, over the values. */
  largestGap: z.number(),
});
export type AttributeBalance = z.infer<typeof AttributeBalance>;

export const SampleResult = z.object({
  deliberation: z.array(z.string()),
  control: z.array(z.string()),
  balance: z.record(z.string(), AttributeBalance),
});
export type SampleResult = z.infer<typeof SampleResult>;

/** Survey-only links for the control arm, for one wave, working between two dates. */
export const ControlLinksBody = z
  .object({ wave: Wave, opensAt: z.iso.datetime({ offset: true }), closesAt: z.iso.datetime({ offset: true }) })
  .refine((b) => Date.parse(b.closesAt) > Date.parse(b.opensAt), { message: 'closesAt must come after opensAt', path: ['closesAt'] });

/** One answer as given: a Likert number, an option id, option ids (chosen, or ranked first to last), or a text. */
export const AnswerValue = z.union([z.number(), z.string().max(studyLimits.openTextChars), z.array(z.string().max(64)).max(studyLimits.options)]);
export type AnswerValue = z.infer<typeof AnswerValue>;

export const SurveyAnswerBody = z.object({ questionId: slug, value: AnswerValue });
export type SurveyAnswerBody = z.infer<typeof SurveyAnswerBody>;

/** The survey as one respondent sees it: every text in their language, with what they already gave. */
export const SurveyView = z.object({
  eventTitle: z.string(),
  wave: Wave,
  language: z.string(),
  version: z.number().int(),
  /** Until when answers may be given or changed (server ms), when known. */
  closesAt: z.number().nullable(),
  open: z.boolean(),
  questions: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['likert', 'single', 'multiple', 'ranking', 'open']),
      text: z.string(),
      scale: z.enum(['0-10', '1-5']).optional(),
      options: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
    }),
  ),
  answers: z.record(z.string(), AnswerValue),
});
export type SurveyView = z.infer<typeof SurveyView>;

export const EraseBody = z.object({ personId: z.string().min(1).max(128) });
export const ReportQuery = z.object({ format: z.enum(['json', 'html']).default('json') });
export const ExportQuery = z.object({ format: z.enum(['csv']).default('csv'), session: z.string().min(1).max(64).optional(), part: z.enum(['answers', 'codebook']).default('answers') });
