import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { diverseAssigner } from '../grouping/diverse';
import { GroupingError } from '../grouping/errors';
import type { Assignment, GroupingMember, GroupingNotice } from '../grouping/types';
import { readRoster, readRound } from './input-files';
import { UsageError } from './usage-error';
import { toCsv } from '../exports/csv';

const help = `usage: roundtable group --participants IN.csv --out OUT.csv [options]

Assigns everyone on the roster (except observers and moderators) to breakout groups that share a
discussion language, with a facilitator and a note taker each where there are enough, as diverse as
possible over the roster's attribute columns. Writes "id,group" rows; a summary goes to stderr.

options:
  --participants FILE    roster CSV: id, optional name, email, language (a|b), role, attribute columns
  --out FILE             where to write the groups (not written at all if anything is wrong)
  --size N               target group size, 3 to 12 (default 5): as many groups of exactly N as
                         possible, the others N-1 or N+1
  --min-size N           no group smaller than N, 1 to --size (default 3); people whose language
                         cannot fill one join other groups by the language rule (see README)
  --languages en,fr      the languages groups may be held in (default: every language listed);
                         people who speak none of them are seated by the language rule
  --other-than FILE      a reshuffle: other groups of the same quality than this "id,group" file,
                         where such groups exist
  --seed N               seed; the same seed and input give the same groups (default 1)
  --attributes a,b,c     only these columns count for diversity (default: every attribute column)
  --weights a=2,b=1      weight per attribute (default 1)
  --previous R1.csv,…    earlier rounds ("id,group" files): pairs who met should not meet again
  --time-budget-ms N     stop searching after N ms (the result may then differ between machines)`;

const identityColumns = new Set(['id', 'name', 'email', 'language', 'role']);

interface GroupOptions {
  participants: string;
  out: string;
  size: number;
  minSize?: number;
  languages?: string[];
  otherThan?: string;
  seed: number;
  attributes?: string[];
  weights?: Record<string, number>;
  previous: string[];
  timeBudgetMs?: number;
}

export async function runGroup(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options === 'help') {
    process.stderr.write(`${help}\n`);
    return 0;
  }
  const roster = readRoster(options.participants);
  const members: GroupingMember[] = roster.entries.flatMap((e) =>
    e.role === 'participant' || e.role === 'facilitator' || e.role === 'notetaker'
      ? [{ id: e.id, languages: e.languages, role: e.role, attributes: e.attributes }]
      : [],
  );
  if (members.length === 0) throw new UsageError(`${options.participants} lists no one to place in groups (only observers or moderators)`);
  checkAttributes(options, members);
  const previousRounds = options.previous.map(readRound);

  const started = performance.now();
  let assignment: Assignment;
  try {
    assignment = diverseAssigner.assign({
      members,
      groupSize: options.size,
      seed: options.seed,
      previousRounds,
      ...(options.minSize !== undefined ? { minGroupSize: options.minSize } : {}),
      ...(options.languages ? { groupLanguages: options.languages } : {}),
      ...(options.otherThan ? { differentFrom: readRound(options.otherThan) } : {}),
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.weights ? { weights: options.weights } : {}),
      ...(options.timeBudgetMs !== undefined ? { timeBudgetMs: options.timeBudgetMs } : {}),
    });
  } catch (error) {
    if (!(error instanceof GroupingError)) throw error;
    const line = error.memberId === undefined ? undefined : roster.lineOf(error.memberId);
    throw new UsageError(`${line === undefined ? '' : `${options.participants} line ${line}: `}${error.message}; nothing was written`);
  }
  const elapsed = performance.now() - started;

  writeAtomically(options.out, toCsv(['id', 'group'], assignment.groups.flatMap((g) => g.members.map((id) => [id, g.id]))));
  process.stderr.write(summary(assignment, roster.entries.length - members.length, elapsed, options.out));
  for (const notice of assignment.notices) process.stderr.write(`${describeNotice(notice, assignment, (id) => roster.lineOf(id), options.participants)}\n`);
  return 0;
}

function parseOptions(argv: string[]): GroupOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        participants: { type: 'string' },
        out: { type: 'string' },
        size: { type: 'string' },
        'min-size': { type: 'string' },
        languages: { type: 'string' },
        'other-than': { type: 'string' },
        seed: { type: 'string' },
        attributes: { type: 'string' },
        weights: { type: 'string' },
        previous: { type: 'string' },
        'time-budget-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}\n(roundtable group --help lists the options)`);
  }
  if (values.help) return 'help';
  const text = (name: string) => values[name] as string | undefined;
  const participants = text('participants');
  const out = text('out');
  if (!participants) throw new UsageError('--participants IN.csv is required');
  if (!out) throw new UsageError('--out OUT.csv is required');
  const list = (name: string) => text(name)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const timeBudget = text('time-budget-ms');
  const size = integer('--size', text('size') ?? '5', 3, 12);
  const minSize = text('min-size');
  const otherThan = text('other-than');
  return {
    participants,
    out,
    size,
    ...(minSize !== undefined ? { minSize: integer('--min-size', minSize, 1, size) } : {}),
    ...(list('languages') ? { languages: list('languages')!.map((l) => l.toLowerCase()) } : {}),
    ...(otherThan ? { otherThan } : {}),
    seed: integer('--seed', text('seed') ?? '1', -(2 ** 31), 2 ** 31 - 1),
    ...(list('attributes') ? { attributes: list('attributes') } : {}),
    ...(text('weights') !== undefined ? { weights: parseWeights(text('weights') as string) } : {}),
    previous: list('previous') ?? [],
    ...(timeBudget !== undefined ? { timeBudgetMs: integer('--time-budget-ms', timeBudget, 1, 3_600_000) } : {}),
  };
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

function parseWeights(raw: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const match = /^([^=]+)=(.+)$/.exec(part);
    const value = Number(match?.[2]);
    if (!match || !Number.isFinite(value) || value < 0) throw new UsageError(`--weights takes attribute=number pairs such as country=2,gender=1, not "${part}"`);
    weights[(match[1] as string).trim()] = value;
  }
  return weights;
}

/** Names in --attributes and --weights must be attribute columns of this roster. */
function checkAttributes(options: GroupOptions, members: GroupingMember[]): void {
  const known = new Set(members.flatMap((m) => Object.keys(m.attributes)));
  const named = [...(options.attributes ?? []), ...Object.keys(options.weights ?? {})];
  for (const name of named) {
    if (identityColumns.has(name)) throw new UsageError(`"${name}" identifies a person or their place; it cannot be an attribute for diversity`);
    if (!known.has(name)) throw new UsageError(`the roster has no attribute column "${name}" (it has: ${[...known].sort().join(', ') || 'none'})`);
  }
}

/** Write beside the target, then rename: a failure leaves no half-written groups file behind. */
function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function summary(a: Assignment, leftOut: number, ms: number, out: string): string {
  const sizes = new Map<number, number>();
  const languages = new Map<string, number>();
  for (const g of a.groups) {
    sizes.set(g.members.length, (sizes.get(g.members.length) ?? 0) + 1);
    languages.set(g.language || '(none)', (languages.get(g.language || '(none)') ?? 0) + 1);
  }
  const people = a.groups.reduce((s, g) => s + g.members.length, 0);
  const ratio = a.upperBound > 0 ? a.score / a.upperBound : 1;
  const lines = [
    `${plural(people, 'participant')} in ${plural(a.groups.length, 'group')} → ${out}${leftOut > 0 ? ` (${plural(leftOut, 'observer or moderator', 'observers and moderators')} not placed)` : ''}`,
    `sizes: ${[...sizes].sort((x, y) => x[0] - y[0]).map(([s, k]) => `${k} × ${s}`).join(', ')}`,
    `languages: ${[...languages].map(([l, k]) => `${l} ${k}`).join(', ')}`,
    `diversity: ${round(a.score)} of at most ${round(a.upperBound)} (ratio ${ratio.toFixed(3)})`,
    `same-value pairs: ${a.sameValuePairs}`,
    `repeated pairs: ${a.repeatedPairs.length}${a.repeatedPairs.length > 0 ? ` (${a.repeatedPairs.slice(0, 5).map((p) => p.join('+')).join(', ')}${a.repeatedPairs.length > 5 ? ', …' : ''})` : ''}`,
    `${a.algorithm} ${a.version}, seed ${a.seed}, ${Math.round(ms)} ms${a.timedOut ? ' (stopped by the time budget: another machine may give other groups)' : ''}`,
  ];
  return lines.join('\n') + '\n';
}

/** One line per rule the engine applied, pointing at the roster lines concerned. */
function describeNotice(notice: GroupingNotice, a: Assignment, lineOf: (id: string) => number | undefined, file: string): string {
  const who = (id: string) => `"${id}"${lineOf(id) === undefined ? '' : ` (${file} line ${lineOf(id)})`}`;
  const groupOf = (id: string) => a.groups.find((g) => g.members.includes(id))?.id ?? '?';
  switch (notice.kind) {
    case 'interpreter':
      return `language: ${who(notice.memberId)} speaks none of the group languages; seated in ${groupOf(notice.memberId)} with ${who(notice.interpreterId)}, who also speaks ${notice.language}`;
    case 'ownLanguage':
      return `language: ${who(notice.memberId)} speaks none of the group languages; ${groupOf(notice.memberId)} is held in ${notice.language}, which enough of those present share`;
    case 'noSharedLanguage':
      return `language: ${who(notice.memberId)} speaks none of the group languages and nobody present can interpret; placed in ${groupOf(notice.memberId)}`;
    case 'smallGroup':
      return `size: ${notice.groupId} has ${plural(notice.size, 'person', 'people')}, under the minimum of ${notice.minimum}: too few who share its language could join it`;
  }
}

const plural = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
