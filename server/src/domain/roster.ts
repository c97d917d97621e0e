import { parse } from 'csv-parse/sync';
import { controlCharacters, rosterLimits, rosterRoles, type RosterEntry, type RosterRole, type RosterProblem } from '../../../shared/roster';
import { badInput, notFound } from './errors';
import { authorize, type Actor } from './roles';
import { memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/** Columns that identify a person or describe their place; every other column is an attribute. */
const reservedColumns = new Set(['id', 'name', 'email', 'language', 'role']);

export type RosterResult =
  | { ok: true; entries: RosterEntry[] }
  | { ok: false; problems: RosterProblem[] };

/** Reads a roster in RFC 4180 CSV with a header row. All or nothing: any problem rejects the file. */
export function parseRosterCsv(text: string): RosterResult {
  if (text.trim() === '') return fail([{ line: 1, field: null, problem: 'the file is empty' }]);
  // Where each record ends, as the parser counts it: its own line count goes wrong when a quoted
  // field holds a CRLF line break, so lines are counted here from these offsets.
  const ends: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
    }) as string[][];
  } catch (error) {
    const line = recordStartLines(new TextEncoder().encode(text), ends, ends.length + 1).at(-1) ?? 1;
    return fail([{ line, field: null, problem: `not valid CSV: ${(error as Error).message}` }]);
  }
  return rosterFromRecords(records, recordStartLines(new TextEncoder().encode(text), ends, records.length));
}

/** The roster in CSV records (the header first), each with the line it starts on. */
function rosterFromRecords(records: string[][], lines: number[]): RosterResult {
  const header = csvHeader(records, lines);
  if (!header.ok) return header;
  const validator = new RosterValidator();
  for (let i = 1; i < records.length; i++) validator.add(lines[i]!, csvFields(header.columns, records[i]!));
  return validator.result();
}

/** The header's column names, or the problem with them. */
export function csvHeader(records: string[][], lines: number[]): { ok: true; columns: string[] } | { ok: false; problems: RosterProblem[] } {
  const [header] = records;
  if (!header) return fail([{ line: 1, field: null, problem: 'the file is empty' }]);
  const headerLine = lines[0] ?? 1;
  const columns = header.map((c) => c.trim());
  if (columns.length > rosterLimits.columns) {
    return fail([{ line: headerLine, field: null, problem: `the file has ${columns.length} columns; at most ${rosterLimits.columns} are read` }]);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') return fail([{ line: headerLine, field: null, problem: 'a column has no name' }]);
    if (seen.has(column)) return fail([{ line: headerLine, field: column, problem: `column "${column}" appears twice` }]);
    const wrong = keyProblem(column);
    if (wrong) return fail([{ line: headerLine, field: column, problem: wrong }]);
    seen.add(column);
  }
  if (!seen.has('id')) return fail([{ line: headerLine, field: 'id', problem: 'the header has no "id" column' }]);
  if (records.length < 2) return fail([{ line: headerLine + 1, field: null, problem: 'the file has a header but no participants' }]);
  return { ok: true, columns };
}

/** One CSV record as fields named by the header. */
export function csvFields(columns: string[], record: string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.create(null);
  columns.forEach((c, j) => {
    fields[c] = (record[j] ?? '').trim();
  });
  return fields;
}

/**
 * The line (from 1) on which each of the first `count` records starts, given the byte offset at
 * which each record ended. A line break is CRLF, LF or a lone CR, inside quotes or not; empty lines
 * between records are skipped, as the parser skips them.
 */
export function recordStartLines(bytes: Uint8Array, ends: number[], count: number): number[] {
  const CR = 13;
  const LF = 10;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (let k = 0; k < count; k++) {
    let start = k === 0 ? bom : (ends[k - 1] ?? bytes.length);
    while (start < bytes.length && (bytes[start] === CR || bytes[start] === LF)) start++;
    for (; pos < start; pos++) {
      if (bytes[pos] === LF || (bytes[pos] === CR && bytes[pos + 1] !== LF)) line++;
    }
    lines.push(line);
  }
  return lines;
}

/** Validates rows already split into fields (from CSV or JSON); `line` locates each for the organizer. */
export function validateRosterRows(rows: Array<{ line: number; fields: Record<string, unknown> }>): RosterResult {
  const validator = new RosterValidator();
  for (const { line, fields } of rows) validator.add(line, fields);
  return validator.result();
}

/** At most this many problems are listed (the count says how many there were). */
const listedProblems = 1000;

/**
 * Checks roster rows one at a time, so a large file can be checked in slices between which other
 * sessions get their turn. All or nothing: `result()` lists the problems if there is any.
 */
export class RosterValidator {
  readonly #problems: RosterProblem[] = [];
  readonly #entries: RosterEntry[] = [];
  readonly #lineOfId = new Map<string, number>();
  #count = 0;

  add(line: number, fields: Record<string, unknown>): void {
    const problem = (field: string | null, text: string) => {
      this.#count += 1;
      if (this.#problems.length < listedProblems) this.#problems.push({ line, field, problem: text });
    };
    const text = (key: string) => {
      const value = Object.hasOwn(fields, key) ? fields[key] : undefined;
      return value === undefined || value === null ? '' : String(value).trim();
    };
    const keys = Object.keys(fields);
    if (keys.length > rosterLimits.columns) return problem(null, `the row has ${keys.length} fields; at most ${rosterLimits.columns} are read`);
    const id = text('id');
    if (id === '') return problem('id', 'id is empty');
    const idWrong = idProblem(id);
    if (idWrong) return problem('id', idWrong);
    const earlier = this.#lineOfId.get(id);
    if (earlier !== undefined) return problem('id', `id "${id}" already appears on line ${earlier}`);
    this.#lineOfId.set(id, line);
    const roleText = text('role').toLowerCase() || 'participant';
    const role = normalizeRole(roleText);
    if (!role) problem('role', `role "${roleText.slice(0, 40)}" is not one of ${rosterRoles.join(', ')}`);
    const name = text('name');
    if (name.length > rosterLimits.nameChars) problem('name', `name is longer than ${rosterLimits.nameChars} characters`);
    if (controlCharacters.test(name)) problem('name', 'name holds a control character (such as NUL)');
    const languages = text('language')
      .split('|')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '');
    for (const language of languages) {
      if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(language)) {
        problem('language', `"${language.slice(0, 40)}" is not a language code such as en or fr`);
      }
    }
    if (new Set(languages).size > rosterLimits.languages) problem('language', `at most ${rosterLimits.languages} languages per person`);
    const email = text('email');
    if (email.length > rosterLimits.emailChars) problem('email', `email is longer than ${rosterLimits.emailChars} characters`);
    else if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) problem('email', 'email is not an address');
    const attributes: Record<string, string> = Object.create(null);
    for (const key of keys) {
      if (reservedColumns.has(key)) continue;
      const keyWrong = keyProblem(key);
      if (keyWrong) {
        problem(key.slice(0, rosterLimits.attributeKeyChars), keyWrong);
        continue;
      }
      const v = text(key);
      if (v.length > rosterLimits.attributeValueChars) problem(key, `the value is longer than ${rosterLimits.attributeValueChars} characters`);
      else if (controlCharacters.test(v)) problem(key, 'the value holds a control character (such as NUL)');
      else if (v !== '') attributes[key] = v;
    }
    if (this.#count > 0) return; // the file is refused: no entry is kept
    this.#entries.push({
      id,
      name: name || id,
      ...(email ? { email } : {}),
      languages: [...new Set(languages)],
      role: role ?? 'participant',
      // A plain object again for storage and views; the keys are checked, none can be "__proto__".
      attributes: { ...attributes },
    });
  }

  result(): RosterResult {
    if (this.#count === 0) return { ok: true, entries: this.#entries };
    if (this.#count > this.#problems.length) {
      const last = this.#problems.at(-1)!;
      this.#problems.push({ line: last.line, field: null, problem: `and ${this.#count - this.#problems.length} more problems` });
    }
    return fail(this.#problems);
  }
}

/**
 * Ids that are not a person's: the "@" names are Roundtable's own links (the moderator link is
 * "@moderator"), and the names of JavaScript's object machinery would find something that is no
 * roster entry in any plain object keyed by id.
 */
const objectMachinery = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function idProblem(id: string): string | null {
  if (id.length > rosterLimits.idChars) return `id is longer than ${rosterLimits.idChars} characters`;
  if (id.startsWith('@')) return `id "${id.slice(0, 40)}" is reserved: ids starting with @ name Roundtable's own links`;
  if (objectMachinery.has(id)) return `id "${id}" is reserved; choose another`;
  if (controlCharacters.test(id)) return 'id holds a control character (such as NUL)';
  return null;
}

export function keyProblem(key: string): string | null {
  if (key.length > rosterLimits.attributeKeyChars) return `the column name is longer than ${rosterLimits.attributeKeyChars} characters`;
  if (objectMachinery.has(key)) return `"${key}" cannot be a column name; choose another`;
  if (controlCharacters.test(key)) return 'the column name holds a control character (such as NUL)';
  return null;
}

function normalizeRole(role: string): RosterRole | undefined {
  const aliases: Record<string, RosterRole> = { rapporteur: 'notetaker', 'note taker': 'notetaker', 'note-taker': 'notetaker' };
  const value = aliases[role] ?? role;
  return (rosterRoles as readonly string[]).includes(value) ? (value as RosterRole) : undefined;
}

function fail(problems: RosterProblem[]): { ok: false; problems: RosterProblem[] } {
  return { ok: false, problems };
}

/** Adds or updates (by id) the imported people; nobody is removed, invite links stay valid. */
export function importRoster(state: SessionState, actor: Actor, entries: RosterEntry[], ctx: Pick<Context, 'now'>): Transition {
  authorize(actor, 'roster.import');
  // Checked here too, whatever read the entries: an id such as "@moderator" would be taken for the moderator link.
  const refused = entries.flatMap((e) => {
    const problem = idProblem(e.id);
    return problem ? [{ field: 'id', problem }] : [];
  });
  if (refused.length > 0) throw badInput('Some ids cannot be used; nothing was imported.', refused);
  let added = 0;
  let updated = 0;
  return change(state, ctx, actor, 'roster.import', (d) => {
    for (const entry of entries) {
      const existing = memberOf(d, entry.id);
      if (existing) updated += 1;
      else added += 1;
      // What the person said and did in the session (their shown name, language, consent, voice
      // only) is theirs, not the roster file's: an update of the file mid-event keeps them joined.
      const { displayName, language, consentedAt, consentedTerms, voiceOnly } = existing ?? {};
      d.roster[entry.id] = {
        ...entry,
        tokenVersion: existing?.tokenVersion ?? 1,
        ...(displayName !== undefined ? { displayName } : {}),
        ...(language !== undefined ? { language } : {}),
        ...(consentedAt !== undefined ? { consentedAt } : {}),
        ...(consentedTerms !== undefined ? { consentedTerms } : {}),
        ...(voiceOnly !== undefined ? { voiceOnly } : {}),
      };
    }
    return { added, updated };
  });
}

/** The moderator link has no roster id; it is revoked under this name. */
export const moderatorLinkId = '@moderator';

/** The roles `{ all: "participants" }` revokes: everyone who sits at a table. */
export const tableRoles: readonly RosterRole[] = ['participant', 'facilitator', 'notetaker'];

/** Invalidates, in one change, the links of everyone at a table, or of everyone including the moderator link. */
export function revokeInvites(state: SessionState, actor: Actor, which: 'participants' | 'everyone', ctx: Pick<Context, 'now'>): Transition {
  authorize(actor, 'invite.revoke');
  return change(state, ctx, actor, 'invite.revoke', (d) => {
    let count = 0;
    for (const member of Object.values(d.roster)) {
      if (which === 'participants' && !tableRoles.includes(member.role)) continue;
      member.tokenVersion += 1;
      count++;
    }
    if (which === 'everyone') d.moderatorTokenVersion += 1;
    return { all: which, count };
  });
}

/** Invalidates every invite link issued so far to one member (or the moderator link). */
export function revokeInvite(state: SessionState, actor: Actor, memberId: string, ctx: Pick<Context, 'now'>): Transition {
  authorize(actor, 'invite.revoke');
  if (memberId !== moderatorLinkId && !memberOf(state, memberId)) throw notFound(`Nobody with id ${memberId} is on the roster.`);
  return change(state, ctx, actor, 'invite.revoke', (d) => {
    if (memberId === moderatorLinkId) d.moderatorTokenVersion += 1;
    else memberOf(d, memberId)!.tokenVersion += 1;
    return { memberId };
  });
}
