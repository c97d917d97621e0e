import * as Y from 'yjs';
import { headingOffset } from './headings';
import type { NotesEditor } from './notes-editor';
import { applyTextChange, mapThroughDelta } from './text-diff';

/**
 * The light editor: a plain textarea bound to the shared text, for low-bandwidth and assistive
 * set-ups. Local typing becomes one Yjs change per input event; remote changes update the textarea
 * without moving the caret away from where the person was writing. Undo undoes only one's own edits.
 */
export function plainTextEditor(host: HTMLElement, ytext: Y.Text, options: { readOnly: boolean; label: string; placeholder: string }): NotesEditor {
  const origin = { editor: 'plain-text' };
  const textarea = document.createElement('textarea');
  textarea.className = 'rt-notes-textarea';
  textarea.setAttribute('aria-label', options.label);
  textarea.placeholder = options.placeholder;
  textarea.spellcheck = true;
  textarea.rows = 16;
  textarea.style.cssText = 'width:100%;box-sizing:border-box;min-height:12rem;font:inherit;line-height:1.5;resize:vertical';
  textarea.value = ytext.toString();
  textarea.readOnly = options.readOnly;
  host.append(textarea);
  let shown = textarea.value;
  const undo = new Y.UndoManager(ytext, { trackedOrigins: new Set([origin]) });

  const onInput = () => {
    if (textarea.readOnly) return;
    applyTextChange(ytext, shown, textarea.value, origin);
    shown = textarea.value;
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!(event.ctrlKey || event.metaKey) || textarea.readOnly) return;
    const key = event.key.toLowerCase();
    if (key === 'z' && !event.shiftKey) undo.undo();
    else if (key === 'y' || (key === 'z' && event.shiftKey)) undo.redo();
    else return;
    event.preventDefault();
  };
  const onRemote = (event: Y.YTextEvent, transaction: Y.Transaction) => {
    if (transaction.origin === origin) return; // typed here: the textarea shows it already (undo and redo come back as remote)
    const delta = event.delta as Array<{ insert?: unknown; delete?: number; retain?: number }>;
    const focused = document.activeElement === textarea;
    const start = mapThroughDelta(textarea.selectionStart, delta);
    const end = mapThroughDelta(textarea.selectionEnd, delta);
    const scroll = textarea.scrollTop;
    textarea.value = ytext.toString();
    shown = textarea.value;
    if (focused) textarea.setSelectionRange(start, end);
    textarea.scrollTop = scroll;
  };
  textarea.addEventListener('input', onInput);
  textarea.addEventListener('keydown', onKeyDown);
  ytext.observe(onRemote);

  return {
    setReadOnly(readOnly) {
      textarea.readOnly = readOnly;
    },
    scrollToHeading(heading) {
      const offset = headingOffset(textarea.value, heading);
      if (offset < 0) return false;
      // A textarea cannot scroll to an offset: measure the lines above it.
      const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
      const line = textarea.value.slice(0, offset).split('\n').length - 1;
      textarea.scrollTop = line * lineHeight;
      // And the textarea itself into view, below the page's sticky header (its scroll padding).
      textarea.scrollIntoView({ block: 'start' });
      return true;
    },
    focus() {
      textarea.focus();
    },
    destroy() {
      ytext.unobserve(onRemote);
      textarea.removeEventListener('input', onInput);
      textarea.removeEventListener('keydown', onKeyDown);
      undo.destroy();
      textarea.remove();
    },
  };
}
