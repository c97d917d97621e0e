import { defaultKeymap } from '@codemirror/commands';
import { Compartment, EditorState, RangeSetBuilder, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  ViewPlugin,
  drawSelection,
  highlightSpecialChars,
  keymap,
  placeholder,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { guardCursorColours } from './cursor-colours';
import { headingOffset } from './headings';
import type { NotesEditor } from './notes-editor';

/** `# Question` lines stand out as headings. */
const headingLine = Decoration.line({ class: 'rt-notes-heading' });
const headings = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = this.build(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged || update.viewportChanged) this.decorations = this.build(update.view);
    }
    build(view: EditorView): DecorationSet {
      const builder = new RangeSetBuilder<Decoration>();
      for (const { from, to } of view.visibleRanges) {
        for (let pos = from; pos <= to; ) {
          const line = view.state.doc.lineAt(pos);
          if (/^#{1,6}\s/.test(line.text)) builder.add(line.from, line.from, headingLine);
          pos = line.to + 1;
        }
      }
      return builder.finish();
    }
  },
  { decorations: (v) => v.decorations },
);

const theme = EditorView.theme({
  '&': { border: '1px solid #8a8a8a', borderRadius: '6px', background: '#fff', color: '#1a1a1a' },
  '&.cm-focused': { outline: '3px solid #1d4ed8', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'inherit', fontSize: '1rem', lineHeight: '1.5', minHeight: '12rem', padding: '0.5rem 0' },
  '.cm-line': { padding: '0 0.75rem' },
  '.rt-notes-heading': { fontWeight: '700', fontSize: '1.1em' },
  '.cm-placeholder': { color: '#5c5c5c' },
});

/**
 * The full editor: CodeMirror bound to the shared text with y-codemirror.next — everyone's cursor
 * and name in their colour, and an undo that only undoes one's own edits (Y.UndoManager instead of
 * CodeMirror's history, which would undo others' words too).
 */
export function codeMirrorEditor(
  host: HTMLElement,
  ytext: Y.Text,
  awareness: Awareness,
  options: { readOnly: boolean; label: string; placeholder: string },
): NotesEditor {
  const access = new Compartment();
  const accessExtensions = (readOnly: boolean): Extension => [
    EditorState.readOnly.of(readOnly),
    EditorView.contentAttributes.of({ 'aria-readonly': String(readOnly) }),
  ];
  const undoManager = new Y.UndoManager(ytext);
  // Before the editor's own awareness listener: it must only ever see checked colours.
  const stopGuard = guardCursorColours(awareness);
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        highlightSpecialChars(),
        drawSelection(),
        EditorView.lineWrapping,
        placeholder(options.placeholder),
        // Tab is left to move the focus on (no indentWithTab): the editor is no keyboard trap.
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': options.label, 'aria-multiline': 'true', spellcheck: 'true' }),
        access.of(accessExtensions(options.readOnly)),
        headings,
        theme,
        yCollab(ytext, awareness, { undoManager }),
      ],
    }),
  });

  return {
    setReadOnly(readOnly) {
      view.dispatch({ effects: access.reconfigure(accessExtensions(readOnly)) });
    },
    scrollToHeading(heading) {
      const offset = headingOffset(view.state.doc.toString(), heading);
      if (offset < 0) return false;
      view.dispatch({ effects: EditorView.scrollIntoView(offset, { y: 'start', yMargin: 8 }) });
      return true;
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
      stopGuard();
      undoManager.destroy();
    },
  };
}
