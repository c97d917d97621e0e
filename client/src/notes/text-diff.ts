import type * as Y from 'yjs';

/**
 * Applies to `ytext` the edit that turns `before` into `after` (one replaced range: what typing,
 * pasting or deleting in a textarea produces), as one transaction with `origin`.
 */
export function applyTextChange(ytext: Y.Text, before: string, after: string, origin: unknown): void {
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  if (endBefore === start && endAfter === start) return;
  ytext.doc!.transact(() => {
    if (endBefore > start) ytext.delete(start, endBefore - start);
    if (endAfter > start) ytext.insert(start, after.slice(start, endAfter));
  }, origin);
}

/**
 * Moves a position in the text through a remote change (a Yjs delta over the old text), so a caret
 * stays beside the words it was beside.
 */
export function mapThroughDelta(position: number, delta: Array<{ insert?: unknown; delete?: number; retain?: number }>): number {
  let old = 0;
  let mapped = position;
  for (const op of delta) {
    if (old > position) break;
    if (op.retain !== undefined) {
      old += op.retain;
    } else if (op.insert !== undefined) {
      mapped += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      mapped -= Math.min(op.delete, position - old);
      old += op.delete;
    }
  }
  return Math.max(0, mapped);
}
