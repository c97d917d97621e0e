import { resolveText } from '../../../shared/content';
import type { Question, Questionnaire, Wave } from '../../../shared/study';
import type { Arm, PoolMember, SurveyAnswer } from './event';

/** n, mean and sample standard deviation (n − 1) of one arm in one wave. */
export interface Summary {
  n: number;
  mean: number;
  sd: number | null;
}

export interface ArmChange {
  T1: Summary | null;
  T2: Summary | null;
  /** mean(T2) − mean(T1). */
  change: number | null;
  /** √(s²₁/n₁ + s²₂/n₂): the two waves as independent samples (respondents may differ between them). */
  se: number | null;
}

export interface Interval {
  estimate: number;
  se: number | null;
  low: number | null;
  high: number | null;
}

/** One figure of a question: its mean (Likert), an option's share (choices), an option's mean rank (ranking). */
export interface Measure {
  kind: 'mean' | 'share' | 'mean-rank';
  option: string | null;
  label: string;
  arms: Record<Arm, ArmChange>;
  /** Difference in differences: change(deliberation) − change(control), with its 95% interval. */
  did: Interval | null;
}

export interface QuestionResult {
  id: string;
  type: Question['type'];
  text: string;
  /** The questionnaire versions the counted answers gave. */
  versions: number[];
  /** People who answered, per arm and wave. */
  respondents: Record<Arm, Record<Wave, number>>;
  measures: Measure[];
}

export interface Representativeness {
  /** T1 respondents of both arms. */
  respondents: number;
  pool: number;
  attributes: Record<string, { values: Array<{ value: string; pool: { count: number; share: number }; respondents: { count: number; share: number } }>; largestGap: number }>;
}

export interface StudyResults {
  method: string;
  questions: QuestionResult[];
  representativeness: Representativeness;
}

/** z for a two-sided 95% interval under the normal approximation. */
const z95 = 1.959963984540054;

export const resultsMethod =
  'For each arm, change = mean(T2) − mean(T1), with SE = √(s²T1/nT1 + s²T2/nT2) (sample variances, waves taken as independent samples). ' +
  'Difference in differences = change(deliberation) − change(control), SE = √(SE²deliberation + SE²control), 95% interval = estimate ± 1.96 × SE (normal approximation). ' +
  'Choices: the share choosing each option (a 0/1 score per respondent). Rankings: the mean rank of each option (1 = first). Open answers are counted, not scored.';

export function summarize(values: readonly number[]): Summary | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd };
}

export function armChange(t1: readonly number[], t2: readonly number[]): ArmChange {
  const T1 = summarize(t1);
  const T2 = summarize(t2);
  const change = T1 && T2 ? T2.mean - T1.mean : null;
  const se = T1?.sd != null && T2?.sd != null ? Math.sqrt(T1.sd ** 2 / T1.n + T2.sd ** 2 / T2.n) : null;
  return { T1, T2, change, se };
}

export function differenceInDifferences(deliberation: ArmChange, control: ArmChange): Interval | null {
  if (deliberation.change === null || control.change === null) return null;
  const estimate = deliberation.change - control.change;
  const se = deliberation.se !== null && control.se !== null ? Math.sqrt(deliberation.se ** 2 + control.se ** 2) : null;
  return { estimate, se, low: se === null ? null : estimate - z95 * se, high: se === null ? null : estimate + z95 * se };
}

/** The score one answer gives a measure, or null when it says nothing about it. */
type Scorer = (value: SurveyAnswer['value']) => number | null;

function scorers(question: Question, language: string): Array<{ kind: Measure['kind']; option: string | null; label: string; score: Scorer }> {
  const text = (t: Question['text']) => resolveText(t, language, language).text;
  switch (question.type) {
    case 'likert':
      return [{ kind: 'mean', option: null, label: `mean (${question.scale})`, score: (v) => (typeof v === 'number' ? v : null) }];
    case 'single':
      return question.options.map((o) => ({ kind: 'share', option: o.id, label: text(o.text), score: (v) => (typeof v === 'string' ? (v === o.id ? 1 : 0) : null) }));
    case 'multiple':
      return question.options.map((o) => ({ kind: 'share', option: o.id, label: text(o.text), score: (v) => (Array.isArray(v) ? (v.includes(o.id) ? 1 : 0) : null) }));
    case 'ranking':
      return question.options.map((o) => ({
        kind: 'mean-rank',
        option: o.id,
        label: text(o.text),
        score: (v) => (Array.isArray(v) && v.includes(o.id) ? v.indexOf(o.id) + 1 : null),
      }));
    case 'open':
      return [];
  }
}

const arms: Arm[] = ['deliberation', 'control'];

/** Every figure of the report, from the answers as stored (the last answer of each person counts). */
export function studyResults(input: { questionnaire: Questionnaire; answers: readonly SurveyAnswer[]; pool: readonly PoolMember[]; language: string }): StudyResults {
  const questions = input.questionnaire.questions.map((question): QuestionResult => {
    const given = input.answers.filter((a) => a.questionId === question.id);
    const of = (arm: Arm, wave: Wave) => given.filter((a) => a.arm === arm && a.wave === wave);
    const respondents = Object.fromEntries(arms.map((arm) => [arm, { T1: of(arm, 'T1').length, T2: of(arm, 'T2').length }])) as QuestionResult['respondents'];
    const measures = scorers(question, input.language).map(({ kind, option, label, score }): Measure => {
      const scores = (arm: Arm, wave: Wave) => of(arm, wave).map((a) => score(a.value)).filter((s): s is number => s !== null);
      const changes = Object.fromEntries(arms.map((arm) => [arm, armChange(scores(arm, 'T1'), scores(arm, 'T2'))])) as Record<Arm, ArmChange>;
      return { kind, option, label, arms: changes, did: differenceInDifferences(changes.deliberation, changes.control) };
    });
    return {
      id: question.id,
      type: question.type,
      text: resolveText(question.text, input.language, input.language).text,
      versions: [...new Set(given.map((a) => a.version))].sort((a, b) => a - b),
      respondents,
      measures,
    };
  });
  return { method: resultsMethod, questions, representativeness: representativeness(input.pool, input.answers) };
}

/** How the people who answered at T1 compare with the recruited pool on every attribute. */
export function representativeness(pool: readonly PoolMember[], answers: readonly SurveyAnswer[]): Representativeness {
  const t1 = new Set(answers.filter((a) => a.wave === 'T1').map((a) => a.personId));
  const respondents = pool.filter((p) => t1.has(p.id));
  const attributes: Representativeness['attributes'] = Object.create(null);
  for (const attribute of [...new Set(pool.flatMap((p) => Object.keys(p.attributes)))].sort()) {
    const value = (p: PoolMember) => (Object.hasOwn(p.attributes, attribute) ? p.attributes[attribute]! : '');
    const tally = (people: readonly PoolMember[], v: string) => {
      const count = people.filter((p) => value(p) === v).length;
      return { count, share: people.length === 0 ? 0 : count / people.length };
    };
    const values = [...new Set(pool.map(value))].sort().map((v) => ({ value: v, pool: tally(pool, v), respondents: tally(respondents, v) }));
    attributes[attribute] = { values, largestGap: Math.max(0, ...values.map((v) => Math.abs(v.respondents.share - v.pool.share))) };
  }
  return { respondents: respondents.length, pool: pool.length, attributes };
}
