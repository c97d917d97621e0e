/**
 * Where a heading of the notes starts: the first `#…` line whose text is `heading` (ignoring case
 * and surrounding spaces). -1 when there is none.
 */
export function headingOffset(text: string, heading: string): number {
  const wanted = normalize(heading.replace(/^#{1,6}\s+/, ''));
  let offset = 0;
  for (const line of text.split('\n')) {
    const match = /^#{1,6}\s+(.*)$/.exec(line);
    if (match && normalize(match[1]!) === wanted) return offset;
    offset += line.length + 1;
  }
  return -1;
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}
