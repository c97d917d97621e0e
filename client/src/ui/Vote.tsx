import { useEffect, useId, useState } from 'preact/hooks';
import type { Seat } from '../../../shared/session';
import type { OwnVotes, VoteView } from '../../../shared/votes';
import { useT } from '../i18n/i18n';
import type { SessionClient } from '../live/session-client';
import { useCommand } from './command';
import { ErrorText } from './ErrorText';
import { takesPart } from './names';

interface Props {
  client: SessionClient;
  vote: VoteView;
  seat: Seat;
  ownVotes: OwnVotes | null;
}

/**
 * One person's ballot: tick up to the limit (approval) or put options in order (ranking, best
 * first, with buttons to move them: no dragging needed). It can be changed until the step closes.
 */
export function Ballot({ client, vote, seat, ownVotes }: Props) {
  const t = useT();
  const headingId = useId();
  const given = ownVotes?.ballots[String(vote.stepIndex)] ?? [];
  const [choices, setChoices] = useState<string[]>(given);
  const { run, error, busy } = useCommand(client);
  const [saved, setSaved] = useState(false);
  // The server's record wins when it arrives (another tab, a reconnect).
  useEffect(() => setChoices(given), [given.join(' ')]);
  if (!vote.open || !takesPart(seat.role)) return null;
  const ranking = vote.method === 'ranking';
  const full = choices.length >= vote.maxChoices;
  const toggle = (id: string) => {
    setSaved(false);
    setChoices((c) => (c.includes(id) ? c.filter((x) => x !== id) : c.length < vote.maxChoices ? [...c, id] : c));
  };
  const move = (id: string, by: -1 | 1) => {
    setSaved(false);
    setChoices((c) => {
      const at = c.indexOf(id);
      const to = at + by;
      if (at < 0 || to < 0 || to >= c.length) return c;
      const next = [...c];
      [next[at], next[to]] = [next[to]!, next[at]!];
      return next;
    });
  };
  const text = (id: string) => vote.options.find((o) => o.id === id)?.text ?? id;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await run('vote:cast', { stepIndex: vote.stepIndex, choices })) setSaved(true);
  };
  return (
    <section class="card ballot" aria-labelledby={headingId} data-testid="ballot">
      <h2 id={headingId}>{t('votes.ballotHeading')}</h2>
      <p class="muted">{t(ranking ? 'votes.rankingHelp' : 'votes.approvalHelp', { count: vote.maxChoices })}</p>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('votes.optionsLegend')}</legend>
          {vote.options.map((o) => (
            <label key={o.id} class="choice">
              <input type="checkbox" checked={choices.includes(o.id)} disabled={!choices.includes(o.id) && full} onChange={() => toggle(o.id)} />
              {o.text}
            </label>
          ))}
        </fieldset>
        {ranking && choices.length > 0 && (
          <ol class="ranking" aria-label={t('votes.yourOrder')}>
            {choices.map((id, i) => (
              <li key={id}>
                <span>{text(id)}</span>
                <button type="button" class="ghost" disabled={i === 0} aria-label={t('votes.moveUp', { option: text(id) })} onClick={() => move(id, -1)}>
                  ↑
                </button>
                <button type="button" class="ghost" disabled={i === choices.length - 1} aria-label={t('votes.moveDown', { option: text(id) })} onClick={() => move(id, 1)}>
                  ↓
                </button>
              </li>
            ))}
          </ol>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {given.length > 0 ? t('votes.change') : t('votes.cast')}
        </button>
      </form>
      <p role="status" class="status-text" data-testid="ballot-status">
        {saved ? (choices.length > 0 ? t('votes.saved') : t('votes.withdrawn')) : given.length > 0 ? t('votes.youVoted') : ''}
      </p>
      <ErrorText error={error} />
    </section>
  );
}

/** Live results as bars, and the same figures as a table for screen readers and print. */
export function VoteResults({ vote }: { vote: VoteView }) {
  const t = useT();
  const headingId = useId();
  const ranking = vote.method === 'ranking';
  const score = (o: VoteView['options'][number]) => (ranking ? (o.points ?? 0) : o.count);
  const top = Math.max(1, ...vote.options.map(score));
  const sorted = [...vote.options].sort((a, b) => score(b) - score(a));
  return (
    <section class="card vote-results" aria-labelledby={headingId} data-testid="vote-results">
      <h2 id={headingId}>{t(vote.open ? 'votes.liveResults' : 'votes.finalResults')}</h2>
      <p class="muted">{t('votes.ballots', { count: vote.ballots })}</p>
      <div class="bars" aria-hidden="true">
        {sorted.map((o) => (
          <div key={o.id} class="bar-row">
            <span class="bar-label">{o.text}</span>
            <span class="bar" style={{ inlineSize: `${(100 * score(o)) / top}%` }} />
            <span class="bar-value">{score(o)}</span>
          </div>
        ))}
      </div>
      <table class="results-table">
        <caption>{t('votes.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('votes.option')}</th>
            <th scope="col">{t(ranking ? 'votes.ranked' : 'votes.approvals')}</th>
            {ranking && <th scope="col">{t('votes.points')}</th>}
            {ranking && <th scope="col">{t('votes.firsts')}</th>}
          </tr>
        </thead>
        <tbody>
          {sorted.map((o) => (
            <tr key={o.id}>
              <th scope="row">{o.text}</th>
              <td>{o.count}</td>
              {ranking && <td>{o.points}</td>}
              {ranking && <td>{o.first}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
