import * as encoding from 'lib0/encoding';
import { messageAwareness } from '../../server/src/notes/notes-room';

/** An awareness message with entries as [clientId, clock, state], as any client could write them. */
export function awarenessEntries(...entries: Array<[number, number, unknown]>): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const [clientId, clock, state] of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, messageAwareness);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}
