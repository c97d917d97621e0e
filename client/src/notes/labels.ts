/**
 * The words the notes show, by key. The app passes its translations in `labels`; anything missing
 * falls back to these.
 */
export const defaultNotesLabels = {
  /** The editor's accessible name. */
  editor: 'Shared notes',
  readOnly: 'Read only',
  connecting: 'Connecting the notes…',
  /** The server has every edit made here. */
  connected: 'All changes saved',
  /** Edits sent, the server's answer not come yet. */
  saving: 'Saving…',
  /** Offline with edits the server does not have yet. */
  unsaved: 'Not saved yet: your edits will sync when the connection is back',
  offline: 'Offline: your edits are kept and sent when the connection is back',
  /** Shown in an empty editor. */
  empty: 'Nothing written yet',
  rejected: 'Your change was not saved: these notes are read-only for you.',
  tooLarge: 'The notes are too long; your last change was not saved.',
  rateLimited: 'Too many changes at once; reconnecting…',
  malformed: 'The notes connection had a problem; reload the page.',
  expired: 'The notes link expired; reload the page to open them again.',
  forbidden: 'These notes are closed to you now.',
} as const;

export type NotesLabelKey = keyof typeof defaultNotesLabels;
export type NotesLabels = Record<NotesLabelKey, string>;

export function notesLabels(given: Record<string, string> | undefined): NotesLabels {
  return { ...defaultNotesLabels, ...given };
}
