import { z } from 'zod';
import { TextAudio, audioWithoutText, localizedText } from './content';

/** Minutes before the end of a step at which everyone in it is warned. */
export const defaultWarningMinutes = [5, 1];

const stepBase = {
  title: localizedText(200),
  minutes: z.number().positive().max(24 * 60),
  /** `auto`: the next step begins when this one reaches zero; `hold`: stays at zero until the moderator moves on. */
  advance: z.enum(['auto', 'hold']).default('hold'),
  warnings: z.array(z.number().positive().max(24 * 60)).max(5).default(defaultWarningMinutes),
  note: localizedText(2000).optional(),
  audio: TextAudio.optional(),
};

export const PlenaryStep = z.object({
  kind: z.literal('plenary'),
  ...stepBase,
  /** Roster ids of the people who may speak; everyone else listens. */
  speakers: z.array(z.string()).max(50).default([]),
});

export const BreakoutStep = z.object({
  kind: z.literal('breakout'),
  ...stepBase,
  questions: z.array(localizedText(1000)).max(20).default([]),
  groupSize: z.number().int().min(3).max(12).default(5),
  /**
   * No group smaller than this while the roster allows it (default 3; at most `groupSize`). Set 1
   * or 2 to allow small groups; people whose language could not fill one are otherwise seated by
   * the language rule (README, "Breakout groups").
   */
  minGroupSize: z.number().int().min(1).max(12).optional(),
  /** `new`: fresh groups for this step; `keep`: the groups of the previous breakout. */
  groups: z.enum(['new', 'keep']).default('new'),
  /**
   * Seconds every room is warned before it closes when the agenda moves on from this breakout
   * (default 60; 0 closes at once). The moderator may close at once or keep the rooms open.
   */
  closeSeconds: z.number().int().min(0).max(600).optional(),
});

/**
 * The event's questionnaire, answered by everyone on their own device while the step runs: `T1`
 * before the first plenary, `T2` after the last. Answers can be changed until the step ends.
 */
export const SurveyStep = z.object({
  kind: z.literal('survey'),
  ...stepBase,
  wave: z.enum(['T1', 'T2']),
});

/**
 * Everyone together votes with a timer: on the ideas the tables sent (no `options`), or on the
 * options given here. Approval: tick up to `maxChoices`; ranking: order up to `maxChoices`, best first.
 */
export const VoteStep = z.object({
  kind: z.literal('vote'),
  ...stepBase,
  method: z.enum(['approval', 'ranking']).default('approval'),
  options: z.array(localizedText(300)).max(50).default([]),
  maxChoices: z.number().int().min(1).max(50).optional(),
});

/** Rooms close this long after the agenda moves on from a breakout, unless the step says otherwise. */
export const defaultCloseSeconds = 60;

/** Step kinds are a discriminated union: a new kind slots in beside these. */
export const AgendaStep = z.discriminatedUnion('kind', [PlenaryStep, BreakoutStep, SurveyStep, VoteStep]);
export type AgendaStep = z.infer<typeof AgendaStep>;
export type AgendaStepInput = z.input<typeof AgendaStep>;
export type PlenaryStep = z.infer<typeof PlenaryStep>;
export type BreakoutStep = z.infer<typeof BreakoutStep>;
export type SurveyStep = z.infer<typeof SurveyStep>;
export type VoteStep = z.infer<typeof VoteStep>;

export const Agenda = z
  .array(AgendaStep)
  .min(1)
  .max(100)
  .superRefine((steps, ctx) => {
    steps.forEach((step, i) => {
      for (const path of audioWithoutText(step)) {
        ctx.addIssue({ code: 'custom', path: [i, 'audio', path], message: `this step has no text "${path}" to record` });
      }
      if (step.kind === 'breakout' && step.minGroupSize !== undefined && step.minGroupSize > step.groupSize) {
        ctx.addIssue({ code: 'custom', path: [i, 'minGroupSize'], message: `the smallest group (${step.minGroupSize}) cannot be larger than the group size (${step.groupSize})` });
      }
    });
  });

/**
 * A step as one person sees it: every text in one language (theirs, or the session's first where it
 * is not translated yet). `untranslated` names the texts shown in another language than the
 * person's; `translations` (staff and observers only) holds every language each text is given in.
 */
const viewTexts = {
  title: z.string(),
  note: z.string().optional(),
  untranslated: z.array(z.string()).default([]),
  /** The organizer's recording of each text in the language it is shown in, by `title`, `note`, `questions.<n>`. */
  audio: z.record(z.string(), z.string()).optional(),
  translations: z
    .object({
      title: z.record(z.string(), z.string()),
      note: z.record(z.string(), z.string()).optional(),
      questions: z.array(z.record(z.string(), z.string())).optional(),
      options: z.array(z.record(z.string(), z.string())).optional(),
    })
    .optional(),
};
export const ViewStep = z.discriminatedUnion('kind', [
  PlenaryStep.extend(viewTexts),
  BreakoutStep.extend({ ...viewTexts, questions: z.array(z.string()) }),
  SurveyStep.extend(viewTexts),
  VoteStep.extend({ ...viewTexts, options: z.array(z.string()) }),
]);
export type ViewStep = z.infer<typeof ViewStep>;
