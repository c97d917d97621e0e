import { createHmac } from 'node:crypto';
import { textsByLanguage } from '../../../shared/content';
import type { AnswerValue } from '../../../shared/study';
import { toCsv } from '../exports/csv';
import type { PoolMember, StudyEvent, SurveyAnswer } from './event';

/**
 * A stable pseudonymous id: the same person gets the same id in every export of the event, and
 * nobody without the server's signing key can tell who it is or link it to another event.
 */
export function pseudonym(key: string, eventId: string, personId: string): string {
  return `r-${createHmac('sha256', key).update(`${eventId}\u0000${personId}`).digest('hex').slice(0, 16)}`;
}

const cell = (value: AnswerValue) => (Array.isArray(value) ? value.join('|') : value);

/**
 * One row per answer: the pseudonym, arm, session, wave, question, version, value, time, and the
 * person's attributes. No name, email, roster id or link leaves: only what research needs.
 */
export function researchCsv(input: { event: StudyEvent; answers: readonly SurveyAnswer[]; pool: readonly PoolMember[]; key: string }): string {
  const pool = new Map(input.pool.map((p) => [p.id, p]));
  const attributes = [...new Set(input.pool.flatMap((p) => Object.keys(p.attributes)))].sort();
  const header = ['respondent', 'arm', 'session', 'wave', 'question', 'version', 'value', 'answered_at', ...attributes.map((a) => `attr_${a}`)];
  const rows = [...input.answers]
    .sort((a, b) => a.at - b.at)
    .map((a) => {
      const person = pool.get(a.personId);
      return [
        pseudonym(input.key, input.event.id, a.personId),
        a.arm,
        a.sessionId ?? '',
        a.wave,
        a.questionId,
        a.version,
        cell(a.value),
        new Date(a.at).toISOString(),
        ...attributes.map((attr) => (person && Object.hasOwn(person.attributes, attr) ? person.attributes[attr]! : '')),
      ];
    });
  return toCsv(header, rows);
}

/** Every question and option of every questionnaire version, in every language it is given in. */
export function researchCodebook(event: StudyEvent): string {
  const first = event.languages[0] ?? 'en';
  const rows: Array<Array<string | number>> = [];
  for (const q of event.questionnaires) {
    for (const question of q.questions) {
      const scale = question.type === 'likert' ? question.scale : '';
      for (const [language, text] of Object.entries(textsByLanguage(question.text, first))) rows.push([q.version, question.id, question.type, scale, '', language, text]);
      if ('options' in question) {
        for (const option of question.options) {
          for (const [language, text] of Object.entries(textsByLanguage(option.text, first))) rows.push([q.version, question.id, question.type, scale, option.id, language, text]);
        }
      }
    }
  }
  return toCsv(['version', 'question', 'type', 'scale', 'option', 'language', 'text'], rows);
}
