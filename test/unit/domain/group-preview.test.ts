import { describe, expect, it } from 'vitest';
import { driveAgenda } from '../../../server/src/domain/agenda';
import { lockGroups, moveMember, previewGroups } from '../../../server/src/domain/group-preview';
import { lowerHand, raiseHand } from '../../../server/src/domain/plenary';
import { updateProfile } from '../../../server/src/domain/profile';
import { orderReportQueue, presentGroup } from '../../../server/src/domain/report-back';
import { groupOf } from '../../../server/src/domain/session';
import { renderView, seatOf } from '../../../server/src/domain/views';
import { termsVersion } from '../../../shared/session';
import { ctx, forum, minute, moderator, participant, session, t0 } from './fixtures';

const present = Array.from({ length: 12 }, (_, i) => `p${i + 1}`);
const started = () => driveAgenda(session(forum), moderator, { type: 'start' }, ctx(t0)).state;

describe('group preview', () => {
  it('forms groups for review, reshuffles with another seed, and opens the rooms with them', () => {
    const s = started();
    const a = previewGroups(s, moderator, { step: 1, seed: 1 }, ctx(t0, present)).state;
    expect(a.preview).toMatchObject({ stepIndex: 1, locked: false, seed: 1 });
    expect(a.preview!.groups.flatMap((g) => g.members).sort()).toEqual([...present].sort());
    expect(a.preview!.upperBound).toBeGreaterThanOrEqual(a.preview!.score);
    const b = previewGroups(a, moderator, { step: 1, seed: 2 }, ctx(t0, present)).state;
    expect(b.preview!.seed).toBe(2);
    const open = driveAgenda(b, moderator, { type: 'next' }, ctx(t0 + minute, present));
    expect(open.state.groups).toEqual(b.preview!.groups);
    expect(open.state.preview).toBeNull();
    expect(open.audit[0]!.detail).toMatchObject({ breakout: { from: 'preview', seed: 2 } });
  });

  it('moves a person, rescoring, and refuses a group whose language they do not speak', () => {
    const s = previewGroups(started(), moderator, { step: 1 }, ctx(t0, present)).state;
    const [g1, g2] = s.preview!.groups;
    const who = g1!.members[0]!;
    const moved = moveMember(s, moderator, { memberId: who, groupId: g2!.id }, ctx(t0)).state;
    expect(moved.preview!.groups.find((g) => g.id === g2!.id)!.members).toContain(who);
    expect(moved.preview!.groups.find((g) => g.id === g1!.id)!.members).not.toContain(who);
    const alone = moveMember(s, moderator, { memberId: who, groupId: null }, ctx(t0)).state;
    expect(alone.preview!.groups.at(-1)!.members).toEqual([who]);
    const french = { ...s, preview: { ...s.preview!, groups: s.preview!.groups.map((g, i) => (i === 1 ? { ...g, language: 'fr' } : g)) } };
    expect(() => moveMember(french, moderator, { memberId: who, groupId: g2!.id }, ctx(t0))).toThrow(/does not speak fr/);
    expect(() => moveMember(s, participant('p1'), { memberId: who, groupId: g2!.id }, ctx(t0))).toThrow(/may not/);
  });

  it('a locked preview can be neither reshuffled nor edited until unlocked', () => {
    const s = previewGroups(started(), moderator, { step: 1 }, ctx(t0, present)).state;
    const locked = lockGroups(s, moderator, { locked: true }, ctx(t0)).state;
    expect(() => previewGroups(locked, moderator, { step: 1, seed: 9 }, ctx(t0, present))).toThrow(/locked/);
    const who = locked.preview!.groups[0]!.members[0]!;
    expect(() => moveMember(locked, moderator, { memberId: who, groupId: null }, ctx(t0))).toThrow(/locked/);
    expect(lockGroups(locked, moderator, { locked: false }, ctx(t0)).state.preview!.locked).toBe(false);
  });

  it('refuses to preview a plenary step or the breakout that is already meeting', () => {
    const s = started();
    expect(() => previewGroups(s, moderator, { step: 0 }, ctx(t0, present))).toThrow(/not a breakout/);
    const open = driveAgenda(s, moderator, { type: 'next' }, ctx(t0, present)).state;
    expect(() => previewGroups(open, moderator, { step: 1 }, ctx(t0, present))).toThrow(/already meeting/);
  });

  it('seats people who arrived after the preview when the rooms open, without moving anyone', () => {
    const few = present.slice(0, 10);
    const s = previewGroups(started(), moderator, { step: 1 }, ctx(t0, few)).state;
    const open = driveAgenda(s, moderator, { type: 'next' }, ctx(t0, present)).state;
    expect(open.groups.flatMap((g) => g.members).sort()).toEqual([...present].sort());
    for (const g of s.preview!.groups) expect(open.groups.find((x) => x.id === g.id)!.members.slice(0, g.members.length)).toEqual(g.members);
  });

  it('moves a person between open rooms during the breakout', () => {
    const open = driveAgenda(started(), moderator, { type: 'next' }, ctx(t0, present)).state;
    const [g1, g2] = open.groups;
    const who = g1!.members[0]!;
    const t = moveMember(open, moderator, { memberId: who, groupId: g2!.id }, ctx(t0));
    expect(groupOf(t.state, who)!.id).toBe(g2!.id);
    // The person moved is told where to: one event, for them.
    expect(t.events).toEqual([{ type: 'member.moved', memberId: who, from: g1!.id, to: g2!.id }]);
    const preview = previewGroups(started(), moderator, { step: 1 }, ctx(t0, present)).state;
    const [p1, p2] = preview.preview!.groups;
    expect(moveMember(preview, moderator, { memberId: p1!.members[0]!, groupId: p2!.id }, ctx(t0)).events).toEqual([]);
  });
});

describe('plenary hands', () => {
  it('raised in order, lowered by oneself or a moderator, cleared when the step changes', () => {
    let s = started();
    s = raiseHand(s, participant('p3'), { raised: true }, ctx(t0)).state;
    s = raiseHand(s, participant('p1'), { raised: true }, ctx(t0)).state;
    expect(renderView(s, 'plenary', new Set(), t0).hands.map((h) => h.id)).toEqual(['p3', 'p1']);
    expect(() => raiseHand(s, participant('p3'), { raised: true }, ctx(t0))).toThrow(/already raised/);
    s = raiseHand(s, participant('p3'), { raised: false }, ctx(t0)).state;
    s = lowerHand(s, moderator, { memberId: 'p1' }, ctx(t0)).state;
    expect(s.hands).toEqual([]);
    s = raiseHand(s, participant('p2'), { raised: true }, ctx(t0)).state;
    expect(() => lowerHand(s, participant('p4'), { memberId: 'p2' }, ctx(t0))).toThrow(/may not/);
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0, present)).state;
    expect(s.hands).toEqual([]);
    expect(() => raiseHand(s, participant('p2'), { raised: true }, ctx(t0))).toThrow(/plenary/);
  });
});

describe('report-back', () => {
  it('queues every group with its note taker as rapporteur; the moderator reorders and picks who presents', () => {
    let s = driveAgenda(started(), moderator, { type: 'next' }, ctx(t0, present)).state;
    expect(() => presentGroup(s, moderator, { groupId: 'g1' }, ctx(t0))).toThrow(/still meeting/);
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + minute)).state;
    const view = renderView(s, 'plenary', new Set(), t0);
    expect(view.reportBack.queue.map((q) => q.groupId)).toEqual(s.groups.map((g) => g.id));
    for (const q of view.reportBack.queue) {
      const group = s.groups.find((g) => g.id === q.groupId)!;
      const roles = group.members.map((id) => s.roster[id]!.role);
      if (roles.includes('notetaker')) expect(s.roster[q.rapporteur!.id]!.role).toBe('notetaker');
    }
    const reversed = [...s.reportBack.queue].reverse();
    s = orderReportQueue(s, moderator, { groups: reversed }, ctx(t0)).state;
    expect(s.reportBack.queue).toEqual(reversed);
    expect(() => orderReportQueue(s, moderator, { groups: ['g1', 'g1'] }, ctx(t0))).toThrow(/twice/);
    expect(() => orderReportQueue(s, moderator, { groups: ['g99'] }, ctx(t0))).toThrow(/no group/);
    s = presentGroup(s, moderator, { groupId: reversed[0]! }, ctx(t0)).state;
    expect(renderView(s, 'plenary', new Set(), t0).reportBack.presenting).toBe(reversed[0]);
    expect(() => presentGroup(s, participant('p1'), { groupId: null }, ctx(t0))).toThrow(/may not/);
  });

  it('marks a group as presented once the next one stands up or the moderator stops, and starts afresh next round', () => {
    let s = driveAgenda(started(), moderator, { type: 'next' }, ctx(t0, present)).state;
    s = driveAgenda(s, moderator, { type: 'next' }, ctx(t0 + minute)).state;
    const [a, b] = s.reportBack.queue;
    expect(renderView(s, 'plenary', new Set(), t0).reportBack.presented).toEqual([]);
    s = presentGroup(s, moderator, { groupId: a! }, ctx(t0)).state;
    expect(s.reportBack.presented).toEqual([]);
    const t = presentGroup(s, moderator, { groupId: b! }, ctx(t0));
    expect(t.audit[0]!.detail).toEqual({ groupId: b, presented: a });
    s = t.state;
    expect(renderView(s, 'plenary', new Set(), t0).reportBack).toMatchObject({ presenting: b, presented: [a] });
    s = presentGroup(s, moderator, { groupId: null }, ctx(t0)).state;
    s = presentGroup(s, moderator, { groupId: a! }, ctx(t0)).state;
    s = presentGroup(s, moderator, { groupId: null }, ctx(t0)).state;
    expect(renderView(s, 'staff', new Set(), t0).reportBack.presented).toEqual([a, b]);
  });
});

describe('join profile', () => {
  it('records the shown name, the language and consent once', () => {
    const s = session(forum);
    expect(seatOf(s, participant('p1')).consented).toBe(false);
    expect(() => updateProfile(s, participant('p1'), { displayName: 'Awa', language: 'fr', consent: true }, ctx(t0))).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(/terms/) }),
    );
    const t = updateProfile(s, participant('p1'), { displayName: 'Awa', language: 'fr', consent: true, terms: termsVersion }, ctx(t0));
    expect(seatOf(t.state, participant('p1'))).toMatchObject({ name: 'Awa', language: 'fr', consented: true });
    expect(t.state.roster.p1).toMatchObject({ consentedAt: t0, consentedTerms: termsVersion });
    // Joining is audited as such: when, which terms text, read in which language.
    expect(t.audit[0]).toMatchObject({ action: 'join', actor: 'participant:p1', at: t0, detail: { memberId: 'p1', consent: { at: t0, terms: termsVersion, language: 'fr' } } });
    const again = updateProfile(t.state, participant('p1'), { displayName: 'Awa D.', language: 'en', consent: true }, ctx(t0 + 5));
    expect(again.state.roster.p1!.consentedAt).toBe(t0);
    expect(again.audit[0]).toMatchObject({ action: 'profile.update', detail: { memberId: 'p1', language: 'en' } });
    expect(again.audit[0]!.detail).not.toHaveProperty('consent');
    expect(() => updateProfile(s, participant('p1'), { displayName: 'X', language: 'de', consent: true }, ctx(t0))).toThrow(/held in en, fr/);
    expect(() => updateProfile(s, moderator, { displayName: 'X', language: 'en', consent: true }, ctx(t0))).toThrow(/roster/);
  });

  it('lets nobody join a session that has ended', () => {
    const ended = driveAgenda(started(), moderator, { type: 'end' }, ctx(t0)).state;
    expect(() => updateProfile(ended, participant('p1'), { displayName: 'Awa', language: 'fr', consent: true, terms: termsVersion }, ctx(t0))).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });
});
