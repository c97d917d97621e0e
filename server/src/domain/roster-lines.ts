import { parse } from 'csv-parse/sync';

/**
 * Maps ids to the line their row starts on in a roster CSV, to point the organizer at a row the
 * roster parser accepted but something downstream warns about. Parsed only when first asked.
 */
export function csvLineOfId(text: string): (id: string) => number | undefined {
  let map: Map<string, number> | null = null;
  return (id) => {
    if (!map) {
      map = new Map();
      const records = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
      const column = records[0]?.record.map((c) => c.trim()).indexOf('id') ?? -1;
      for (const { record, info } of records.slice(1)) map.set((record[column] ?? '').trim(), info.lines);
    }
    return map.get(id);
  };
}
