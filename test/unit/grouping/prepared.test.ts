import { describe, expect, it } from 'vitest';
import { GroupingError } from '../../../server/src/grouping/errors';
import { AssignmentNeeded, PreparedAssignments } from '../../../server/src/grouping/prepared';
import { seededRandomAssigner } from '../../../server/src/grouping/random';
import type { GroupingMember, GroupingRequest } from '../../../server/src/grouping/types';

const member = (i: number, languages = ['en']): GroupingMember => ({ id: `p${i}`, languages, role: 'participant', attributes: { country: `C${i % 4}` } });
const request = (n: number, extra: Partial<GroupingRequest> = {}): GroupingRequest => ({ members: Array.from({ length: n }, (_, i) => member(i)), groupSize: 5, seed: 3, ...extra });

function preparedWith(asked: GroupingRequest): PreparedAssignments {
  const prepared = new PreparedAssignments(seededRandomAssigner.algorithm);
  prepared.add(asked, { assignment: seededRandomAssigner.assign(asked) });
  return prepared;
}

describe('assignments computed before the command is decided', () => {
  it('answers the very request computed with what was computed, and asks for anything else', () => {
    const asked = request(40);
    const prepared = preparedWith(asked);
    const assigner = prepared.assigner();
    expect(assigner.assign(structuredClone(asked)).groups).toEqual(seededRandomAssigner.assign(asked).groups);
    expect(() => assigner.assign(request(40, { groupSize: 4 }))).toThrow(AssignmentNeeded);
    expect(() => assigner.assign(request(20))).toThrow(AssignmentNeeded);
  });

  it('seats a newcomer in the groups computed and takes out who left, moving nobody else', () => {
    const asked = request(40);
    const computed = seededRandomAssigner.assign(asked);
    const now = { ...asked, members: [...asked.members.filter((m) => m.id !== 'p0'), member(99)], seed: 8 };
    const answer = preparedWith(asked).assigner().assign(now);
    expect(answer.seed).toBe(computed.seed);
    const place = (groups: typeof computed.groups) => new Map(groups.flatMap((g) => g.members.map((id) => [id, g.id] as const)));
    const before = place(computed.groups);
    const after = place(answer.groups);
    expect(after.has('p0')).toBe(false);
    expect(after.has('p99')).toBe(true);
    for (const m of now.members) if (m.id !== 'p99') expect(after.get(m.id)).toBe(before.get(m.id));
    expect(answer.score).toBeGreaterThan(0);
  });

  it('reconciles many changes only when told the people kept changing', () => {
    const asked = request(100);
    const now = request(80);
    const prepared = preparedWith(asked);
    expect(() => prepared.assigner().assign(now)).toThrow(AssignmentNeeded);
    expect(prepared.assigner(true).assign(now).groups.flatMap((g) => g.members)).toHaveLength(80);
  });

  it('refuses the request it was refused, as the engine did', () => {
    const asked = request(10);
    const prepared = new PreparedAssignments(seededRandomAssigner.algorithm);
    prepared.add(asked, { error: new GroupingError('p3 cannot be grouped', 'p3') });
    expect(() => prepared.assigner().assign(asked)).toThrow(GroupingError);
  });
});
