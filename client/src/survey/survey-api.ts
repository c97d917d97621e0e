import { SurveyView, type AnswerValue } from '../../../shared/study';
import { ErrorResponse } from '../../../shared/api';

export type SurveyLoad = { ok: true; survey: SurveyView } | { ok: false; code: string };

/** The survey open for this token now (a session invitation during a survey step, or a survey-only link). */
export async function loadSurvey(origin: string, token: string): Promise<SurveyLoad> {
  try {
    const response = await fetch(`${origin}/api/survey`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    const body: unknown = await response.json();
    if (response.ok) return { ok: true, survey: SurveyView.parse(body) };
    const error = ErrorResponse.safeParse(body);
    return { ok: false, code: error.success ? error.data.error.code : 'INTERNAL' };
  } catch {
    return { ok: false, code: 'OFFLINE' };
  }
}

/** Saves one answer; resolves true once the server acknowledged it (false: offline or refused, kept to retry). */
export async function saveAnswer(origin: string, token: string, questionId: string, value: AnswerValue): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/api/survey/answers`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionId, value }),
    });
    return response.ok;
  } catch {
    return false;
  }
}
