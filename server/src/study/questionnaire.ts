import { resolveText } from '../../../shared/content';
import type { AnswerValue, Question, Questionnaire, SurveyView } from '../../../shared/study';
import { badInput, notFound } from '../domain/errors';

const likertRange = { '0-10': [0, 10], '1-5': [1, 5] } as const;

/**
 * The answer as stored, or BAD_INPUT saying what the question takes: a whole number on the Likert
 * scale, one option id, distinct option ids, every option id once in order, or a text.
 */
export function checkAnswer(question: Question, value: AnswerValue): AnswerValue {
  const wrong = (problem: string) => badInput(`That is not an answer to "${question.id}": ${problem}.`, [{ field: 'value', problem }]);
  switch (question.type) {
    case 'likert': {
      const [min, max] = likertRange[question.scale];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw wrong(`a whole number from ${min} to ${max}`);
      return value;
    }
    case 'single': {
      if (typeof value !== 'string' || !question.options.some((o) => o.id === value)) throw wrong('one of the option ids');
      return value;
    }
    case 'multiple': {
      const ids = new Set(question.options.map((o) => o.id));
      if (!Array.isArray(value) || value.some((v) => !ids.has(v)) || new Set(value).size !== value.length) throw wrong('distinct option ids');
      return value;
    }
    case 'ranking': {
      const ids = question.options.map((o) => o.id);
      if (!Array.isArray(value) || value.length !== ids.length || new Set(value).size !== ids.length || value.some((v) => !ids.includes(v))) {
        throw wrong('every option id once, the most preferred first');
      }
      return value;
    }
    case 'open': {
      if (typeof value !== 'string') throw wrong('a text');
      return value.trim();
    }
  }
}

export function questionOf(questionnaire: Questionnaire, questionId: string): Question {
  const question = questionnaire.questions.find((q) => q.id === questionId);
  if (!question) throw notFound(`The questionnaire (version ${questionnaire.version}) has no question "${questionId}".`);
  return question;
}

/** The questions with their texts in `language`, else the event's first language. */
export function questionsIn(questionnaire: Questionnaire, language: string, firstLanguage: string): SurveyView['questions'] {
  const text = (t: Question['text']) => resolveText(t, language, firstLanguage).text;
  return questionnaire.questions.map((q) => ({
    id: q.id,
    type: q.type,
    text: text(q.text),
    ...(q.type === 'likert' ? { scale: q.scale } : {}),
    ...('options' in q ? { options: q.options.map((o) => ({ id: o.id, text: text(o.text) })) } : {}),
  }));
}

/** Every text of the questionnaire not given in each of the event's languages. */
export function untranslatedTexts(questionnaire: Questionnaire, languages: readonly string[]): Array<{ question: string; option?: string; missing: string[] }> {
  const first = languages[0] ?? 'en';
  const missing = (t: Question['text']) => (typeof t === 'string' ? languages.filter((l) => l !== first) : languages.filter((l) => t[l] === undefined));
  return questionnaire.questions.flatMap((q) => [
    { question: q.id, missing: missing(q.text) },
    ...('options' in q ? q.options.map((o) => ({ question: q.id, option: o.id, missing: missing(o.text) })) : []),
  ]).filter((t) => t.missing.length > 0);
}
