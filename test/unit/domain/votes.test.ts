import { describe, expect, it } from 'vitest';
import { AgendaStep, type AgendaStepInput } from '../../../shared/agenda';
import { VoteCastCommand } from '../../../shared/votes';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { sendContribution, takeQuestion, upvoteQuestion, withdrawContribution } from '../../../server/src/domain/contributions';
import { groupOf, type SessionState } from '../../../server/src/domain/session';
import { renderView } from '../../../server/src/domain/views';
import { castVote, ownVotes, voteResults, votesExport } from '../../../server/src/domain/votes';
import { ctx, moderator, participant, session, t0 } from './fixtures';

const agenda: AgendaStepInput[] = [
  { kind: 'plenary', title: 'Opening', minutes: 5 },
  { kind: 'breakout', title: 'Tables', minutes: 30, questions: ['What first?'], closeSeconds: 0 },
  { kind: 'plenary', title: 'Questions to the panel', minutes: 20 },
  { kind: 'vote', title: 'Which ideas first?', minutes: 5, maxChoices: 2 },
  { kind: 'vote', title: 'Rank the options', minutes: 5, method: 'ranking', options: [{ en: 'Schools', fr: 'Écoles' }, 'Clinics', 'Roads'] },
];
const everyone = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
const c = (now = t0) => ctx(now, everyone);
/** p1 and p6 facilitate, p2 and p7 take notes; two tables of five. */
const member = (state: SessionState, id: string) => ({ role: state.roster[id]!.role, memberId: id, name: id });

function inBreakout(): SessionState {
  let s = session(agenda, 10);
  s = driveAgenda(s, moderator, { type: 'start' }, c()).state;
  return driveAgenda(s, moderator, { type: 'next' }, c()).state;
}

/** Each table's note taker sends one idea; the first also a question. Then everyone is back together. */
function withContributions(): { state: SessionState; ideas: string[]; question: string } {
  let s = inBreakout();
  const takers = ['p2', 'p7'];
  const ideas: string[] = [];
  for (const [i, id] of takers.entries()) {
    const t = sendContribution(s, member(s, id), { kind: 'idea', text: `Idea of table ${i + 1}` }, c());
    s = t.state;
    ideas.push(String(t.result!.id));
  }
  const q = sendContribution(s, member(s, 'p2'), { kind: 'question', text: 'Who pays?' }, c());
  s = driveAgenda(q.state, moderator, { type: 'next' }, c()).state;
  return { state: s, ideas, question: String(q.result!.id) };
}

describe('ideas and questions from the tables', () => {
  it('are sent by a table’s note taker during the breakout, with the table and step, and audited', () => {
    const s = inBreakout();
    const taker = member(s, 'p2');
    const t = sendContribution(s, taker, { kind: 'idea', text: 'Free transport' }, c());
    expect(t.audit[0]).toMatchObject({ action: 'contribution.send', detail: { kind: 'idea', groupId: groupOf(s, 'p2')!.id } });
    expect(t.state.contributions).toEqual([expect.objectContaining({ kind: 'idea', text: 'Free transport', stepIndex: 1, by: 'p2', upvotes: [], takenAt: null })]);
    // Everyone sees it, without who sent it.
    const seen = renderView(t.state, 'plenary', new Set(), t0).contributions!;
    expect(seen).toEqual([expect.objectContaining({ text: 'Free transport', upvotes: 0, groupId: groupOf(s, 'p2')!.id })]);
    expect(JSON.stringify(seen)).not.toContain('p2');
    // Twice the same is refused; a participant may not send for the table; nor can anyone outside a breakout.
    expect(() => sendContribution(t.state, taker, { kind: 'idea', text: 'Free transport' }, c())).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => sendContribution(s, member(s, 'p3'), { kind: 'idea', text: 'Mine' }, c())).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    const started = driveAgenda(session(agenda, 10), moderator, { type: 'start' }, c()).state;
    expect(() => sendContribution(started, member(started, 'p2'), { kind: 'idea', text: 'Early' }, c())).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });

  it('can be taken back by their table until someone supports them', () => {
    let s = inBreakout();
    const sent = sendContribution(s, member(s, 'p2'), { kind: 'question', text: 'Who pays?' }, c());
    s = sent.state;
    const id = String(sent.result!.id);
    const otherTaker = ['p2', 'p7'].find((t) => groupOf(s, t)!.id !== groupOf(s, 'p2')!.id)!;
    expect(() => withdrawContribution(s, member(s, otherTaker), { id }, c())).toThrow(/table that sent it/);
    expect(() => withdrawContribution(s, participant('p3'), { id }, c())).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    const gone = withdrawContribution(s, member(s, 'p2'), { id }, c()).state;
    expect(gone.contributions).toEqual([]);
    // Back together, someone supports it: it stays.
    const together = driveAgenda(s, moderator, { type: 'next' }, c()).state;
    const up = upvoteQuestion(together, participant('p3'), { id, up: true }, c()).state;
    expect(() => withdrawContribution(up, member(up, 'p2'), { id }, c())).toThrow(/supported/);
  });
});

describe('upvoting questions', () => {
  it('counts one upvote per person, taken back at will; repeating changes nothing', () => {
    const { state, question, ideas } = withContributions();
    let s = upvoteQuestion(state, participant('p3'), { id: question, up: true }, c()).state;
    s = upvoteQuestion(s, participant('p4'), { id: question, up: true }, c()).state;
    const twice = upvoteQuestion(s, participant('p4'), { id: question, up: true }, c());
    expect(twice.state).toBe(s);
    expect(twice.audit).toEqual([]);
    expect(renderView(s, 'plenary', new Set(), t0).contributions!.find((x) => x.id === question)!.upvotes).toBe(2);
    expect(ownVotes(s, 'p4').upvoted).toEqual([question]);
    s = upvoteQuestion(s, participant('p4'), { id: question, up: false }, c()).state;
    expect(renderView(s, 'plenary', new Set(), t0).contributions!.find((x) => x.id === question)!.upvotes).toBe(1);
    // Ideas are voted on, not upvoted; the moderator does not upvote.
    expect(() => upvoteQuestion(s, participant('p3'), { id: ideas[0]!, up: true }, c())).toThrow(/vote/);
    expect(() => upvoteQuestion(s, moderator, { id: question, up: true }, c())).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    expect(() => upvoteQuestion(s, participant('p3'), { id: 'c999', up: true }, c())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('the moderator takes the question to the speakers: marked for everyone, no more upvotes', () => {
    const { state, question } = withContributions();
    const t = takeQuestion(state, moderator, { id: question, taken: true }, c(t0 + 1000));
    expect(renderView(t.state, 'plenary', new Set(), t0).contributions!.find((x) => x.id === question)!.takenAt).toBe(t0 + 1000);
    expect(() => upvoteQuestion(t.state, participant('p3'), { id: question, up: true }, c())).toThrow(/asked already/);
    expect(() => takeQuestion(state, participant('p3'), { id: question, taken: true }, c())).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
  });
});

describe('a vote step', () => {
  const toVote = (s: SessionState, step: number) => driveAgenda(s, moderator, { type: 'goto', step }, c()).state;

  it('offers the tables’ ideas, takes one ballot per person (the last counts) while it runs, and shows live counts', () => {
    const { state, ideas, question } = withContributions();
    let s = toVote(state, 3);
    const results = () => voteResults(s, 3)!;
    expect(results().options.map((o) => o.id)).toEqual(ideas);
    expect(results()).toMatchObject({ method: 'approval', maxChoices: 2, open: true, ballots: 0 });
    s = castVote(s, participant('p3'), { stepIndex: 3, choices: [ideas[0]!] }, c()).state;
    s = castVote(s, participant('p4'), { stepIndex: 3, choices: ideas }, c()).state;
    const changed = castVote(s, participant('p3'), { stepIndex: 3, choices: [ideas[1]!] }, c());
    expect(changed.audit[0]).toMatchObject({ action: 'vote.cast', actor: 'participant:p3', detail: { stepIndex: 3, choices: [ideas[1]] } });
    s = changed.state;
    expect(results().options.map((o) => o.count)).toEqual([1, 2]);
    expect(results().ballots).toBe(2);
    expect(renderView(s, 'plenary', new Set(), t0).votes).toEqual([results()]);
    expect(ownVotes(s, 'p3').ballots).toEqual({ 3: [ideas[1]] });
    // Not an option, too many, or a question: refused, nothing changes.
    expect(() => castVote(s, participant('p5'), { stepIndex: 3, choices: [question] }, c())).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => castVote(s, participant('p5'), { stepIndex: 3, choices: ['x'] }, c())).toThrow(/not an option/);
    expect(VoteCastCommand.safeParse({ stepIndex: 3, choices: [ideas[0], ideas[0]] }).success).toBe(false);
    // An empty ballot takes one's vote back.
    s = castVote(s, participant('p4'), { stepIndex: 3, choices: [] }, c()).state;
    expect(results().options.map((o) => o.count)).toEqual([0, 1]);
    // Once the agenda moves on, the vote is closed and its results stay.
    s = toVote(s, 4);
    expect(results().open).toBe(false);
    expect(() => castVote(s, participant('p5'), { stepIndex: 3, choices: [ideas[0]!] }, c())).toThrow(/not open/);
  });

  it('ranks its own options: Borda points and first places, texts in each person’s language', () => {
    let s = toVote(withContributions().state, 4);
    expect(() => castVote(s, participant('p3'), { stepIndex: 4, choices: ['o0', 'o1', 'o2', 'o0'] }, c())).toThrow();
    s = castVote(s, participant('p3'), { stepIndex: 4, choices: ['o0', 'o1', 'o2'] }, c()).state;
    s = castVote(s, participant('p4'), { stepIndex: 4, choices: ['o1', 'o0'] }, c()).state;
    s = castVote(s, participant('p5'), { stepIndex: 4, choices: ['o1'] }, c()).state;
    const results = voteResults(s, 4, 'fr')!;
    expect(results.options).toEqual([
      { id: 'o0', text: 'Écoles', count: 2, points: 3 + 2, first: 1 },
      { id: 'o1', text: 'Clinics', count: 3, points: 2 + 3 + 3, first: 2 },
      { id: 'o2', text: 'Roads', count: 1, points: 1, first: 0 },
    ]);
    expect(renderView(s, 'plenary', new Set(), t0, 'fr').votes!.at(-1)!.options[0]!.text).toBe('Écoles');
  });

  it('exports results and ballots without who gave them', () => {
    let s = toVote(withContributions().state, 4);
    s = castVote(s, participant('p3'), { stepIndex: 4, choices: ['o2', 'o0'] }, c()).state;
    const exported = votesExport(s);
    expect(exported.votes.map((v) => [v.stepIndex, v.title, v.ballotsGiven])).toEqual([
      [3, 'Which ideas first?', []],
      [4, 'Rank the options', [['o2', 'o0']]],
    ]);
    expect(exported.contributions).toHaveLength(3);
    expect(JSON.stringify(exported)).not.toMatch(/"p\d+"|Person \d/);
  });

  it('is a step like any other in the agenda', () => {
    expect(AgendaStep.parse({ kind: 'vote', title: 'V', minutes: 3 })).toMatchObject({ method: 'approval', options: [], advance: 'hold' });
    expect(AgendaStep.safeParse({ kind: 'vote', title: 'V', minutes: 3, method: 'plurality' }).success).toBe(false);
  });
});
