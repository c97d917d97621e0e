/**
 * Grouping benchmark: Roundtable's diverse assigner beside the bench's three reference methods
 * (random, letter, exchange), all scored by the same ../shared/tools/grouping-bench/score.mjs.
 * Run: npx tsx -e "import('./test/bench/grouping.ts').then(m=>m.run())"
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRosterCsv } from '../../server/src/domain/roster';
import { diverseAssigner } from '../../server/src/grouping/diverse';
import type { Assignment, GroupingMember, GroupingRequest } from '../../server/src/grouping/types';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const toolsDir = resolve(repoRoot, '../shared/tools/grouping-bench');
const references = ['random', 'letter', 'exchange'] as const;

interface ScoreReport {
  valid: boolean;
  sizes: number[];
  errors: string[];
  ratio: number;
  poolRatio: number;
  tightRatio: number;
  samePairs: number;
  pairsRatio: number;
  roleShortfall: number;
  repeatedPairs: number;
}

/** One line of the table: what score.mjs reported, for which roster and method, in how long. */
interface Row extends Omit<ScoreReport, 'errors' | 'repeatedPairs'> {
  roster: string;
  method: string;
  repeatedPairs?: number;
  ms: number;
}

function tool(script: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(toolsDir, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function generate(dir: string, name: string, n: number, shape = 'normal'): string {
  const out = join(dir, `${name}.csv`);
  const made = tool('gen.mjs', ['--n', String(n), '--seed', '11', '--shape', shape, '--out', out]);
  if (made.status !== 0) throw new Error(`gen.mjs failed: ${made.stderr}`);
  return out;
}

function scoreFile(roster: string, assignment: string, previous: string[] = []): ScoreReport {
  const args = ['--participants', roster, '--assignment', assignment, '--json'];
  if (previous.length > 0) args.push('--previous', previous.join(','));
  const scored = tool('score.mjs', args);
  const report = JSON.parse(scored.stdout) as ScoreReport;
  if ((scored.status === 0) !== report.valid) throw new Error(`score.mjs exit ${scored.status} disagrees with its report`);
  return report;
}

function reference(dir: string, roster: string, method: string, seed = 1): { file: string; ms: number } {
  const file = join(dir, `${method}-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  const made = tool('baselines.mjs', ['--method', method, '--participants', roster, '--out', file, '--seed', String(seed)]);
  if (made.status !== 0) throw new Error(`baselines.mjs --method ${method} failed: ${made.stderr}`);
  const ms = Number(/in (\d+) ms/.exec(made.stderr)?.[1] ?? NaN);
  return { file, ms };
}

function membersOf(roster: string): GroupingMember[] {
  const parsed = parseRosterCsv(readFileSync(roster, 'utf8'));
  if (!parsed.ok) throw new Error(`roster ${roster}: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
  return parsed.entries.flatMap((e) =>
    e.role === 'participant' || e.role === 'facilitator' || e.role === 'notetaker'
      ? [{ id: e.id, languages: e.languages, role: e.role, attributes: e.attributes }]
      : [],
  );
}

function ours(dir: string, roster: string, extra: Partial<GroupingRequest> = {}): { file: string; ms: number; assignment: Assignment } {
  const members = membersOf(roster);
  const started = performance.now();
  const assignment = diverseAssigner.assign({ members, groupSize: 5, seed: 11, ...extra });
  const ms = performance.now() - started;
  const file = join(dir, `ours-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, 'id,group\n' + assignment.groups.flatMap((g) => g.members.map((id) => `${id},${g.id}`)).join('\n') + '\n');
  return { file, ms, assignment };
}

function row(label: string, method: string, report: ScoreReport, ms: number, withRepeats = false): Row {
  return {
    roster: label,
    method,
    valid: report.valid,
    sizes: report.sizes,
    ratio: report.ratio,
    poolRatio: report.poolRatio,
    tightRatio: report.tightRatio,
    samePairs: report.samePairs,
    pairsRatio: report.pairsRatio,
    roleShortfall: report.roleShortfall,
    ...(withRepeats ? { repeatedPairs: report.repeatedPairs } : {}),
    ms,
  };
}

/**
 * 14 people in an en/fr session: two Spanish-only, three en|fr, five fr, four en of whom one
 * facilitator also speaks Spanish. The references know nothing of session languages: on the roster
 * as it is they hold Spanish as a pool of its own. Roundtable seats the two with their interpreter
 * by its language rule; it is scored on the roster "as interpreted" (the two counted as following
 * English through her), and the references are run on that roster too for a like-for-like row.
 */
const mixedRoster = [
  ['es1', 'es', 'participant', 'f'],
  ['es2', 'es', 'participant', 'm'],
  ['bi1', 'en|fr', 'participant', 'f'],
  ['bi2', 'en|fr', 'facilitator', 'm'],
  ['bi3', 'en|fr', 'notetaker', 'f'],
  ['fr1', 'fr', 'participant', 'f'],
  ['fr2', 'fr', 'participant', 'm'],
  ['fr3', 'fr', 'participant', 'f'],
  ['fr4', 'fr', 'notetaker', 'm'],
  ['fr5', 'fr', 'participant', 'f'],
  ['en1', 'en|es', 'facilitator', 'f'],
  ['en2', 'en', 'facilitator', 'm'],
  ['en3', 'en', 'notetaker', 'f'],
  ['en4', 'en', 'participant', 'm'],
];
const countries = ['FR', 'SN', 'CA', 'ES', 'MX', 'BE', 'UK'];

function mixedFiles(dir: string): { asIs: string; interpreted: string } {
  const write = (name: string, language: (l: string) => string) => {
    const file = join(dir, name);
    const rows = mixedRoster.map(([id, l, role, gender], i) => `${id},${countries[i % countries.length]},${gender},${language(l as string)},${role}`);
    writeFileSync(file, ['id,country,gender,language,role', ...rows].join('\n') + '\n');
    return file;
  };
  return { asIs: write('mixed.csv', (l) => l), interpreted: write('mixed-interpreted.csv', (l) => (l === 'es' ? 'es|en' : l)) };
}

function mixed(dir: string): Row[] {
  const { asIs, interpreted } = mixedFiles(dir);
  const mine = ours(dir, asIs, { groupLanguages: ['en', 'fr'] });
  const rows = [row('14 mixed', 'roundtable', scoreFile(interpreted, mine.file), mine.ms)];
  for (const method of references) {
    const ref = reference(dir, asIs, method);
    rows.push(row('14 mixed', method, scoreFile(asIs, ref.file), ref.ms));
  }
  for (const method of references) {
    const ref = reference(dir, interpreted, method);
    rows.push(row('14 mixed, interpreted', method, scoreFile(interpreted, ref.file), ref.ms));
  }
  return rows;
}

function compare(dir: string, label: string, roster: string): Row[] {
  const rows: Row[] = [];
  const mine = ours(dir, roster);
  rows.push(row(label, 'roundtable', scoreFile(roster, mine.file), mine.ms));
  for (const method of references) {
    const ref = reference(dir, roster, method);
    rows.push(row(label, method, scoreFile(roster, ref.file), ref.ms));
  }
  return rows;
}

/** Renames every attribute column (and drops one), so nothing may depend on the generator's names. */
function renamedColumns(source: string, out: string): string {
  const names: Record<string, string> = { country: 'nation', region: 'continent', gender: 'sex', age_band: 'age', education: 'schooling', stakeholder: 'sector' };
  const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
  const header = (lines[0] as string).split(',');
  const keep = header.map((h, k) => (h === 'education' ? -1 : k)).filter((k) => k >= 0);
  const rename = (cells: string[]) => keep.map((k) => cells[k]).join(',');
  writeFileSync(out, [rename(header.map((h) => names[h] ?? h)), ...lines.slice(1).map((l) => rename(l.split(',')))].join('\n') + '\n');
  return out;
}

function threeRounds(dir: string, roster: string): Row[] {
  const rows: Row[] = [];
  const previous: string[] = [];
  const previousRounds: string[][][] = [];
  for (let round = 1; round <= 3; round++) {
    const mine = ours(dir, roster, { seed: 11 + round, previousRounds });
    rows.push(row(`1,000 round ${round}`, 'roundtable', scoreFile(roster, mine.file, previous), mine.ms, true));
    // The reference knows nothing of earlier rounds: a fresh seed per round is all it can do.
    const ref = reference(dir, roster, 'exchange', round);
    rows.push(row(`1,000 round ${round}`, 'exchange', scoreFile(roster, ref.file, previous), ref.ms, true));
    previous.push(mine.file);
    previousRounds.push(mine.assignment.groups.map((g) => g.members));
  }
  return rows;
}

const fmt = (x: number) => x.toLocaleString('en-US');

function print(rows: Row[]): void {
  const header = ['roster', 'method', 'valid', 'sizes', 'ratio', 'poolRatio', 'tightRatio', 'same-value pairs', 'pairsRatio', 'role shortfall', 'repeated pairs', 'time'];
  const cells = rows.map((r) => [
    r.roster,
    r.method,
    r.valid ? 'yes' : 'NO',
    r.sizes.join('/'),
    r.ratio.toFixed(3),
    r.poolRatio.toFixed(3),
    r.tightRatio.toFixed(3),
    fmt(r.samePairs),
    r.pairsRatio.toFixed(4),
    fmt(r.roleShortfall),
    r.repeatedPairs === undefined ? '—' : fmt(r.repeatedPairs),
    `${Number.isNaN(r.ms) ? '?' : fmt(Math.round(r.ms))} ms`,
  ]);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const c of cells) console.log(`| ${c.join(' | ')} |`);
}

/** Our goals against the exchange reference on the same roster; returns what missed. */
function misses(rows: Row[]): string[] {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.method === 'roundtable')) {
    if (!r.valid) out.push(`${r.roster}: not valid`);
    if (r.repeatedPairs !== undefined && r.repeatedPairs > 0) out.push(`${r.roster}: ${r.repeatedPairs} repeated pairs`);
    if (r.roster === '10,000' && r.ms > 1000) out.push(`10,000: ${Math.round(r.ms)} ms`);
    if (r.sizes.some((s) => s < 3)) out.push(`${r.roster}: a group under 3`);
    // The mixed roster's like-for-like reference is the one run on the roster as interpreted.
    const ref = rows.find((x) => x.roster === (r.roster === '14 mixed' ? '14 mixed, interpreted' : r.roster) && x.method === 'exchange');
    // Later rounds trade diversity for new encounters by design; only round 1 is a like-for-like run.
    if (!ref || (r.repeatedPairs !== undefined && !r.roster.endsWith('round 1'))) continue;
    // An invalid reference (a pool of 7 left as one group) saves a group and so a facilitator:
    // no valid assignment can match that, so roles are compared only with a valid reference.
    if (ref.valid && r.roleShortfall > ref.roleShortfall) out.push(`${r.roster}: role shortfall ${r.roleShortfall} > exchange ${ref.roleShortfall}`);
    // Roles come before diversity: staffing a group the reference leaves without a facilitator or
    // note taker may cost some diversity, so diversity is compared only at equal role cover.
    if (r.roleShortfall < ref.roleShortfall) continue;
    if (r.ratio < ref.ratio) out.push(`${r.roster}: ratio ${r.ratio} < exchange ${ref.ratio}`);
    if (r.samePairs > ref.samePairs) out.push(`${r.roster}: same-value pairs ${r.samePairs} > exchange ${ref.samePairs}`);
    if (ref.tightRatio >= 1 && r.tightRatio < 1) out.push(`${r.roster}: tightRatio ${r.tightRatio} where exchange reaches 1.0`);
  }
  return out;
}

export async function run(): Promise<void> {
  if (!existsSync(join(toolsDir, 'score.mjs'))) {
    throw new Error(`grouping bench tools not found at ${toolsDir} (expected ../shared/tools/grouping-bench beside the repository)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-grouping-bench-'));
  try {
    const rows: Row[] = [...mixed(dir)];
    if (process.env.GROUPING_BENCH_ONLY === 'mixed') {
      print(rows);
      const missed = misses(rows);
      console.log(missed.length === 0 ? 'goals: all met' : `goals missed:\n  ${missed.join('\n  ')}`);
      return;
    }
    for (const n of [50, 500, 5000, 10000]) rows.push(...compare(dir, fmt(n), generate(dir, `n${n}`, n)));
    rows.push(...compare(dir, '500 rare', generate(dir, 'rare', 500, 'rare')));
    rows.push(...compare(dir, '500 monolingual', generate(dir, 'mono', 500, 'monolingual')));
    rows.push(...compare(dir, '500 renamed', renamedColumns(generate(dir, 'plain', 500), join(dir, 'renamed.csv'))));
    rows.push(...threeRounds(dir, generate(dir, 'n1000', 1000)));
    console.log('Grouping bench (seed 11, group size 5); roundtable = diverse-exchange, timed in process; references timed by baselines.mjs');
    print(rows);
    const missed = misses(rows);
    console.log(missed.length === 0 ? 'goals: all met' : `goals missed:\n  ${missed.join('\n  ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
