import { stringify } from 'csv-stringify/sync';

/**
 * Every CSV file Roundtable writes goes through here. A cell that begins with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is a formula to a spreadsheet (CSV injection): it gets a leading `'`,
 * which spreadsheets show as text and drop. Roundtable's own readers take the `'` off again.
 */
const formulaStart = /^[=+\-@\t\r]/;

export function neutralizeCell(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

/** The cell as it was before `neutralizeCell`, for reading back a file Roundtable wrote. */
export function restoreCell(value: string): string {
  return value.startsWith("'") && formulaStart.test(value.slice(1)) ? value.slice(1) : value;
}

/** CSV with RFC 4180 quoting, one record a line, a header row first; every cell neutralized. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return stringify([header, ...rows], {
    cast: { string: neutralizeCell, number: (n) => neutralizeCell(String(n)) },
  });
}
