import jsonpatch from 'fast-json-patch';
import { StatePatch } from '../../../shared/protocol';
import { SessionView } from '../../../shared/session';

/** The view a client holds and the revision of its room it was built from. */
export interface HeldView {
  view: SessionView;
  rev: number;
}

/**
 * What a `state:patch` does to the held view: a new view (the held one is never changed, so a
 * screen comparing before and after re-renders), nothing (a patch the view already contains), or
 * a resync (a revision was missed, or the patch does not apply or yields no valid view).
 */
export type PatchOutcome = { kind: 'applied'; held: HeldView } | { kind: 'stale' } | { kind: 'resync'; reason: string };

export function applyStatePatch(held: HeldView | null, payload: unknown): PatchOutcome {
  const patch = StatePatch.safeParse(payload);
  if (!patch.success) return { kind: 'resync', reason: 'unexpected patch' };
  if (!held) return { kind: 'resync', reason: 'no view to patch' };
  const { rev, baseRev, serverNow, ops } = patch.data;
  // Revisions only grow on a node: an older one is already in the view this client holds.
  if (rev <= held.rev) return { kind: 'stale' };
  if (baseRev !== held.rev) return { kind: 'resync', reason: `missed revision ${held.rev} → ${baseRev}` };
  let patched: unknown;
  try {
    patched = jsonpatch.applyPatch(jsonpatch.deepClone(held.view), ops as never, true, true).newDocument;
  } catch (error) {
    return { kind: 'resync', reason: error instanceof Error ? error.message : 'patch failed' };
  }
  const view = SessionView.safeParse({ ...(patched as object), serverNow });
  if (!view.success) return { kind: 'resync', reason: 'patched view is not a session view' };
  return { kind: 'applied', held: { view: view.data, rev } };
}
