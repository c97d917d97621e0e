import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AnswerValue, SurveyView } from '../../../shared/study';
import { useT } from '../i18n/i18n';
import { loadSurvey, saveAnswer } from './survey-api';

type Question = SurveyView['questions'][number];
type Status = 'saving' | 'saved' | 'unsaved';

/**
 * The questionnaire on the respondent's own device. Each answer is sent as it is given and marked
 * saved once the server acknowledges it; one that could not be sent is kept and sent again as soon
 * as the browser is back online, so a dropped connection loses nothing.
 */
export function SurveyForm({ token, origin = window.location.origin }: { token: string; origin?: string }) {
  const t = useT();
  const [survey, setSurvey] = useState<SurveyView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [answers, setAnswers] = useState<Record<string, AnswerValue>>({});
  const [status, setStatus] = useState<Record<string, Status>>({});
  const pending = useRef(new Map<string, AnswerValue>());

  useEffect(() => {
    let live = true;
    void loadSurvey(origin, token).then((loaded) => {
      if (!live) return;
      if (loaded.ok) {
        setSurvey(loaded.survey);
        // What this device still holds unsent wins over what the server has.
        setAnswers({ ...loaded.survey.answers, ...Object.fromEntries(pending.current) });
        setStatus(Object.fromEntries(Object.keys(loaded.survey.answers).map((id) => [id, 'saved' as Status])));
      } else setProblem(loaded.code);
    });
    return () => {
      live = false;
    };
  }, [origin, token]);

  const send = async (questionId: string, value: AnswerValue) => {
    pending.current.set(questionId, value);
    setStatus((s) => ({ ...s, [questionId]: 'saving' }));
    const ok = await saveAnswer(origin, token, questionId, value);
    // A later answer to the same question may have been given meanwhile: only the last one is settled.
    if (pending.current.get(questionId) !== value) return;
    if (ok) pending.current.delete(questionId);
    setStatus((s) => ({ ...s, [questionId]: ok ? 'saved' : 'unsaved' }));
  };

  useEffect(() => {
    const retry = () => {
      for (const [id, value] of pending.current) void send(id, value);
    };
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  });

  const answer = (questionId: string, value: AnswerValue) => {
    setAnswers((a) => ({ ...a, [questionId]: value }));
    void send(questionId, value);
  };

  if (problem) {
    return (
      <p class="survey-problem" role="alert" data-testid="survey-problem">
        {t(`survey.problem.${['NOT_ALLOWED', 'LINK_EXPIRED', 'UNAUTHORIZED', 'OFFLINE'].includes(problem) ? problem : 'other'}`)}
      </p>
    );
  }
  if (!survey) return <p>{t('app.loading')}</p>;
  const done = survey.questions.filter((q) => answers[q.id] !== undefined).length;
  return (
    <form class="survey" data-testid="survey" data-wave={survey.wave} onSubmit={(e) => e.preventDefault()}>
      <p class="lead">{t('survey.intro', { count: survey.questions.length })}</p>
      <p data-testid="survey-progress">{t('survey.progress', { done, total: survey.questions.length })}</p>
      {survey.questions.map((q, i) => (
        <QuestionField key={q.id} index={i} question={q} value={answers[q.id]} status={status[q.id]} onAnswer={(v) => answer(q.id, v)} />
      ))}
    </form>
  );
}

function QuestionField({ index, question, value, status, onAnswer }: { index: number; question: Question; value: AnswerValue | undefined; status: Status | undefined; onAnswer: (v: AnswerValue) => void }) {
  const t = useT();
  const id = useId();
  const legend = `${index + 1}. ${question.text}`;
  const state = (
    <p class="survey-status" aria-live="polite" data-testid={`status-${question.id}`} data-status={status ?? 'none'}>
      {status ? t(`survey.status.${status}`) : ''}
    </p>
  );
  if (question.type === 'open') {
    return (
      <div class="survey-question" data-question={question.id}>
        <label for={id}>{legend}</label>
        <textarea id={id} rows={4} maxLength={4000} value={typeof value === 'string' ? value : ''} onChange={(e) => onAnswer(e.currentTarget.value)} />
        {state}
      </div>
    );
  }
  if (question.type === 'ranking') return <RankingField legend={legend} question={question} value={value} state={state} onAnswer={onAnswer} />;
  const choices =
    question.type === 'likert'
      ? Array.from({ length: question.scale === '0-10' ? 11 : 5 }, (_, i) => {
          const n = question.scale === '0-10' ? i : i + 1;
          return { id: String(n), text: String(n), value: n as AnswerValue };
        })
      : (question.options ?? []).map((o) => ({ id: o.id, text: o.text, value: o.id as AnswerValue }));
  const multiple = question.type === 'multiple';
  const chosen = (v: AnswerValue) => (multiple ? Array.isArray(value) && value.includes(v as string) : value === v);
  return (
    <fieldset class={`survey-question${question.type === 'likert' ? ' likert' : ''}`} data-question={question.id}>
      <legend>{legend}</legend>
      {question.type === 'likert' && <p class="hint">{t(`survey.scale.${question.scale}`)}</p>}
      <div class="choices">
        {choices.map((c) => (
          <label key={c.id} class="choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name={id}
              checked={chosen(c.value)}
              onChange={(e) => {
                if (!multiple) return onAnswer(c.value);
                const now = new Set(Array.isArray(value) ? value : []);
                if (e.currentTarget.checked) now.add(c.id);
                else now.delete(c.id);
                onAnswer((question.options ?? []).map((o) => o.id).filter((o) => now.has(o)));
              }}
            />
            <span>{c.text}</span>
          </label>
        ))}
      </div>
      {state}
    </fieldset>
  );
}

function RankingField({ legend, question, value, state, onAnswer }: { legend: string; question: Question; value: AnswerValue | undefined; state: preact.JSX.Element; onAnswer: (v: AnswerValue) => void }) {
  const t = useT();
  const options = question.options ?? [];
  const order = Array.isArray(value) && value.length === options.length ? value : options.map((o) => o.id);
  const text = (id: string) => options.find((o) => o.id === id)?.text ?? id;
  const move = (from: number, to: number) => {
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onAnswer(next);
  };
  return (
    <fieldset class="survey-question ranking" data-question={question.id}>
      <legend>{legend}</legend>
      <p class="hint">{t('survey.rankingHint')}</p>
      <ol>
        {order.map((id, i) => (
          <li key={id}>
            <span>{text(id)}</span>
            <button type="button" disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t('survey.moveUp', { option: text(id) })}>
              ↑
            </button>
            <button type="button" disabled={i === order.length - 1} onClick={() => move(i, i + 1)} aria-label={t('survey.moveDown', { option: text(id) })}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      {!Array.isArray(value) && (
        <button type="button" onClick={() => onAnswer(order)}>
          {t('survey.keepOrder')}
        </button>
      )}
      {state}
    </fieldset>
  );
}
