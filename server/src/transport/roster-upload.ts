import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { RosterJsonRow } from '../../../shared/api';
import type { RosterProblem } from '../../../shared/roster';
import { RosterValidator, csvFields, csvHeader, keyProblem, recordStartLines, type RosterResult } from '../domain/roster';

/** How large one roster file may be; README's configuration table lists the variables that set them. */
export interface RosterFileLimits {
  /** People (rows) in one file. */
  maxRows: number;
  /** Bytes of one file, CSV or JSON. */
  maxBytes: number;
}

// Work done between two turns of the event loop: small enough that every other session's
// commands, the notes and /healthz keep answering while a large roster is read.
const bytesPerTurn = 64 * 1024;
const rowsPerTurn = 500;

const tooMany = (line: number, max: number): RosterProblem => ({
  line,
  field: null,
  problem: `a roster may list at most ${max.toLocaleString('en')} people; this one lists more (from this line). Import it in parts: each import adds or updates people by id.`,
});

/**
 * Reads a roster in RFC 4180 CSV as `parseRosterCsv` does, a slice at a time, yielding to the
 * event loop between slices; stops reading at the row past `maxRows`.
 */
export async function readRosterCsv(text: string, limits: RosterFileLimits): Promise<RosterResult> {
  if (text.trim() === '') return { ok: false, problems: [{ line: 1, field: null, problem: 'the file is empty' }] };
  const bytes = Buffer.from(text, 'utf8');
  const records: string[][] = [];
  const ends: number[] = [];
  let full = false;
  let failure: Error | null = null;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    on_record: (record: string[], context: { bytes: number }) => {
      if (full) return null;
      ends.push(context.bytes);
      records.push(record);
      // The header, the rows allowed, and one more to point at.
      full = records.length > limits.maxRows + 1;
      return null; // kept here, not passed down the stream
    },
  });
  parser.on('error', (error: Error) => {
    failure ??= error;
  });
  parser.resume();
  for (let at = 0; at < bytes.length && !failure && !full; at += bytesPerTurn) {
    parser.write(bytes.subarray(at, at + bytesPerTurn));
    await nextTurn();
  }
  if (!failure && !full) {
    parser.end();
    await finished(parser).catch((error: Error) => {
      failure ??= error;
    });
  } else {
    parser.destroy();
  }
  if (failure) {
    const line = recordStartLines(bytes, ends, ends.length + 1).at(-1) ?? 1;
    return { ok: false, problems: [{ line, field: null, problem: `not valid CSV: ${(failure as Error).message}` }] };
  }
  const lines = recordStartLines(bytes, ends, records.length);
  if (full) return { ok: false, problems: [tooMany(lines.at(-1)!, limits.maxRows)] };
  const header = csvHeader(records, lines);
  if (!header.ok) return header;
  const validator = new RosterValidator();
  for (let i = 1; i < records.length; i++) {
    validator.add(lines[i]!, csvFields(header.columns, records[i]!));
    if (i % rowsPerTurn === 0) await nextTurn();
  }
  return validator.result();
}

const JsonRoster = z.union([z.array(z.unknown()), z.object({ participants: z.array(z.unknown()) })]);

/**
 * A roster sent as JSON (an array of rows, or `{ participants }`): the CSV's fields, attributes as
 * extra keys or in `attributes`. Line numbers count from 2, like rows of a file with a header.
 */
export async function readRosterJson(body: unknown, limits: RosterFileLimits): Promise<RosterResult> {
  const parsed = JsonRoster.parse(body);
  const rows = Array.isArray(parsed) ? parsed : parsed.participants;
  if (rows.length > limits.maxRows) return { ok: false, problems: [tooMany(limits.maxRows + 2, limits.maxRows)] };
  const validator = new RosterValidator();
  const refused: RosterProblem[] = [];
  for (let i = 0; i < rows.length; i++) {
    const line = i + 2;
    const raw = rows[i];
    // Checked before zod, which would silently drop a "__proto__" key.
    const keys = rawKeys(raw);
    const wrongKey = keys.map((key) => [key, keyProblem(key)] as const).find(([, problem]) => problem !== null);
    const row = RosterJsonRow.safeParse(raw);
    if (wrongKey) refused.push({ line, field: wrongKey[0].slice(0, 64), problem: wrongKey[1]! });
    else if (!row.success) {
      const issue = row.error.issues[0]!;
      refused.push({ line, field: issue.path.length > 0 ? issue.path.map(String).join('.') : null, problem: issue.message });
    } else {
      const { attributes, language, ...rest } = row.data;
      validator.add(line, { ...attributes, ...rest, language: Array.isArray(language) ? language.join('|') : language });
    }
    if (i % rowsPerTurn === rowsPerTurn - 1) await nextTurn();
  }
  const result = validator.result();
  if (refused.length === 0) return result;
  const problems = [...refused, ...(result.ok ? [] : result.problems)].sort((a, b) => a.line - b.line);
  return { ok: false, problems: problems.slice(0, 1000) };
}

function rawKeys(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const keys = Object.keys(raw);
  const attributes = (raw as Record<string, unknown>).attributes;
  if (Object.hasOwn(raw, 'attributes') && typeof attributes === 'object' && attributes !== null) keys.push(...Object.keys(attributes));
  return keys;
}
