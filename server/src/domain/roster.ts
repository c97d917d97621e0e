import { parse } from 'csv-parse/sync';
import { rosterRoles, type RosterEntry, type RosterRole, type RosterProblem } from '../../../shared/roster';
import { notFound } from './errors';
import { authorize, type Actor } from './roles';
import type { SessionState } from './session';
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
  const lines = recordStartLines(new TextEncoder().encode(text), ends, records.length);
  const [header, ...body] = records;
  if (!header) return fail([{ line: 1, field: null, problem: 'the file is empty' }]);
  const headerLine = lines[0] ?? 1;
  const columns = header.map((c) => c.trim());
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') return fail([{ line: headerLine, field: null, problem: 'a column has no name' }]);
    if (seen.has(column)) return fail([{ line: headerLine, field: column, problem: `column "${column}" appears twice` }]);
    seen.add(column);
  }
  if (!seen.has('id')) return fail([{ line: headerLine, field: 'id', problem: 'the header has no "id" column' }]);
  if (body.length === 0) return fail([{ line: headerLine + 1, field: null, problem: 'the file has a header but no participants' }]);
  const rows = body.map((record, i) => ({
    line: lines[i + 1]!,
    fields: Object.fromEntries(columns.map((c, j) => [c, (record[j] ?? '').trim()])),
  }));
  return validateRosterRows(rows);
}

/**
 * The line (from 1) on which each of the first `count` records starts, given the byte offset at
 * which each record ended. A line break is CRLF, LF or a lone CR, inside quotes or not; empty lines
 * between records are skipped, as the parser skips them.
 */
function recordStartLines(bytes: Uint8Array, ends: number[], count: number): number[] {
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
  const problems: RosterProblem[] = [];
  const entries: RosterEntry[] = [];
  const lineOfId = new Map<string, number>();
  for (const { line, fields } of rows) {
    const text = (key: string) => (fields[key] === undefined || fields[key] === null ? '' : String(fields[key]).trim());
    const id = text('id');
    if (id === '') {
      problems.push({ line, field: 'id', problem: 'id is empty' });
      continue;
    }
    if (id.length > 128) problems.push({ line, field: 'id', problem: 'id is longer than 128 characters' });
    const earlier = lineOfId.get(id);
    if (earlier !== undefined) {
      problems.push({ line, field: 'id', problem: `id "${id}" already appears on line ${earlier}` });
      continue;
    }
    lineOfId.set(id, line);
    const roleText = text('role').toLowerCase() || 'participant';
    const role = normalizeRole(roleText);
    if (!role) problems.push({ line, field: 'role', problem: `role "${roleText}" is not one of ${rosterRoles.join(', ')}` });
    const languages = text('language')
      .split('|')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '');
    for (const language of languages) {
      if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(language)) {
        problems.push({ line, field: 'language', problem: `"${language}" is not a language code such as en or fr` });
      }
    }
    const email = text('email');
    if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) problems.push({ line, field: 'email', problem: 'email is not an address' });
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (reservedColumns.has(key)) continue;
      const v = text(key);
      if (v !== '') attributes[key] = v;
    }
    entries.push({
      id,
      name: text('name') || id,
      ...(email ? { email } : {}),
      languages: [...new Set(languages)],
      role: role ?? 'participant',
      attributes,
    });
  }
  return problems.length > 0 ? fail(problems) : { ok: true, entries };
}

function normalizeRole(role: string): RosterRole | undefined {
  const aliases: Record<string, RosterRole> = { rapporteur: 'notetaker', 'note taker': 'notetaker', 'note-taker': 'notetaker' };
  const value = aliases[role] ?? role;
  return (rosterRoles as readonly string[]).includes(value) ? (value as RosterRole) : undefined;
}

function fail(problems: RosterProblem[]): RosterResult {
  return { ok: false, problems };
}

/** Adds or updates (by id) the imported people; nobody is removed, invite links stay valid. */
export function importRoster(state: SessionState, actor: Actor, entries: RosterEntry[], ctx: Pick<Context, 'now'>): Transition {
  authorize(actor, 'roster.import');
  let added = 0;
  let updated = 0;
  return change(state, ctx, actor, 'roster.import', (d) => {
    for (const entry of entries) {
      const existing = d.roster[entry.id];
      if (existing) updated += 1;
      else added += 1;
      d.roster[entry.id] = { ...entry, tokenVersion: existing?.tokenVersion ?? 1 };
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
  if (memberId !== moderatorLinkId && !state.roster[memberId]) throw notFound(`Nobody with id ${memberId} is on the roster.`);
  return change(state, ctx, actor, 'invite.revoke', (d) => {
    if (memberId === moderatorLinkId) d.moderatorTokenVersion += 1;
    else d.roster[memberId]!.tokenVersion += 1;
    return { memberId };
  });
}
