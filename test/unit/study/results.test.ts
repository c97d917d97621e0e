import { describe, expect, it } from 'vitest';
import type { Questionnaire } from '../../../shared/study';
import type { Arm, PoolMember, SurveyAnswer } from '../../../server/src/study/event';
import { studyResults } from '../../../server/src/study/results';

const questionnaire: Questionnaire = {
  version: 1,
  at: 0,
  questions: [
    { type: 'likert', id: 'trust', text: { en: 'Trust in parliament', fr: 'Confiance' }, scale: '0-10' },
    { type: 'single', id: 'policy', text: 'Preferred policy', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] },
    { type: 'open', id: 'why', text: 'Why?' },
  ],
};

function answer(personId: string, arm: Arm, wave: 'T1' | 'T2', questionId: string, value: SurveyAnswer['value']): SurveyAnswer {
  return { eventId: 'e', personId, arm, wave, questionId, value, version: 1, sessionId: arm === 'control' ? null : 's', at: 0 };
}

// Deliberators d1, d2; control c1, c2, c3.
const likert: Array<[string, Arm, number, number]> = [
  ['d1', 'deliberation', 4, 7],
  ['d2', 'deliberation', 6, 9],
  ['c1', 'control', 5, 6],
  ['c2', 'control', 5, 6],
  ['c3', 'control', 8, 9],
];
const choice: Array<[string, Arm, string, string]> = [
  ['d1', 'deliberation', 'a', 'a'],
  ['d2', 'deliberation', 'b', 'a'],
  ['c1', 'control', 'a', 'a'],
  ['c2', 'control', 'b', 'b'],
  ['c3', 'control', 'b', 'b'],
];
const answers = [
  ...likert.flatMap(([p, arm, t1, t2]) => [answer(p, arm, 'T1', 'trust', t1), answer(p, arm, 'T2', 'trust', t2)]),
  ...choice.flatMap(([p, arm, t1, t2]) => [answer(p, arm, 'T1', 'policy', t1), answer(p, arm, 'T2', 'policy', t2)]),
  answer('d1', 'deliberation', 'T1', 'why', 'because'),
];
const person = (id: string, region: string): PoolMember => ({ id, name: '', languages: ['en'], role: 'participant', attributes: { region } });
// Six in the pool, four of them north; x6 never answered.
const pool = [person('d1', 'north'), person('d2', 'south'), person('c1', 'north'), person('c2', 'north'), person('c3', 'south'), person('x6', 'north')];

describe('study results, against figures worked out by hand', () => {
  const results = studyResults({ questionnaire, answers, pool, language: 'en' });

  it('gives means, the change per arm, and the difference in differences with its interval (Likert)', () => {
    const [trust] = results.questions[0]!.measures;
    const d = trust!.arms.deliberation;
    const c = trust!.arms.control;
    // Deliberation: T1 4, 6 → mean 5, s² 2; T2 7, 9 → mean 8, s² 2; change 3, SE √(2/2 + 2/2) = √2.
    expect(d.T1).toEqual({ n: 2, mean: 5, sd: Math.sqrt(2) });
    expect(d.T2!.mean).toBe(8);
    expect(d.change).toBe(3);
    expect(d.se).toBeCloseTo(Math.SQRT2, 12);
    // Control: T1 5, 5, 8 → mean 6, s² 3; T2 6, 6, 9 → mean 7, s² 3; change 1, SE √(3/3 + 3/3) = √2.
    expect(c.T1!.mean).toBe(6);
    expect(c.T1!.sd).toBeCloseTo(Math.sqrt(3), 12);
    expect(c.change).toBe(1);
    expect(c.se).toBeCloseTo(Math.SQRT2, 12);
    // DiD = 3 − 1 = 2, SE = √(2 + 2) = 2, 95% interval 2 ± 1.96 × 2.
    expect(trust!.did!.estimate).toBe(2);
    expect(trust!.did!.se).toBeCloseTo(2, 12);
    expect(trust!.did!.low).toBeCloseTo(-1.919928, 5);
    expect(trust!.did!.high).toBeCloseTo(5.919928, 5);
    expect(results.questions[0]!.respondents).toEqual({ deliberation: { T1: 2, T2: 2 }, control: { T1: 3, T2: 3 } });
  });

  it('gives the share choosing each option, its change and the difference in differences (single choice)', () => {
    const a = results.questions[1]!.measures.find((m) => m.option === 'a')!;
    // Deliberation: a at T1 1 of 2, at T2 2 of 2: change 0.5, SE √(0.5/2 + 0/2) = 0.5.
    expect(a.arms.deliberation.T1!.mean).toBe(0.5);
    expect(a.arms.deliberation.change).toBe(0.5);
    expect(a.arms.deliberation.se).toBeCloseTo(0.5, 12);
    // Control: 1 of 3 both times: change 0, s² 1/3 each wave, SE √(1/9 + 1/9).
    expect(a.arms.control.change).toBeCloseTo(0, 12);
    expect(a.arms.control.se).toBeCloseTo(Math.sqrt(2) / 3, 12);
    // DiD 0.5, SE √(1/4 + 2/9) = √(17/36).
    expect(a.did!.estimate).toBeCloseTo(0.5, 12);
    expect(a.did!.se).toBeCloseTo(Math.sqrt(17 / 36), 12);
    expect(a.did!.low).toBeCloseTo(0.5 - 1.959964 * Math.sqrt(17 / 36), 5);
  });

  it('counts open answers without scoring them, and states the formula', () => {
    expect(results.questions[2]!.measures).toEqual([]);
    expect(results.questions[2]!.respondents.deliberation.T1).toBe(1);
    expect(results.method).toContain('√(SE²deliberation + SE²control)');
  });

  it('compares the T1 respondents with the pool', () => {
    // Five of six answered at T1: north 3 of 5 (0.6) against 4 of 6 in the pool.
    const { representativeness } = results;
    expect(representativeness.respondents).toBe(5);
    expect(representativeness.pool).toBe(6);
    const north = representativeness.attributes.region!.values.find((v) => v.value === 'north')!;
    expect(north.respondents).toEqual({ count: 3, share: 0.6 });
    expect(north.pool.share).toBeCloseTo(4 / 6, 12);
    expect(representativeness.attributes.region!.largestGap).toBeCloseTo(4 / 6 - 0.6, 12);
  });

  it('gives no interval when an arm has fewer than two answers in a wave', () => {
    const few = studyResults({ questionnaire, answers: answers.filter((a) => a.personId !== 'd2'), pool, language: 'en' });
    const trust = few.questions[0]!.measures[0]!;
    expect(trust.did!.estimate).toBe(3 - 1);
    expect(trust.did!.se).toBeNull();
    expect(trust.did!.low).toBeNull();
  });
});
