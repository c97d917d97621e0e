import type { NotesAfterBreakout, NotesExport, NotesExportMember } from '../../../shared/notes';

/**
 * The groups' notes as files: Markdown (user text neutralized: it renders as text, never as HTML
 * or a link), a self-contained HTML page (everything escaped, no external resources, no scripts),
 * and JSON. Pure: the notes service gathers the texts.
 */

export function notesToMarkdown(exp: NotesExport): string {
  const out: string[] = [`# Notes — ${markdownText(oneLine(exp.session.title))}`, '', `${heading(exp)}`, ''];
  for (const step of exp.steps) {
    out.push(`## ${markdownText(oneLine(step.title))} (step ${step.stepIndex})`, '');
    const inLanguage = (language: string | undefined) => (language ? ` (${markdownText(language)})` : '');
    if (step.questions.length > 0) {
      out.push(`Questions${inLanguage(step.language)}:`, '', ...step.questions.map((q, i) => `${i + 1}. ${markdownText(oneLine(q))}`), '');
    }
    for (const [language, texts] of Object.entries(step.translations ?? {})) {
      if (texts.title !== null) out.push(`Title${inLanguage(language)}: ${markdownText(oneLine(texts.title))}`, '');
      const questions = texts.questions.flatMap((q, i) => (q === null ? [] : [`${i + 1}. ${markdownText(oneLine(q))}`]));
      if (questions.length > 0) out.push(`Questions${inLanguage(language)}:`, '', ...questions, '');
    }
    for (const group of step.groups) {
      out.push(`### Group ${markdownText(group.groupId)}${group.language ? ` (${markdownText(group.language)})` : ''}`, '');
      if (group.members.length > 0) out.push(`Members: ${markdownText(group.members.map(memberLabel).join(', '))}`, '');
      const text = demoteHeadings(markdownText(group.text), 3).trimEnd();
      out.push(text.length > 0 ? text : '_(no notes)_', '');
      if (group.afterBreakout) {
        out.push(`**${afterBreakoutNote(group.afterBreakout)}**`, '');
        out.push(...group.afterBreakout.added.map((l) => `- added: ${markdownText(l)}`), ...group.afterBreakout.removed.map((l) => `- removed: ${markdownText(l)}`), '');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function notesToHtml(exp: NotesExport): string {
  const title = `Notes — ${exp.session.title}`;
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`, `<p class="meta">${escapeHtml(heading(exp))}</p>`];
  for (const step of exp.steps) {
    const langOf = (language: string | undefined) => (language && isLanguageTag(language) ? ` lang="${escapeHtml(language)}"` : '');
    const named = (language: string | undefined) => (language ? ` (${escapeHtml(language)})` : '');
    body.push('<section class="step">', `<h2>${step.language ? `<span${langOf(step.language)}>${escapeHtml(step.title)}</span>` : escapeHtml(step.title)} <small>(step ${step.stepIndex})</small></h2>`);
    if (step.questions.length > 0) {
      body.push(`<p>Questions${named(step.language)}:</p>`, `<ol${langOf(step.language)}>`, ...step.questions.map((q) => `<li>${escapeHtml(q)}</li>`), '</ol>');
    }
    for (const [language, texts] of Object.entries(step.translations ?? {})) {
      if (texts.title !== null) body.push(`<p>Title${named(language)}: <span${langOf(language)}>${escapeHtml(texts.title)}</span></p>`);
      const questions = texts.questions.flatMap((q, i) => (q === null ? [] : [`<li value="${i + 1}">${escapeHtml(q)}</li>`]));
      if (questions.length > 0) body.push(`<p>Questions${named(language)}:</p>`, `<ol${langOf(language)}>`, ...questions, '</ol>');
    }
    for (const group of step.groups) {
      // The group's notes are in the group's language: screen readers and hyphenation follow `lang`.
      const lang = group.language && isLanguageTag(group.language) ? ` lang="${escapeHtml(group.language)}"` : '';
      body.push('<article class="group">', `<h3>Group ${escapeHtml(group.groupId)}${group.language ? ` <small>(${escapeHtml(group.language)})</small>` : ''}</h3>`);
      if (group.members.length > 0) body.push(`<p class="members">Members: ${escapeHtml(group.members.map(memberLabel).join(', '))}</p>`);
      body.push(`<div class="notes"${lang}>`, group.text.trim().length > 0 ? notesTextToHtml(group.text, 3) : '<p class="empty">(no notes)</p>', '</div>');
      if (group.afterBreakout) {
        const { added, removed } = group.afterBreakout;
        body.push(`<div class="after-breakout"><p><strong>${escapeHtml(afterBreakoutNote(group.afterBreakout))}</strong></p>`, `<ul${lang}>`);
        body.push(...added.map((l) => `<li><ins>${escapeHtml(l)}</ins></li>`), ...removed.map((l) => `<li><del>${escapeHtml(l)}</del></li>`), '</ul></div>');
      }
      body.push('</article>');
    }
    body.push('</section>');
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Self-contained and inert: no scripts, nothing fetched.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function notesToJson(exp: NotesExport): string {
  return `${JSON.stringify(exp, null, 2)}\n`;
}

/**
 * The notes' Markdown-ish text as HTML: `#` lines become headings (below `base`), `- ` lines list
 * items, other lines paragraphs. Every character of the text is escaped.
 */
export function notesTextToHtml(text: string, base: number): string {
  const out: string[] = [];
  let list: string[] = [];
  let paragraph: string[] = [];
  const endList = () => {
    if (list.length > 0) out.push('<ul>', ...list.map((li) => `<li>${li}</li>`), '</ul>');
    list = [];
  };
  const endParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.join('<br>')}</p>`);
    paragraph = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (heading) {
      endList();
      endParagraph();
      const level = Math.min(6, base + heading[1]!.length);
      out.push(`<h${level}>${escapeHtml(heading[2]!)}</h${level}>`);
    } else if (item) {
      endParagraph();
      list.push(escapeHtml(item[1]!));
    } else if (line.trim() === '') {
      endList();
      endParagraph();
    } else {
      endList();
      paragraph.push(escapeHtml(line));
    }
  }
  endList();
  endParagraph();
  return out.join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `# Q` under a level-3 group heading becomes `#### Q`. */
function demoteHeadings(text: string, by: number): string {
  return text.replace(/^(#{1,6})(?=\s)/gm, (hashes) => '#'.repeat(Math.min(6, hashes.length + by)));
}

function memberLabel(m: NotesExportMember): string {
  const role = `${m.role}${m.rapporteur ? ', rapporteur' : ''}`;
  return m.name === undefined ? role : `${m.name} (${role})`;
}

function heading(exp: NotesExport): string {
  const version = exp.version === 'breakout-end' ? 'as they stood when each breakout ended' : 'as they are now';
  const names = exp.names === 'staff' ? "Staff copy with members' names: not for publication." : 'Published without names: roles only.';
  return `Exported ${new Date(exp.exportedAt).toISOString()}, ${version}. ${names}`;
}

function afterBreakoutNote(after: NotesAfterBreakout): string {
  return `Edited after the breakout ended (${new Date(after.breakoutEndedAt).toISOString()}); the version kept then is exported with version=breakout-end.`;
}

/**
 * User text as Markdown that shows as the same text and nothing more: no raw HTML or autolink
 * (`<` and `&` escaped), no link or image of any scheme (`[` and `]` escaped), and no escape of
 * ours undone (backslashes first). Headings and list markers stay, so the notes keep their shape.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\&<[\]]/g, (c) => ({ '\\': '\\\\', '&': '&amp;', '<': '&lt;', '[': '\\[', ']': '\\]' })[c]!);
}

/** A BCP 47-shaped tag; anything else is not put in an attribute. */
function isLanguageTag(value: string): boolean {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const css = [
  'body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}',
  'h1,h2,h3,h4,h5,h6{line-height:1.25}',
  'small,.meta,.members{color:#555}',
  '.group{border-top:1px solid #ccc;margin-top:1.5rem}',
  '.empty{font-style:italic;color:#777}',
  '.after-breakout{border-left:3px solid #b35900;padding-left:.75rem}',
  '@media print{body{margin:0}}',
].join('');
