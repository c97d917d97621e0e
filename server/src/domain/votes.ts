import type { VoteStep } from '../../../shared/agenda';
import { resolveText } from '../../../shared/content';
import type { OwnVotes, VotesExport, VoteCastCommand, VoteOptionResult, VoteView } from '../../../shared/votes';
import { contributionViews } from './contributions';
import { badInput, conflict } from './errors';
import { authorize, type Actor } from './roles';
import type { SessionState } from './session';
import { change, type Context, type Transition } from './transition';

export interface VoteOption {
  id: string;
  text: string;
}

const voteStepAt = (state: SessionState, stepIndex: number): VoteStep | undefined => {
  const step = state.agenda[stepIndex];
  return step?.kind === 'vote' ? step : undefined;
};

/**
 * What a vote step offers: its own options (ids `o0`, `o1`… in its order, texts in `language`),
 * or else every idea the tables sent before it (by their ids), in the order they came.
 */
export function voteOptions(state: SessionState, stepIndex: number, language: string | null = null): VoteOption[] {
  const step = voteStepAt(state, stepIndex);
  if (!step) return [];
  const first = state.languages[0] ?? 'en';
  if (step.options.length > 0) return step.options.map((text, i) => ({ id: `o${i}`, text: resolveText(text, language ?? first, first).text }));
  return (state.contributions ?? []).filter((c) => c.kind === 'idea' && c.stepIndex < stepIndex).map((c) => ({ id: c.id, text: c.text }));
}

/** How many options a ballot may name: the step's limit, else every option. */
export function maxChoicesOf(step: VoteStep, offered: number): number {
  return Math.max(1, Math.min(step.maxChoices ?? offered, offered));
}

/** Ballots are taken while their step is the current one and the session runs (paused included). */
export function ballotsOpen(state: SessionState, stepIndex: number): boolean {
  return state.stepIndex === stepIndex && (state.status === 'running' || state.status === 'paused') && voteStepAt(state, stepIndex) !== undefined;
}

/**
 * One person's ballot, given or changed (an empty list takes it back). One ballot per person per
 * step: the last one given counts. Every ballot is in the audit log.
 */
export function castVote(state: SessionState, actor: Actor, command: VoteCastCommand, ctx: Context): Transition {
  authorize(actor, 'vote.cast');
  const step = voteStepAt(state, command.stepIndex);
  if (!step) throw badInput(`Step ${command.stepIndex} is not a vote.`);
  if (!ballotsOpen(state, command.stepIndex)) throw conflict('This vote is not open: ballots are taken while its step runs.');
  const offered = voteOptions(state, command.stepIndex);
  const known = new Set(offered.map((o) => o.id));
  const unknown = command.choices.filter((c) => !known.has(c));
  if (unknown.length > 0) throw badInput(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an option of this vote.`);
  const most = maxChoicesOf(step, offered.length);
  if (command.choices.length > most) throw badInput(`Choose at most ${most}.`);
  const id = actor.memberId!;
  const key = String(command.stepIndex);
  return change(state, ctx, actor, 'vote.cast', (d) => {
    const ballots = Object.assign(Object.create(null) as Record<string, Record<string, string[]>>, d.ballots ?? {});
    const ofStep = Object.assign(Object.create(null) as Record<string, string[]>, ballots[key] ?? {});
    if (command.choices.length > 0) ofStep[id] = command.choices;
    else delete ofStep[id];
    ballots[key] = ofStep;
    d.ballots = ballots;
    return { stepIndex: command.stepIndex, choices: command.choices };
  });
}

/** The ballots of one step from people still on the roster. */
function ballotsOf(state: SessionState, stepIndex: number): string[][] {
  const byMember = state.ballots?.[String(stepIndex)] ?? {};
  return Object.entries(byMember)
    .filter(([id]) => Object.hasOwn(state.roster, id))
    .map(([, choices]) => choices);
}

/**
 * Counts per option. Approval: ballots approving it. Ranking: ballots ranking it, Borda points
 * (k-th of n offered options gets n − k + 1) and first places.
 */
export function voteResults(state: SessionState, stepIndex: number, language: string | null = null): VoteView | null {
  const step = voteStepAt(state, stepIndex);
  if (!step) return null;
  const offered = voteOptions(state, stepIndex, language);
  const ballots = ballotsOf(state, stepIndex);
  const ranking = step.method === 'ranking';
  const options: VoteOptionResult[] = offered.map((o) => {
    let count = 0;
    let points = 0;
    let first = 0;
    for (const choices of ballots) {
      const at = choices.indexOf(o.id);
      if (at < 0) continue;
      count += 1;
      points += offered.length - at;
      if (at === 0) first += 1;
    }
    return ranking ? { ...o, count, points, first } : { ...o, count };
  });
  return { stepIndex, method: step.method, maxChoices: maxChoicesOf(step, offered.length), open: ballotsOpen(state, stepIndex), ballots: ballots.length, options };
}

/** Every vote step that has begun (the current one included), for everyone to see live. */
export function voteViews(state: SessionState, language: string | null): VoteView[] {
  const out: VoteView[] = [];
  state.agenda.forEach((step, i) => {
    if (step.kind === 'vote' && i <= state.stepIndex) out.push(voteResults(state, i, language)!);
  });
  return out;
}

/** What this person gave: their upvotes and their ballots. Only they see it. */
export function ownVotes(state: SessionState, memberId: string | null): OwnVotes {
  if (!memberId) return { upvoted: [], ballots: {} };
  const upvoted = (state.contributions ?? []).filter((c) => c.upvotes.includes(memberId)).map((c) => c.id);
  const ballots: Record<string, string[]> = {};
  for (const [step, byMember] of Object.entries(state.ballots ?? {})) {
    if (Object.hasOwn(byMember, memberId)) ballots[step] = byMember[memberId]!;
  }
  return { upvoted, ballots };
}

/**
 * For research and publication: each vote's results and its ballots without who gave them (a
 * ballot number in no particular order of people), and every idea and question with its support.
 */
export function votesExport(state: SessionState): VotesExport {
  const first = state.languages[0] ?? 'en';
  const votes = state.agenda.flatMap((step, i) => {
    if (step.kind !== 'vote') return [];
    const results = voteResults(state, i)!;
    // Sorted, so the order says nothing of who voted when.
    const ballotsGiven = ballotsOf(state, i).map((c) => [...c]).sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
    return [{ ...results, title: resolveText(step.title, first, first).text, ballotsGiven }];
  });
  return { votes, contributions: contributionViews(state) };
}
