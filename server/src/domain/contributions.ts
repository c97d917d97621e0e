import type { ContributionSubmitCommand, ContributionView, ContributionWithdrawCommand, QuestionTakeCommand, QuestionUpvoteCommand } from '../../../shared/votes';
import { conflict, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { groupOf, inBreakout, type Contribution, type SessionState } from './session';
import { change, nextId, type Context, type Transition } from './transition';

/** What one table may send in one breakout: enough for every idea, not a flood. */
export const maxContributionsPerTable = 30;

const contributionsOf = (state: SessionState): Contribution[] => state.contributions ?? [];

function findContribution(state: SessionState, id: string): Contribution {
  const found = contributionsOf(state).find((c) => c.id === id);
  if (!found) throw notFound(`There is no idea or question ${id}.`);
  return found;
}

/** A table's note taker sends one of its ideas or questions to everyone, during the breakout. */
export function sendContribution(state: SessionState, actor: Actor, command: ContributionSubmitCommand, ctx: Context): Transition {
  authorize(actor, 'contribution.send');
  if (!inBreakout(state)) throw conflict('Ideas and questions are sent from a table while the tables meet.');
  const group = actor.memberId ? groupOf(state, actor.memberId) : undefined;
  if (!group) throw conflict('You are not seated at a table.');
  const sent = contributionsOf(state).filter((c) => c.groupId === group.id && c.stepIndex === state.stepIndex);
  if (sent.some((c) => c.kind === command.kind && c.text === command.text)) throw conflict('Your table has sent this already.');
  if (sent.length >= maxContributionsPerTable) throw conflict(`A table sends at most ${maxContributionsPerTable} ideas and questions in one round.`);
  return change(state, ctx, actor, 'contribution.send', (d) => {
    const id = nextId(d, 'c');
    const contribution: Contribution = { id, kind: command.kind, text: command.text, groupId: group.id, stepIndex: d.stepIndex, by: actor.memberId!, at: ctx.now, upvotes: [], takenAt: null };
    d.contributions = [...contributionsOf(d), contribution];
    return { id, kind: command.kind, groupId: group.id };
  });
}

/** Its table takes back what it sent, as long as nobody has supported it and it was not taken up. */
export function withdrawContribution(state: SessionState, actor: Actor, command: ContributionWithdrawCommand, ctx: Context): Transition {
  authorize(actor, 'contribution.send');
  const found = findContribution(state, command.id);
  const group = actor.memberId ? groupOf(state, actor.memberId) : undefined;
  if (group?.id !== found.groupId) throw conflict('Only the table that sent it may take it back.');
  if (found.takenAt !== null || found.upvotes.length > 0 || chosenInAnyBallot(state, found.id)) {
    throw conflict('People have already supported it; it stays.');
  }
  return change(state, ctx, actor, 'contribution.withdraw', (d) => {
    d.contributions = contributionsOf(d).filter((c) => c.id !== found.id);
    return { id: found.id };
  });
}

/** Everyone together upvotes the questions they want asked; once each, and taken back at will. */
export function upvoteQuestion(state: SessionState, actor: Actor, command: QuestionUpvoteCommand, ctx: Context): Transition {
  authorize(actor, 'question.upvote');
  if (state.status === 'ended') throw conflict('The session has ended.');
  if (inBreakout(state)) throw conflict('Questions are upvoted when everyone is together again.');
  const found = findContribution(state, command.id);
  if (found.kind !== 'question') throw conflict('Ideas are voted on in a vote, not upvoted.');
  if (found.takenAt !== null) throw conflict('This question has been asked already.');
  const id = actor.memberId!;
  // Upvoting twice, or taking back what one never gave, changes nothing and is not stored.
  return change(state, ctx, actor, command.up ? 'question.upvote' : 'question.unvote', (d) => {
    const question = contributionsOf(d).find((c) => c.id === found.id)!;
    const has = question.upvotes.includes(id);
    if (command.up && !has) question.upvotes = [...question.upvotes, id];
    if (!command.up && has) question.upvotes = question.upvotes.filter((m) => m !== id);
    return { id: found.id };
  });
}

/** The moderator takes a question to the speakers (or puts it back in the list). */
export function takeQuestion(state: SessionState, actor: Actor, command: QuestionTakeCommand, ctx: Context): Transition {
  authorize(actor, 'question.take');
  const found = findContribution(state, command.id);
  if (found.kind !== 'question') throw conflict('Only questions are taken to the speakers.');
  return change(state, ctx, actor, command.taken ? 'question.take' : 'question.untake', (d) => {
    const question = contributionsOf(d).find((c) => c.id === found.id)!;
    if (command.taken && question.takenAt === null) question.takenAt = ctx.now;
    if (!command.taken) question.takenAt = null;
    return { id: found.id, upvotes: found.upvotes.length };
  });
}

function chosenInAnyBallot(state: SessionState, optionId: string): boolean {
  return Object.values(state.ballots ?? {}).some((byMember) => Object.values(byMember).some((choices) => choices.includes(optionId)));
}

/** Everyone's view: what each table sent and how many support it, never who. */
export function contributionViews(state: SessionState): ContributionView[] {
  return contributionsOf(state).map((c) => ({
    id: c.id,
    kind: c.kind,
    text: c.text,
    groupId: c.groupId,
    stepIndex: c.stepIndex,
    at: c.at,
    upvotes: c.upvotes.filter((id) => Object.hasOwn(state.roster, id)).length,
    takenAt: c.takenAt,
  }));
}
