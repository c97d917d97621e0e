/**
 * The groups' shared notes in the browser. The app loads this with `import()` when notes are
 * shown; CodeMirror itself is loaded by mountNotes only when the full editor is wanted.
 */
export { mountNotes, type MountNotesOptions, type NotesHandle } from './mount-notes';
export { defaultNotesLabels, type NotesLabelKey } from './labels';
