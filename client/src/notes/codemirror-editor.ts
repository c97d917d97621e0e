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
import { markdownLanguage } from '@codemirror/lang-markdown';
import { HighlightStyle, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { guardCursorColours } from './cursor-colours';
import { headingOffset } from './headings';
import type { NotesEditor } from './notes-editor';

/** A plugin whose decorations `build` makes again whenever `stale` says an update changed them. */
function decorations(build: (view: EditorView) => DecorationSet, stale: (update: ViewUpdate) => boolean) {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = build(view);
      }
      update(update: ViewUpdate) {
        if (stale(update)) this.decorations = build(update.view);
      }
    },
    { decorations: (v) => v.decorations },
  );
}

/** `# Question` lines stand out as headings. */
const headingLine = Decoration.line({ class: 'rt-notes-heading' });
const headingLines = decorations(
  (view) => {
    const builder = new RangeSetBuilder<Decoration>();
    for (const { from, to } of view.visibleRanges) {
      for (let pos = from; pos <= to; ) {
        const line = view.state.doc.lineAt(pos);
        if (/^#{1,6}\s/.test(line.text)) builder.add(line.from, line.from, headingLine);
        pos = line.to + 1;
      }
    }
    return builder.finish();
  },
  (update) => update.docChanged || update.viewportChanged,
);

/**
 * A heading's `#` marks are Markdown for the writer, not words for the reader: they are hidden
 * except on the line being written (where deleting or adding one must be possible).
 */
const hiddenMark = Decoration.replace({});
const headingMarks = decorations(
  (view) => {
    const { state } = view;
    const writing = new Set<number>();
    if (view.hasFocus && !state.readOnly) for (const range of state.selection.ranges) writing.add(state.doc.lineAt(range.head).number);
    const builder = new RangeSetBuilder<Decoration>();
    for (const { from, to } of view.visibleRanges) {
      syntaxTree(state).iterate({
        from,
        to,
        enter: (node) => {
          if (node.name !== 'HeaderMark' || !/^ATXHeading/.test(node.node.parent?.name ?? '')) return;
          const line = state.doc.lineAt(node.from);
          if (writing.has(line.number) || node.from !== line.from) return; // only the leading marks
          const end = Math.min(line.to, node.to + (state.doc.sliceString(node.to, node.to + 1) === ' ' ? 1 : 0));
          if (end < line.to) builder.add(node.from, end, hiddenMark);
        },
      });
    }
    return builder.finish();
  },
  (update) =>
    update.docChanged || update.viewportChanged || update.selectionSet || update.focusChanged ||
    update.startState.readOnly !== update.state.readOnly ||
    syntaxTree(update.startState) !== syntaxTree(update.state),
);

/** Markdown shown as what it means: headings large and bold, emphasis emphasized, marks quiet. */
const markdownStyle = HighlightStyle.define([
  { tag: [tags.heading1, tags.heading2, tags.heading3, tags.heading4, tags.heading5, tags.heading6], fontWeight: '700' },
  { tag: tags.strong, fontWeight: '700' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strikethrough, textDecoration: 'line-through' },
  { tag: tags.link, textDecoration: 'underline' },
  { tag: [tags.processingInstruction, tags.meta, tags.contentSeparator], color: '#4a5563' },
]);

const theme = EditorView.theme({
  '&': { border: '1px solid #8a8a8a', borderRadius: '6px', background: '#fff', color: '#1a1a1a' },
  '&.cm-focused': { outline: '3px solid #1d4ed8', outlineOffset: '1px' },
  // The page's own font and size (CodeMirror's default is a monospace of its own): notes are prose,
  // and the report-back's larger notes are larger here too.
  '.cm-scroller': { fontFamily: 'inherit', lineHeight: '1.5' },
  '.cm-content': { minHeight: '12rem', padding: '0.5rem 0' },
  '.cm-line': { padding: '0 0.75rem' },
  '.rt-notes-heading': { fontWeight: '700', fontSize: '1.25em', lineHeight: '1.3', paddingBlock: '0.35em 0.1em' },
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
        markdownLanguage,
        syntaxHighlighting(markdownStyle),
        headingLines,
        headingMarks,
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
      // Below the page's sticky header (its scroll padding), not under it.
      const margin = parseFloat(getComputedStyle(document.documentElement).scrollPaddingBlockStart) || 8;
      view.dispatch({ effects: EditorView.scrollIntoView(offset, { y: 'start', yMargin: margin }) });
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
