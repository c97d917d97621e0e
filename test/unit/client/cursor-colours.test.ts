import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { guardCursorColours } from '../../../client/src/notes/cursor-colours';

const overlay = 'red; position: fixed; inset: 0; z-index: 9999';

function remote(user: unknown): Uint8Array {
  const other = new Awareness(new Y.Doc());
  other.setLocalState({ user, cursor: null });
  return encodeAwarenessUpdate(other, [other.clientID]);
}

describe('cursor colours in the editor', () => {
  it('lets only #rrggbb reach the editor, before the editor hears of a change', () => {
    const local = new Awareness(new Y.Doc());
    const stop = guardCursorColours(local);
    // Added after the guard, as the editor's listener is.
    const seenByEditor: unknown[] = [];
    local.on('change', ({ added, updated }: { added: number[]; updated: number[] }) => {
      for (const id of [...added, ...updated]) seenByEditor.push(structuredClone(local.getStates().get(id)!.user));
    });
    applyAwarenessUpdate(local, remote({ name: 'Eve', color: overlay, colorLight: overlay }), 'remote');
    applyAwarenessUpdate(local, remote({ name: 'Ana', color: '#047857' }), 'remote');
    applyAwarenessUpdate(local, remote({ name: { toString: 1 }, color: 7 }), 'remote');
    applyAwarenessUpdate(local, remote('not a user'), 'remote');
    expect(seenByEditor).toEqual([
      { name: 'Eve', color: '#5c5c5c', colorLight: '#5c5c5c33' },
      { name: 'Ana', color: '#047857' },
      { name: '', color: '#5c5c5c' },
      { name: '', color: '#5c5c5c' },
    ]);
    stop();
    applyAwarenessUpdate(local, remote({ name: 'Later', color: overlay }), 'remote');
    expect(seenByEditor.at(-1)).toEqual({ name: 'Later', color: overlay });
  });
});
