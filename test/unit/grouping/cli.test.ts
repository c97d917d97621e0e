import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'roundtable-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const file = (content: string) => {
  const path = join(dir, `in-${++files}.csv`);
  writeFileSync(path, content);
  return path;
};

function roundtable(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(repoRoot, 'bin/roundtable.mjs'), ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const roster = (n: number) =>
  'id,name,country,gender,language,role\n' +
  Array.from({ length: n }, (_, i) => `p${i},Person ${i},c${i % 6},${['f', 'm'][i % 2]},${i % 4 === 0 ? 'en|fr' : 'en'},${i === 0 ? 'observer' : i % 5 === 1 ? 'facilitator' : 'participant'}`).join('\n') +
  '\n';

/** Runs `group` expecting failure: exit 2, the message on stderr, no output file. */
async function expectRefusal(args: string[], message: RegExp) {
  const out = join(dir, `out-${++files}.csv`);
  const result = await roundtable(['group', ...args, '--out', out]);
  expect(result.stderr).toMatch(message);
  expect(result.code).toBe(2);
  expect(existsSync(out)).toBe(false);
}

// Each test starts Node processes that compile the CLI on the fly: on two shared, loaded cores one
// run can take tens of seconds, well past the default limit.
describe.concurrent('roundtable group', { timeout: 120_000 }, () => {
  it('writes id,group rows for everyone but observers and summarizes on stderr', async () => {
    const input = file(roster(31));
    const out = join(dir, 'groups.csv');
    const result = await roundtable(['group', '--participants', input, '--out', out, '--seed', '7', '--weights', 'country=2']);
    expect(result.code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,group');
    expect(rows.slice(1).map((r) => r.split(',')[0]).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `p${i + 1}`).sort());
    expect(new Set(rows.slice(1).map((r) => r.split(',')[1])).size).toBe(6);
    expect(result.stderr).toMatch(/30 participants in 6 groups/);
    expect(result.stderr).toMatch(/ratio \d\.\d{3}/);
    expect(result.stderr).toMatch(/diverse-exchange 1\.0\.0, seed 7/);

    const again = join(dir, 'groups-again.csv');
    await roundtable(['group', '--participants', input, '--out', again, '--seed', '7', '--weights', 'country=2']);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));

    const next = join(dir, 'round2.csv');
    const second = await roundtable(['group', '--participants', input, '--out', next, '--previous', out, '--size', '3', '--attributes', 'country']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/repeated pairs: 0/);
  });

  it('refuses a roster without an id column', async () => {
    await expectRefusal(['--participants', file('name,language\nAda,en\n')], /line 1 \(id\): the header has no "id" column/);
  });

  it('refuses duplicate ids, naming both lines', async () => {
    await expectRefusal(['--participants', file('id,language\na,en\nb,en\na,en\n')], /line 4 \(id\): id "a" already appears on line 2/);
  });

  it('refuses an empty file', async () => {
    await expectRefusal(['--participants', file('')], /the file is empty/);
  });

  it('seats someone who speaks none of the group languages by the language rule, naming the line', async () => {
    const input = file('id,language,role\na,en,facilitator\nb,en,\nc,en|es,\nd,es,\ne,fr,\nf,en,\n');
    const out = join(dir, `out-${++files}.csv`);
    const result = await roundtable(['group', '--participants', input, '--out', out, '--languages', 'en', '--size', '3']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/language: "d" \(.* line 5\) speaks none of the group languages; seated in g\d with "c" \(.* line 4\), who also speaks es/);
    expect(result.stderr).toMatch(/language: "e" \(.* line 6\) speaks none of the group languages and nobody present can interpret; placed in g\d/);
    const group = new Map(readFileSync(out, 'utf8').trim().split('\n').slice(1).map((r) => r.split(',') as [string, string]));
    expect(group.get('d')).toBe(group.get('c'));
  });

  it('holds no group under --min-size and reshuffles to other groups with --other-than', async () => {
    const input = file(roster(16));
    const first = join(dir, `out-${++files}.csv`);
    expect((await roundtable(['group', '--participants', input, '--out', first, '--size', '4', '--min-size', '4'])).code).toBe(0);
    const sizes = (path: string) => [...readFileSync(path, 'utf8').trim().split('\n').slice(1).reduce((m, r) => m.set(r.split(',')[1]!, (m.get(r.split(',')[1]!) ?? 0) + 1), new Map<string, number>()).values()].sort();
    expect(Math.min(...sizes(first))).toBeGreaterThanOrEqual(4);
    const second = join(dir, `out-${++files}.csv`);
    expect((await roundtable(['group', '--participants', input, '--out', second, '--size', '4', '--min-size', '4', '--other-than', first])).code).toBe(0);
    expect(readFileSync(second, 'utf8')).not.toBe(readFileSync(first, 'utf8'));
    await expectRefusal(['--participants', input, '--size', '4', '--min-size', '5'], /--min-size must be a whole number from 1 to 4/);
  });

  it('refuses an unknown option and a bad size', async () => {
    await expectRefusal(['--participants', file(roster(10)), '--colour', 'red'], /Unknown option '--colour'/);
    await expectRefusal(['--participants', file(roster(10)), '--size', '20'], /--size must be a whole number from 3 to 12/);
  });

  it('refuses an unreadable file and an unknown attribute', async () => {
    await expectRefusal(['--participants', join(dir, 'missing.csv')], /cannot read the participants file .*missing\.csv: no such file/);
    await expectRefusal(['--participants', file(roster(10)), '--attributes', 'height'], /no attribute column "height" \(it has: country, gender\)/);
  });
});
