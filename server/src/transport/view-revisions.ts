import jsonpatch from 'fast-json-patch';
import type { StatePatch } from '../../../shared/protocol';
import type { SessionView } from '../../../shared/session';

/** What one room (an audience in one language) was last sent, at which revision. */
export interface RoomView {
  rev: number;
  view: SessionView;
}

/**
 * The views each room of an audience was last sent, so a change reaches its members as the patch
 * from that view, computed once per room however many people it holds. Revisions count up across
 * every room of this node: a patch of one room never applies by chance to a view of another.
 */
export class ViewRevisions {
  readonly #rooms = new Map<string, RoomView>();
  #last = 0;

  /** The room's view as its members hold it; `render` gives the first one for a room that has none. */
  current(room: string, render: () => SessionView): RoomView {
    let sent = this.#rooms.get(room);
    if (!sent) {
      sent = { rev: ++this.#last, view: render() };
      this.#rooms.set(room, sent);
    }
    return sent;
  }

  /**
   * Moves the room on to `view`: the patch from what it holds, or null when nothing its members see
   * changed (nor is anything sent). A room with no view yet takes this one as its first.
   */
  advance(room: string, view: SessionView): StatePatch | null {
    const sent = this.#rooms.get(room);
    if (!sent) {
      this.#rooms.set(room, { rev: ++this.#last, view });
      return null;
    }
    // The clock reading alone is no change worth a message: it travels with the next one.
    const ops = jsonpatch.compare({ ...sent.view, serverNow: view.serverNow }, view) as StatePatch['ops'];
    if (ops.length === 0) return null;
    const patch: StatePatch = { rev: ++this.#last, baseRev: sent.rev, serverNow: view.serverNow, ops };
    this.#rooms.set(room, { rev: patch.rev, view });
    return patch;
  }

  /** A room nobody on this node is in any more. */
  forget(room: string): void {
    this.#rooms.delete(room);
  }

  rooms(): IterableIterator<string> {
    return this.#rooms.keys();
  }
}
