import type { NotesKey } from '../store/notes-store';

const pattern = /^([A-Za-z0-9_-]{1,64})\.(\d{1,4})\.([A-Za-z0-9_-]{1,64})$/;

/** `<sessionId>.<stepIndex>.<groupId>`: the name a group's notes have on the wire and in the registry. */
export function docNameOf(key: NotesKey): string {
  return `${key.sessionId}.${key.stepIndex}.${key.groupId}`;
}

/** Null for anything that is not a notes document's name. */
export function parseDocName(name: string): NotesKey | null {
  const match = pattern.exec(name);
  if (!match) return null;
  return { sessionId: match[1]!, stepIndex: Number(match[2]), groupId: match[3]! };
}
