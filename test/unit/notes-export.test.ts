import { readFileSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { NotesExport } from '../../shared/notes';
import { escapeHtml, markdownText, notesTextToHtml, notesToHtml, notesToJson, notesToMarkdown } from '../../server/src/notes/notes-export';
import { notesTemplate } from '../../server/src/notes/notes-template';

const staff: NotesExport = {
  session: { id: 's1', title: 'Citizens’ <dialogue> & "trust"' },
  exportedAt: Date.UTC(2026, 10, 27, 10, 0, 0),
  names: 'staff',
  version: 'final',
  steps: [
    {
      stepIndex: 1,
      title: 'Discussion in groups',
      questions: ['How do these results inspire me?', 'What <b>do</b> they mean?'],
      groups: [
        {
          groupId: 'g1',
          language: 'fr',
          members: [
            { id: 'p1', name: 'Ama <script>', role: 'facilitator', rapporteur: false },
            { id: 'p2', name: "Bo 'Quote'", role: 'notetaker', rapporteur: true },
          ],
          text: '# How do these results inspire me?\n\n- hope\n- <img src=x onerror=alert(1)>\n\nWe agreed & moved on.\nNext line\n\n# What <b>do</b> they mean?\n\n',
          afterBreakout: null,
        },
        { groupId: 'g2', language: null, members: [], text: '', afterBreakout: null },
      ],
    },
  ],
};

/** The same export as the publication: roles only. */
const publication: NotesExport = {
  ...staff,
  names: 'none',
  steps: staff.steps.map((s) => ({ ...s, groups: s.groups.map((g) => ({ ...g, members: g.members.map(({ role, rapporteur }) => ({ role, rapporteur })) })) })),
};

/** A CommonMark renderer as permissive as any: raw HTML on, bare URLs linked. */
const renderer = new MarkdownIt({ html: true, linkify: true });

describe('the notes template', () => {
  it('puts each question of the step as a heading, with room to write under it', () => {
    expect(notesTemplate({ title: 'Groups', questions: ['Q one?', 'Q\ntwo'] }, 'en', 'en')).toBe('# Q one?\n\n# Q two\n\n');
    expect(notesTemplate({ title: 'Groups', questions: [] }, 'en', 'en')).toBe('# Groups\n\n');
  });

  it("is in the group's discussion language, a question not yet translated staying in the session's first", () => {
    const step = { title: { en: 'Groups', fr: 'Groupes' }, questions: [{ en: 'Why?', fr: 'Pourquoi ?' }, 'How?'] };
    expect(notesTemplate(step, 'fr', 'en')).toBe('# Pourquoi ?\n\n# How?\n\n');
    expect(notesTemplate({ ...step, questions: [] }, 'fr', 'en')).toBe('# Groupes\n\n');
    expect(notesTemplate(step, 'es', 'en')).toBe('# Why?\n\n# How?\n\n');
  });
});

describe('exporting notes', () => {
  it('as Markdown: step (numbered as in the API), questions, each group with its members and roles, notes under the group', () => {
    const md = notesToMarkdown(staff);
    expect(md).toContain('# Notes — Citizens’ &lt;dialogue> &amp; "trust"');
    expect(md).toContain('## Discussion in groups (step 1)');
    expect(md).toContain('1. How do these results inspire me?\n2. What &lt;b>do&lt;/b> they mean?');
    expect(md).toContain('### Group g1 (fr)');
    expect(md).toContain("Members: Ama &lt;script> (facilitator), Bo 'Quote' (notetaker, rapporteur)");
    expect(md).toContain('not for publication');
    // The notes' own headings sit below the group's.
    expect(md).toContain('#### How do these results inspire me?\n\n- hope');
    expect(md).toContain('### Group g2\n\n_(no notes)_');
  });

  it('keeps the questions as given and says which language each is in', () => {
    const multilingual: NotesExport = {
      ...publication,
      steps: [{ ...publication.steps[0]!, language: 'en', translations: { fr: { title: 'Discussion en groupes', questions: ['En quoi ces résultats m’inspirent-ils ?', null] } } }],
    };
    const md = notesToMarkdown(multilingual);
    expect(md).toContain('Questions (en):\n\n1. How do these results inspire me?');
    expect(md).toContain('Title (fr): Discussion en groupes');
    expect(md).toContain('Questions (fr):\n\n1. En quoi ces résultats m’inspirent-ils ?\n\n');
    const html = notesToHtml(multilingual);
    expect(html).toMatch(/<ol lang="fr">\s*<li value="1">En quoi ces résultats m’inspirent-ils \?<\/li>\s*<\/ol>/);
    expect(html).toContain('<ol lang="en">');
    expect(NotesExport.parse(JSON.parse(notesToJson(multilingual))).steps[0]!.translations?.fr?.questions).toEqual(['En quoi ces résultats m’inspirent-ils ?', null]);
  });

  it('publishes without names: roles only, in Markdown, HTML and JSON', () => {
    for (const body of [notesToMarkdown(publication), notesToHtml(publication), notesToJson(publication)]) {
      for (const name of ['Ama', 'Bo', 'p1', 'p2']) expect(body).not.toContain(name);
    }
    expect(notesToMarkdown(publication)).toContain('Members: facilitator, notetaker, rapporteur');
    expect(notesToMarkdown(publication)).toContain('Published without names: roles only.');
  });

  it('as Markdown that renders as the text written: no raw HTML, no javascript: or other links', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      '[entity](jav&#x61;script:alert(1))',
      '![pic](javascript:alert(1))',
      '\\[escaped](javascript:alert(1))',
      '<javascript:alert(1)>',
      '[ref]',
      '',
      '[ref]: javascript:alert(1)',
      '<a href="javascript:alert(1)">a</a>',
      'C:\\path & more',
    ].join('\n');
    const exp: NotesExport = { ...publication, steps: [{ ...publication.steps[0]!, groups: [{ ...publication.steps[0]!.groups[0]!, text: hostile }] }] };
    const html = renderer.render(notesToMarkdown(exp));
    expect(html).not.toMatch(/<(script|img|a)\b/i);
    expect(html).not.toMatch(/href="/i);
    // What people wrote is still there to read, character for character.
    const shown = renderer.render(markdownText(hostile)).replace(/<\/?p>|\n/g, '');
    expect(decode(shown)).toBe(hostile.replace(/\n/g, ''));
  });

  it('as HTML: one self-contained page with every piece of text escaped, each group’s notes in its language', () => {
    const html = notesToHtml(staff);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
    expect(html).not.toMatch(/<script|<img|<b>|<a\s|@import|url\(/i);
    expect(html).toContain('Ama &lt;script&gt;');
    expect(html).toContain('Bo &#39;Quote&#39;');
    expect(html).toContain('<li>&lt;img src=x onerror=alert(1)&gt;</li>');
    expect(html).toContain('<h4>How do these results inspire me?</h4>');
    expect(html).toContain('<p>We agreed &amp; moved on.<br>Next line</p>');
    expect(html).toContain('<title>Notes — Citizens’ &lt;dialogue&gt; &amp; &quot;trust&quot;</title>');
    expect(html).toContain('<h2>Discussion in groups <small>(step 1)</small></h2>');
    expect(html).toContain('<div class="notes" lang="fr">\n<h4>How do these results inspire me?</h4>');
    // A group without a language says none.
    expect(html).toContain('<div class="notes">\n<p class="empty">');
  });

  it('marks what was edited after the breakout ended', () => {
    const after = { breakoutEndedAt: Date.UTC(2026, 10, 27, 9, 40), added: ['- a late <idea>'], removed: ['- hope'] };
    const exp: NotesExport = { ...publication, steps: [{ ...publication.steps[0]!, groups: [{ ...publication.steps[0]!.groups[0]!, afterBreakout: after }] }] };
    const md = notesToMarkdown(exp);
    expect(md).toContain('**Edited after the breakout ended (2026-11-27T09:40:00.000Z)');
    expect(md).toContain('- added: - a late &lt;idea>\n- removed: - hope');
    const html = notesToHtml(exp);
    expect(html).toContain('<li><ins>- a late &lt;idea&gt;</ins></li>');
    expect(html).toContain('<li><del>- hope</del></li>');
  });

  it('as JSON: the wire schema', () => {
    expect(NotesExport.parse(JSON.parse(notesToJson(staff)))).toEqual(staff);
  });

  it('escapes the five characters that matter in HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(notesTextToHtml('###### deep', 3)).toBe('<h6>deep</h6>');
  });
});

describe('the join terms and the exports agree', () => {
  const terms = (lang: string) => (JSON.parse(readFileSync(new URL(`../../client/src/i18n/${lang}.json`, import.meta.url), 'utf8')) as { join: { terms: string } }).join.terms;
  it('say the report is published without names (roles only), and that only the staff see who sat where', () => {
    expect(terms('en')).toMatch(/written down and shared\. Your name is never shared\./);
    expect(terms('en')).toMatch(/Only the staff know who sat at which table/);
    expect(terms('fr')).toMatch(/écrit et partagé\. Votre nom n’est jamais partagé\./);
    expect(terms('fr')).toMatch(/Seule l’équipe sait qui était à quelle table/);
    // And the publication indeed shows roles only.
    expect(notesToMarkdown(publication)).toContain('Members: facilitator, notetaker, rapporteur');
  });
});

function decode(html: string): string {
  return html.replace(/&(lt|gt|amp|quot|#39);/g, (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" })[e]!);
}
