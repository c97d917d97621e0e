import { describe, expect, it } from 'vitest';
import { NotesExport } from '../../shared/notes';
import { escapeHtml, notesTextToHtml, notesToHtml, notesToJson, notesToMarkdown } from '../../server/src/notes/notes-export';
import { notesTemplate } from '../../server/src/notes/notes-template';

const exp: NotesExport = {
  session: { id: 's1', title: 'Citizens’ <dialogue> & "trust"' },
  exportedAt: Date.UTC(2026, 10, 27, 10, 0, 0),
  steps: [
    {
      stepIndex: 1,
      title: 'Discussion in groups',
      questions: ['How do these results inspire me?', 'What <b>do</b> they mean?'],
      groups: [
        {
          groupId: 'g1',
          language: 'en',
          members: [
            { id: 'p1', name: 'Ama <script>', role: 'facilitator', rapporteur: false },
            { id: 'p2', name: "Bo 'Quote'", role: 'notetaker', rapporteur: true },
          ],
          text: '# How do these results inspire me?\n\n- hope\n- <img src=x onerror=alert(1)>\n\nWe agreed & moved on.\nNext line\n\n# What <b>do</b> they mean?\n\n',
        },
        { groupId: 'g2', language: null, members: [], text: '' },
      ],
    },
  ],
};

describe('the notes template', () => {
  it('puts each question of the step as a heading, with room to write under it', () => {
    expect(notesTemplate({ title: 'Groups', questions: ['Q one?', 'Q\ntwo'] })).toBe('# Q one?\n\n# Q two\n\n');
    expect(notesTemplate({ title: 'Groups', questions: [] })).toBe('# Groups\n\n');
  });
});

describe('exporting notes', () => {
  it('as Markdown: step, questions, each group with its members and roles, notes under the group', () => {
    const md = notesToMarkdown(exp);
    expect(md).toContain('# Notes — Citizens’ <dialogue> & "trust"');
    expect(md).toContain('## Discussion in groups (step 2)');
    expect(md).toContain('1. How do these results inspire me?\n2. What <b>do</b> they mean?');
    expect(md).toContain('### Group g1 (en)');
    expect(md).toContain("Members: Ama <script> (facilitator), Bo 'Quote' (notetaker, rapporteur)");
    // The notes' own headings sit below the group's.
    expect(md).toContain('#### How do these results inspire me?\n\n- hope');
    expect(md).toContain('### Group g2\n\n_(no notes)_');
  });

  it('as HTML: one self-contained page with every piece of text escaped', () => {
    const html = notesToHtml(exp);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expect(html).not.toMatch(/<script|<img|<b>|<a\s|@import|url\(/i);
    expect(html).toContain('Ama &lt;script&gt;');
    expect(html).toContain('Bo &#39;Quote&#39;');
    expect(html).toContain('<li>&lt;img src=x onerror=alert(1)&gt;</li>');
    expect(html).toContain('<h4>How do these results inspire me?</h4>');
    expect(html).toContain('<p>We agreed &amp; moved on.<br>Next line</p>');
    expect(html).toContain('<title>Notes — Citizens’ &lt;dialogue&gt; &amp; &quot;trust&quot;</title>');
  });

  it('as JSON: the wire schema', () => {
    expect(NotesExport.parse(JSON.parse(notesToJson(exp)))).toEqual(exp);
  });

  it('escapes the five characters that matter in HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(notesTextToHtml('###### deep', 3)).toBe('<h6>deep</h6>');
  });
});
