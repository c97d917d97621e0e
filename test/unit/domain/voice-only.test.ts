import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../../server/src/domain/agenda';
import type { Actor } from '../../../server/src/domain/roles';
import { renderView, viewStep } from '../../../server/src/domain/views';
import { markVoiceOnly } from '../../../server/src/domain/voice-only';
import { Agenda } from '../../../shared/agenda';
import { CreateSessionBody } from '../../../shared/session';
import { ctx, forum, minute, moderator, participant, session, t0 } from './fixtures';

const present = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
/** The breakout open, every table seated. */
const inBreakout = () => {
  const started = driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0, present)).state;
  return driveAgenda(started, moderator, { type: 'next' }, ctx(t0 + minute, present)).state;
};
const facilitatorOf = (state: ReturnType<typeof inBreakout>, groupIndex: number): Actor => {
  const id = state.groups[groupIndex]!.members.find((m) => state.roster[m]!.role === 'facilitator')!;
  return { role: 'facilitator', memberId: id, name: id };
};

describe('taking part by voice only', () => {
  it('a facilitator marks someone at their table; the table sees it; the audit keeps who did', () => {
    const s = inBreakout();
    const table = s.groups.find((g) => g.members.some((m) => s.roster[m]!.role === 'facilitator'))!;
    const facilitator = facilitatorOf(s, s.groups.indexOf(table));
    const who = table.members.find((m) => m !== facilitator.memberId)!;
    const marked = markVoiceOnly(s, facilitator, { memberId: who, voiceOnly: true }, ctx(t0 + 2 * minute));
    expect(marked.state.roster[who]!.voiceOnly).toBe(true);
    expect(marked.audit[0]).toMatchObject({ actor: `facilitator:${facilitator.memberId}`, action: 'member.voiceOnly', detail: { memberId: who } });
    const view = renderView(marked.state, `group:${table.id}`, new Set(present), t0 + 2 * minute);
    expect(view.group!.members.find((m) => m.id === who)!.voiceOnly).toBe(true);
    expect(view.group!.members.filter((m) => m.voiceOnly)).toHaveLength(1);
    const cleared = markVoiceOnly(marked.state, moderator, { memberId: who, voiceOnly: false }, ctx(t0 + 3 * minute));
    expect(cleared.state.roster[who]!.voiceOnly).toBe(false);
    expect(cleared.audit[0]!.action).toBe('member.voiceOnlyCleared');
  });

  it('refuses a facilitator of another table, a participant, an unknown id and a mark already set, changing nothing', () => {
    const s = inBreakout();
    const withFacilitator = s.groups.findIndex((g) => g.members.some((m) => s.roster[m]!.role === 'facilitator'));
    const facilitator = facilitatorOf(s, withFacilitator);
    const stranger = s.groups.find((_, i) => i !== withFacilitator)!.members[0]!;
    expect(() => markVoiceOnly(s, facilitator, { memberId: stranger, voiceOnly: true }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    expect(() => markVoiceOnly(s, participant('p3'), { memberId: 'p4', voiceOnly: true }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_ALLOWED' }));
    expect(() => markVoiceOnly(s, moderator, { memberId: 'nobody', voiceOnly: true }, ctx(t0))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => markVoiceOnly(s, moderator, { memberId: 'p4', voiceOnly: false }, ctx(t0))).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(s.roster.p4!.voiceOnly).toBeUndefined();
  });
});

describe('recordings of the agenda', () => {
  const [step] = Agenda.parse([
    {
      kind: 'breakout',
      title: { en: 'Tables', fr: 'Tables rondes' },
      minutes: 30,
      questions: [{ en: 'Why?', fr: 'Pourquoi ?' }, 'How?'],
      audio: { title: { fr: 'https://media.example/titre.mp3' }, 'questions.1': { en: 'https://media.example/how.mp3' } },
    },
  ]);

  it('each person gets the recording in the language the text is shown to them in', () => {
    expect(viewStep(step!, 'fr', 'en').audio).toEqual({ title: 'https://media.example/titre.mp3', 'questions.1': 'https://media.example/how.mp3' });
    expect(viewStep(step!, 'en', 'en').audio).toEqual({ 'questions.1': 'https://media.example/how.mp3' });
  });

  it('refuses a recording of a text the step does not have, and an address that is not https', () => {
    const bad = (audio: unknown) => Agenda.safeParse([{ kind: 'plenary', title: 'Opening', minutes: 5, audio }]);
    expect(bad({ 'questions.0': { en: 'https://media.example/q.mp3' } }).error?.issues[0]?.path).toEqual([0, 'audio', 'questions.0']);
    expect(bad({ title: { en: 'http://media.example/t.mp3' } }).success).toBe(false);
    expect(bad({ title: { en: 'javascript:alert(1)' } }).success).toBe(false);
    expect(bad({ title: { en: 'https://media.example/t.mp3' } }).success).toBe(true);
  });
});

describe('recordings in the session languages', () => {
  it('refuses a recording in a language the session does not speak', () => {
    const body = (language: string) => ({
      title: 'Forum',
      languages: ['en', 'fr'],
      agenda: [{ kind: 'plenary', title: 'Opening', minutes: 5, audio: { title: { [language]: 'https://media.example/t.mp3' } } }],
    });
    expect(CreateSessionBody.safeParse(body('fr')).success).toBe(true);
    expect(CreateSessionBody.safeParse(body('de')).error?.issues[0]?.path).toEqual(['agenda', 0, 'audio', 'title', 'de']);
  });
});
