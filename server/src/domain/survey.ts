import type { SurveyStep } from '../../../shared/agenda';
import type { Wave } from '../../../shared/study';
import { notAllowed } from './errors';
import { authorize, can, type Actor } from './roles';
import { currentStep, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** The survey step running now, if the current step is one: answers are taken only then. */
export function openSurvey(state: SessionState): SurveyStep | null {
  const step = currentStep(state);
  return step?.kind === 'survey' && (state.status === 'running' || state.status === 'paused') ? step : null;
}

/**
 * The wave a member may answer now, or a refusal: only while a survey step runs, and only people
 * who take part (staff and observers run the step, they do not answer it).
 */
export function surveyWaveFor(state: SessionState, actor: Actor): { wave: Wave; closesAt: number | null } {
  authorize(actor, 'survey.answer');
  const step = openSurvey(state);
  if (!step) throw notAllowed('No survey is open in this session now; answers are taken while a survey step runs.');
  return { wave: step.wave, closesAt: state.endsAt };
}

function respondents(state: SessionState): Record<string, Wave[]> {
  return Object.assign(Object.create(null) as Record<string, Wave[]>, state.surveyRespondents ?? {});
}

/** Marks that a member has answered this wave, so the moderator's response rate counts them (once). */
export function recordSurveyResponse(state: SessionState, actor: Actor, wave: Wave, ctx: Pick<Context, 'now'>): Transition {
  const { wave: open } = surveyWaveFor(state, actor);
  const id = actor.memberId!;
  if (open !== wave || (Object.hasOwn(state.surveyRespondents ?? {}, id) && state.surveyRespondents![id]!.includes(wave))) {
    return { state, events: [], audit: [] };
  }
  return change(state, ctx, actor, 'survey.responded', (d) => {
    const record = respondents(d);
    record[id] = [...(record[id] ?? []), wave];
    d.surveyRespondents = record;
    return { wave };
  });
}

/** During a survey step: how many of the people who take part have answered its wave. */
export function surveyProgress(state: SessionState): { wave: Wave; responded: number; expected: number } | null {
  const step = openSurvey(state);
  if (!step) return null;
  const record = state.surveyRespondents ?? {};
  const expected = Object.values(state.roster).filter((m) => can(m.role, 'survey.answer'));
  const responded = expected.filter((m) => Object.hasOwn(record, m.id) && record[m.id]!.includes(step.wave)).length;
  return { wave: step.wave, responded, expected: expected.length };
}
