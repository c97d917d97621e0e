/** What mountNotes needs of an editor, whichever it is (CodeMirror or the plain textarea). */
export interface NotesEditor {
  setReadOnly(readOnly: boolean): void;
  /** False when the notes have no such heading. */
  scrollToHeading(heading: string): boolean;
  focus(): void;
  destroy(): void;
}
