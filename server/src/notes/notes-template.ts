import * as Y from 'yjs';
import type { BreakoutStep } from '../../../shared/agenda';
import { resolveText } from '../../../shared/content';
import { NOTES_TEXT } from '../../../shared/notes';

/**
 * What a group finds when it opens its notes: one `# ` heading per question of the step (the same
 * questions at every table), an empty line under each to write in, in the group's discussion
 * language (a question not translated into it stays in the session's first language).
 */
export function notesTemplate(step: Pick<BreakoutStep, 'title' | 'questions'>, language: string, firstLanguage: string): string {
  const headings = step.questions.length > 0 ? step.questions : [step.title];
  return headings.map((q) => `# ${resolveText(q, language, firstLanguage).text.replace(/\s+/g, ' ').trim()}\n\n`).join('');
}

/** Writes the template into an empty document, as the server's own edit (origin `template`). */
export function fillFromTemplate(doc: Y.Doc, text: string): void {
  const ytext = doc.getText(NOTES_TEXT);
  if (ytext.length === 0 && text.length > 0) doc.transact(() => ytext.insert(0, text), 'template');
}
