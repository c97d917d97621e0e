import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRoster, parseRosterCsv, revokeInvite, validateRosterRows } from '../../../server/src/domain/roster';
import { admit } from '../../../server/src/domain/admission';
import { memberOf, rosterRecord, type Member } from '../../../server/src/domain/session';
import { rosterLimits } from '../../../shared/roster';
import { moderator, organizer, session, t0 } from './fixtures';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');

function problems(text: string) {
  const result = parseRosterCsv(text);
  if (result.ok) throw new Error('expected the roster to be refused');
  return result.problems;
}

describe('roster CSV', () => {
  it('reads identity, languages, role and every other column as an attribute', () => {
    const result = parseRosterCsv('id,name,email,language,role,country,age_band\nA1,Ana,ana@example.org,en|fr,notetaker,BR,18-29\nB2,,,,,,\n');
    expect(result).toEqual({
      ok: true,
      entries: [
        { id: 'A1', name: 'Ana', email: 'ana@example.org', languages: ['en', 'fr'], role: 'notetaker', attributes: { country: 'BR', age_band: '18-29' } },
        { id: 'B2', name: 'B2', languages: [], role: 'participant', attributes: {} },
      ],
    });
  });

  it('honours RFC 4180 quoting: commas, quotes and line breaks inside fields', () => {
    const result = parseRosterCsv('id,name,stakeholder\r\n1,"Diop, Awa","civil ""society"""\r\n2,"Line\nbreak",x\r\n');
    expect(result.ok && result.entries.map((e) => [e.name, e.attributes.stakeholder])).toEqual([
      ['Diop, Awa', 'civil "society"'],
      ['Line\nbreak', 'x'],
    ]);
  });

  it('reads the sample rosters', () => {
    for (const file of ['roster-60.csv', 'roster-1000.csv']) {
      const result = parseRosterCsv(readFileSync(join(fixtures, file), 'utf8'));
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.entries.length).toBe(Number(file.match(/\d+/)![0]));
    }
  });

  it('names the line and field of each problem', () => {
    expect(problems('id,role,language\n1,participant,en\n1,participant,en\n2,chair,en\n3,participant,english!\n,participant,en\n')).toEqual([
      { line: 3, field: 'id', problem: 'id "1" already appears on line 2' },
      { line: 4, field: 'role', problem: 'role "chair" is not one of participant, facilitator, notetaker, moderator, observer' },
      { line: 5, field: 'language', problem: '"english!" is not a language code such as en or fr' },
      { line: 6, field: 'id', problem: 'id is empty' },
    ]);
  });

  it('refuses a file without an id column, an empty file, a header alone, ragged rows, a repeated column', () => {
    expect(problems('name,country\nAna,BR\n')[0]).toMatchObject({ line: 1, field: 'id' });
    expect(problems('')[0]!.problem).toMatch(/empty/);
    expect(problems('id,name\n')[0]!.problem).toMatch(/no participants/);
    expect(problems('id,name\n1,Ana,extra\n')[0]).toMatchObject({ line: 2 });
    expect(problems('id,name,name\n1,a,b\n')[0]).toMatchObject({ line: 1, field: 'name' });
  });

  it('counts lines of quoted multi-line fields when locating problems', () => {
    expect(problems('id,name,role\n1,"two\nlines",participant\n2,x,boss\n')).toEqual([
      expect.objectContaining({ line: 4, field: 'role' }),
    ]);
  });

  it('validates JSON rows the same way', () => {
    const result = validateRosterRows([{ line: 2, fields: { id: 7, language: 'fr', gender: 'f' } }]);
    expect(result).toEqual({ ok: true, entries: [{ id: '7', name: '7', languages: ['fr'], role: 'participant', attributes: { gender: 'f' } }] });
  });
});

describe('roster import', () => {
  it('adds new people and updates existing ones by id, keeping their invite links valid', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 2);
    const revoked = { ...s, roster: { ...s.roster, p1: { ...s.roster.p1!, tokenVersion: 3 } } };
    const t = importRoster(revoked, organizer, [
      { id: 'p1', name: 'Renamed', languages: ['fr'], role: 'participant', attributes: {} },
      { id: 'p9', name: 'New', languages: ['en'], role: 'observer', attributes: {} },
    ], { now: t0 });
    expect(t.state.roster.p1).toMatchObject({ name: 'Renamed', tokenVersion: 3 });
    expect(t.state.roster.p9).toMatchObject({ role: 'observer', tokenVersion: 1 });
    expect(Object.keys(t.state.roster)).toHaveLength(3);
    expect(t.audit[0]!.detail).toEqual({ added: 1, updated: 1 });
  });

  it('keeps what people gave in the session (shown name, language, consent, voice only) when their row is updated', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 2);
    const joined = { ...s, roster: { ...s.roster, p1: { ...s.roster.p1!, displayName: 'Ana', language: 'fr', consentedAt: t0, consentedTerms: 'v1', voiceOnly: true } } };
    const t = importRoster(joined, organizer, [{ id: 'p1', name: 'Ana María', languages: ['fr', 'es'], role: 'notetaker', attributes: {} }], { now: t0 + 1 });
    expect(t.state.roster.p1).toMatchObject({ name: 'Ana María', role: 'notetaker', displayName: 'Ana', language: 'fr', consentedAt: t0, consentedTerms: 'v1', voiceOnly: true });
  });

  it('is the organizer\'s alone', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 2);
    expect(() => importRoster(s, moderator, [], { now: t0 })).toThrow(/may not import/);
  });
});

describe('roster ids and limits', () => {
  it('refuses reserved and unsafe ids, each with its line', () => {
    expect(problems('id,name\n@moderator,Moderator (official)\n__proto__,P\nconstructor,C\nhasOwnProperty,H\nok,Fine\n')).toEqual([
      { line: 2, field: 'id', problem: expect.stringMatching(/reserved/) },
      { line: 3, field: 'id', problem: expect.stringMatching(/reserved/) },
      { line: 4, field: 'id', problem: expect.stringMatching(/reserved/) },
      { line: 5, field: 'id', problem: expect.stringMatching(/reserved/) },
    ]);
    const json = validateRosterRows([{ line: 2, fields: { id: '@anything' } }, { line: 3, fields: { id: 'toString' } }]);
    expect(json.ok ? [] : json.problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'id'],
      [3, 'id'],
    ]);
  });

  it('refuses columns that would reach object machinery', () => {
    expect(problems('id,__proto__\n1,x\n')).toEqual([{ line: 1, field: '__proto__', problem: expect.stringMatching(/cannot be a column/) }]);
    const fields = JSON.parse('{"id":"1","__proto__":"x"}') as Record<string, unknown>;
    const result = validateRosterRows([{ line: 2, fields }]);
    expect(result.ok ? [] : result.problems).toEqual([{ line: 2, field: '__proto__', problem: expect.stringMatching(/cannot be a column/) }]);
  });

  it('holds names, attributes, columns and NUL bytes to the contract, in CSV and JSON alike', () => {
    const long = 'x'.repeat(rosterLimits.nameChars + 1);
    const longValue = 'v'.repeat(rosterLimits.attributeValueChars + 1);
    const longKey = 'k'.repeat(rosterLimits.attributeKeyChars + 1);
    expect(problems(`id,name,country\n1,${long},FR\n2,Ana\u0000,FR\n3,Bo,${longValue}\n4,Cy,F\u0000R\n`)).toEqual([
      { line: 2, field: 'name', problem: expect.stringMatching(/longer than 200/) },
      { line: 3, field: 'name', problem: expect.stringMatching(/control character/) },
      { line: 4, field: 'country', problem: expect.stringMatching(/longer than/) },
      { line: 5, field: 'country', problem: expect.stringMatching(/control character/) },
    ]);
    expect(problems(`id,${longKey}\n1,x\n`)[0]).toMatchObject({ line: 1, problem: expect.stringMatching(/column name is longer/) });
    const wide = Array.from({ length: rosterLimits.columns + 1 }, (_, i) => `c${i}`);
    expect(problems(`id,${wide.slice(1).join(',')}\n${wide.map(() => 'x').join(',')}\n`)[0]).toMatchObject({ line: 1, problem: expect.stringMatching(/columns/) });

    const json = validateRosterRows([
      { line: 2, fields: { id: 'j1', name: long } },
      { line: 3, fields: { id: 'j2', name: 'Nul\u0000' } },
      { line: 4, fields: { id: 'j3', country: longValue } },
      { line: 5, fields: { id: 'j4', [longKey]: 'x' } },
      { line: 6, fields: Object.fromEntries([['id', 'j5'], ...wide.map((c) => [c, 'x'])]) },
      { line: 7, fields: { id: 'j6\u0000' } },
    ]);
    expect(json.ok ? [] : json.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('refuses reserved ids in the domain too, and keys the roster so that no id finds object machinery', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 2);
    const entry = (id: string) => ({ id, name: id, languages: ['en'], role: 'participant' as const, attributes: {} });
    // Whatever read the entries, the moderator link's name and object machinery are never a person's.
    for (const id of ['@moderator', 'constructor', '__proto__']) {
      expect(() => importRoster(s, organizer, [entry(id)], { now: t0 }), id).toThrow(/cannot be used/);
    }
    const t = importRoster(s, organizer, [entry('p9')], { now: t0 });
    expect(t.result).toEqual({ added: 1, updated: 0 });
    expect(Object.getPrototypeOf(t.state.roster)).toBeNull();
    expect(memberOf(t.state, 'constructor')).toBeUndefined();
    expect(() => revokeInvite(s, organizer, 'toString', { now: t0 })).toThrow(/Nobody/);
    expect(() => admit(s, { sid: s.id, sub: 'hasOwnProperty', tv: 1 })).toThrow(/no longer on the roster/);
    // A stored roster read back from JSON keeps even a "__proto__" key as an entry, not a prototype.
    const stored = rosterRecord(JSON.parse('{"__proto__":{"id":"__proto__"}}') as Record<string, Member>);
    expect(Object.keys(stored)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(stored)).toBeNull();
  });

  it('lets a re-import of the same people change nothing', () => {
    const s = session([{ kind: 'plenary', title: 'Opening', minutes: 5 }], 2);
    const same = Object.values(s.roster).map(({ tokenVersion: _v, ...entry }) => entry);
    const t = importRoster(s, organizer, same, { now: t0 + 1000 });
    expect(t.state).toBe(s);
    expect(t.audit).toEqual([]);
    expect(t.result).toEqual({ added: 0, updated: 2 });
  });
});
