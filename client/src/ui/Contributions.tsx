import { useId, useState } from 'preact/hooks';
import type { GroupView, Seat, SessionView } from '../../../shared/session';
import type { ContributionKind, OwnVotes } from '../../../shared/votes';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from './command';
import { ErrorText } from './ErrorText';
import { groupLabel } from './names';

/** The note taker sends the table's ideas and questions to everyone; the table sees what it sent. */
export function TableContributions({ client, view, group }: { client: SessionClient; view: SessionView; group: GroupView }) {
  const t = useT();
  const ids = { heading: useId(), text: useId(), kind: useId() };
  const [kind, setKind] = useState<ContributionKind>('idea');
  const [text, setText] = useState('');
  const { run, error, busy } = useCommand(client);
  const [sent, setSent] = useState(false);
  const ours = (view.contributions ?? []).filter((c) => c.groupId === group.id && c.stepIndex === view.stepIndex);
  const submit = async (event: Event) => {
    event.preventDefault();
    setSent(false);
    if (await run('contribution:send', { kind, text: text.trim() })) {
      setText('');
      setSent(true);
    }
  };
  return (
    <section class="card contributions" aria-labelledby={ids.heading} data-testid="table-contributions">
      <h2 id={ids.heading}>{t('votes.sendHeading')}</h2>
      <p class="muted">{t('votes.sendLead')}</p>
      <form onSubmit={submit}>
        <fieldset class="kind-choice">
          <legend>{t('votes.kindLegend')}</legend>
          {(['idea', 'question'] as const).map((k) => (
            <label key={k} class="choice">
              <input type="radio" name={ids.kind} value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(`votes.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <label for={ids.text}>{t('votes.textLabel')}</label>
        <textarea id={ids.text} rows={2} maxLength={500} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
        <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
          {t('votes.send')}
        </button>
      </form>
      <p role="status" class="status-text">{sent ? t('votes.sent') : ''}</p>
      <ErrorText error={error} />
      {ours.length > 0 && (
        <ul class="contribution-list" aria-label={t('votes.sentList')}>
          {ours.map((c) => (
            <li key={c.id}>
              <span class="pill">{t(`votes.kind.${c.kind}`)}</span> {c.text}
              {c.upvotes === 0 && c.takenAt === null && (
                <button type="button" class="ghost" disabled={busy} onClick={() => void run('contribution:withdraw', { id: c.id })}>
                  {t('votes.withdraw')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface QuestionsProps {
  client: SessionClient;
  view: SessionView;
  seat: Seat;
  ownVotes: OwnVotes | null;
  /** Moderators take questions to the speakers. */
  moderate?: boolean;
}

/** The tables' questions, most wanted first: everyone upvotes, the moderator takes the next one. */
export function Questions({ client, view, seat, ownVotes, moderate = false }: QuestionsProps) {
  const t = useT();
  const headingId = useId();
  const { run, error, busy } = useCommand(client);
  const questions = (view.contributions ?? []).filter((c) => c.kind === 'question');
  if (questions.length === 0) return null;
  const open = questions.filter((q) => q.takenAt === null).sort((a, b) => b.upvotes - a.upvotes || a.at - b.at);
  const taken = questions.filter((q) => q.takenAt !== null).sort((a, b) => b.takenAt! - a.takenAt!);
  const mayUpvote = !moderate && seat.role !== 'observer' && view.status !== 'ended';
  const upvoted = new Set(ownVotes?.upvoted ?? []);
  return (
    <section class="card questions-list" aria-labelledby={headingId} data-testid="questions-list">
      <h2 id={headingId}>{t('votes.questionsHeading')}</h2>
      <ol>
        {open.map((q) => (
          <li key={q.id} data-question={q.id}>
            <span class="question-text">{q.text}</span>
            <span class="muted"> — {groupLabel(t, q.groupId)}</span>
            <span class="upvotes" data-testid="upvotes">{t('votes.upvotes', { count: q.upvotes })}</span>
            {mayUpvote && (
              <button
                type="button"
                class="secondary"
                aria-pressed={upvoted.has(q.id)}
                disabled={busy}
                onClick={() => void run('question:upvote', { id: q.id, up: !upvoted.has(q.id) })}
              >
                {t(upvoted.has(q.id) ? 'votes.upvoted' : 'votes.upvote')}
                {/* Heard, not seen: which question the button is for (the visible words start its name). */}
                <span class="visually-hidden">: {q.text}</span>
              </button>
            )}
            {moderate && (
              <button type="button" class="secondary" disabled={busy} aria-label={t('votes.takeLabel', { question: q.text })} onClick={() => void run('question:take', { id: q.id, taken: true })}>
                {t('votes.take')}
              </button>
            )}
          </li>
        ))}
      </ol>
      {taken.length > 0 && (
        <>
          <h3>{t('votes.takenHeading')}</h3>
          <ul>
            {taken.map((q) => (
              <li key={q.id} class="taken">
                {q.text}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorText error={error} />
    </section>
  );
}
