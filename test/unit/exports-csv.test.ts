import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { runGroup } from '../../server/src/cli/group';
import { readRound } from '../../server/src/cli/input-files';
import { neutralizeCell, restoreCell, toCsv } from '../../server/src/exports/csv';

const formulas = ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1'];

describe('CSV written by Roundtable', () => {
  it('neutralizes every cell a spreadsheet would take for a formula, and nothing else', () => {
    for (const f of formulas) expect(neutralizeCell(f)).toBe(`'${f}`);
    for (const plain of ['p1', 'Ama', '', "'quoted", '1-2', 'a=b']) expect(neutralizeCell(plain)).toBe(plain);
  });

  it('writes RFC 4180 rows that read back as written, with no cell starting a formula', () => {
    const rows = [...formulas.map((f, i) => [f, `g${i}`]), ['comma, "quote"\nline', 3]];
    const csv = toCsv(['id', 'group'], rows);
    const read = parse(csv) as string[][];
    expect(read[0]).toEqual(['id', 'group']);
    for (const [cell] of read.slice(1)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(read.slice(1).map((r) => r.map(restoreCell))).toEqual(rows.map((r) => r.map(String)));
  });

  it('is read back by `roundtable group --previous` as the ids it was given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-csv-'));
    try {
      const path = join(dir, 'round1.csv');
      writeFileSync(path, toCsv(['id', 'group'], [['=p1', 'g1'], ['-p2', 'g1'], ['@p3', 'g2'], ['p4', 'g2']]));
      expect(readRound(path)).toEqual([['=p1', '-p2'], ['@p3', 'p4']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is how `roundtable group --out` writes ids a spreadsheet would run as formulas: as plain text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-csv-'));
    const summary = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const ids = ['=1+2', '+p2', '-p3', '=SUM(p4)', 'p5', 'p6', 'p7', 'p8'];
      const input = join(dir, 'roster.csv');
      writeFileSync(input, 'id,name,country,language,role\n' + ids.map((id, i) => `${id},Person ${i},c${i % 4},en,participant`).join('\n') + '\n');
      const out = join(dir, 'groups.csv');
      expect(await runGroup(['--participants', input, '--out', out, '--size', '4'])).toBe(0);
      const rows = parse(readFileSync(out, 'utf8')) as string[][];
      for (const [cell] of rows.slice(1)) expect(cell).not.toMatch(/^[=+\-@]/);
      expect(rows.slice(1).map((r) => restoreCell(r[0]!)).sort()).toEqual([...ids].sort());
      expect(readRound(out).flat().sort()).toEqual([...ids].sort());
    } finally {
      summary.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
