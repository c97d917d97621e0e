import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { parseRosterCsv } from '../domain/roster';
import { csvLineOfId } from '../domain/roster-lines';
import type { RosterEntry } from '../../../shared/roster';
import { UsageError } from './usage-error';
import { restoreCell } from '../exports/csv';

export interface RosterFile {
  entries: RosterEntry[];
  /** The line a participant's row starts on, to point the organizer at it. */
  lineOf: (id: string) => number | undefined;
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read the ${what} file ${path}: ${reason}`);
  }
}

export function readRoster(path: string): RosterFile {
  const text = readText(path, 'participants');
  const parsed = parseRosterCsv(text);
  if (!parsed.ok) {
    const lines = parsed.problems.slice(0, 10).map((p) => `${path} line ${p.line}${p.field ? ` (${p.field})` : ''}: ${p.problem}`);
    const more = parsed.problems.length > 10 ? `\n… and ${parsed.problems.length - 10} more problems` : '';
    throw new UsageError(`the participants file has problems, nothing was written:\n${lines.join('\n')}${more}`);
  }
  return { entries: parsed.entries, lineOf: csvLineOfId(text) };
}

/** An earlier round as written by this command: CSV with `id` and `group` columns. */
export function readRound(path: string): string[][] {
  const text = readText(path, 'previous round');
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, { bom: true, columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  } catch (error) {
    throw new UsageError(`the previous round ${path} is not valid CSV: ${(error as Error).message}`);
  }
  if (rows.length === 0) throw new UsageError(`the previous round ${path} has no rows`);
  if (!('id' in (rows[0] as object)) || !('group' in (rows[0] as object))) {
    throw new UsageError(`the previous round ${path} needs the columns id and group (as written by roundtable group)`);
  }
  const groups = new Map<string, string[]>();
  rows.forEach((row, k) => {
    const id = restoreCell(row.id ?? '');
    const group = restoreCell(row.group ?? '');
    if (id === '' || group === '') throw new UsageError(`the previous round ${path} line ${k + 2}: id and group must both be filled in`);
    const members = groups.get(group);
    if (members) members.push(id);
    else groups.set(group, [id]);
  });
  return [...groups.values()];
}
