import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { messageSync, type WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';

export interface SavedEdits {
  /** Whether an edit made here may not have reached the server yet. */
  pending(): boolean;
  destroy(): void;
}

/** After the last keystroke, how long before asking the server whether it has everything. */
const probeDelayMs = 300;

/**
 * Knows when the server has every edit made on this page. The y-websocket protocol has no
 * acknowledgement, but the server answers every sync step 1 with a sync step 2, in order, on the
 * same socket: an answer to a step 1 sent after an edit proves the server has read that edit. So
 * after edits (and after each reconnection, once the edits made offline went out in reply to the
 * server's own step 1) this sends a step 1 and counts the edits as saved when its answer comes.
 */
export function savedEdits(provider: WebsocketProvider, doc: Y.Doc, onChange: () => void): SavedEdits {
  let made = 0;
  let saved = 0;
  /** For each step 1 whose answer is awaited, in order, how many edits its answer proves saved. */
  let awaited: number[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const probe = () => {
    timer = null;
    const ws = provider.ws;
    if (!provider.wsconnected || !ws || made === saved) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, messageSync);
    syncProtocol.writeSyncStep1(encoder, doc);
    awaited.push(made);
    ws.send(encoding.toUint8Array(encoder));
  };
  const schedule = () => {
    if (timer === null) timer = setTimeout(probe, probeDelayMs);
  };

  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === provider) return; // the server's, not an edit made here
    made++;
    schedule();
    onChange();
  };
  doc.on('update', onUpdate);

  const onStatus = ({ status }: { status: string }) => {
    // The provider's own step 1 goes out right after it says "connected": its answer proves nothing.
    awaited = status === 'connected' ? [saved] : [];
    onChange();
  };
  provider.on('status', onStatus);

  const handleSync = provider.messageHandlers[messageSync]!;
  provider.messageHandlers[messageSync] = (encoder, decoder, prov, emitSynced, messageType) => {
    const syncType = decoding.peekVarUint(decoder);
    handleSync(encoder, decoder, prov, emitSynced, messageType);
    if (syncType === syncProtocol.messageYjsSyncStep2) {
      const proven = awaited.shift();
      if (proven !== undefined && proven > saved) {
        saved = proven;
        onChange();
      }
    } else if (syncType === syncProtocol.messageYjsSyncStep1) {
      // The server asked what it lacks; the answer (the provider's, sent when this returns) carries
      // the edits made offline. Ask after it whether they arrived.
      if (made !== saved) schedule();
    }
    // A step 1 sent meanwhile would not cover edits still waiting; ask again for them.
    if (made !== saved && awaited.length === 0) schedule();
  };

  return {
    pending: () => made !== saved,
    destroy() {
      if (timer !== null) clearTimeout(timer);
      doc.off('update', onUpdate);
      provider.off('status', onStatus);
      provider.messageHandlers[messageSync] = handleSync;
    },
  };
}
