import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import en from '../../../client/src/i18n/en.json';
import { uiLanguages } from '../../../client/src/i18n/i18n';
import { flatten, translationProblems, type Tree } from './translation-problems';

/**
 * Every visible string of the web client comes from a translation file: every language has the
 * keys and placeholders of English (with its own plural forms), the code asks only for keys that
 * exist, and no component holds words of its own (JSX text, quoted labels).
 */
const sourceRoot = join(process.cwd(), 'client', 'src');
const translationDir = join(sourceRoot, 'i18n');
const translationFile = (language: string) => JSON.parse(readFileSync(join(translationDir, `${language}.json`), 'utf8')) as Tree;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'notes' ? [] : sources(path); // the notes editor is its own issue
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const english = flatten(en as Tree);
const pluralSuffix = /_(zero|one|two|few|many|other)$/;
/** Attributes whose value people read or hear. */
const spokenAttributes = new Set(['aria-label', 'aria-description', 'title', 'placeholder', 'alt', 'label', 'aria-valuetext']);
const hasWords = (text: string) => /\p{L}/u.test(text);

interface Findings {
  hardCoded: string[];
  keys: Set<string>;
  prefixes: Set<string>;
}

function scanSource(findings: Findings, file: string, text: string): void {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const where = (node: ts.Node) => `${relative(process.cwd(), file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) findings.hardCoded.push(`${where(node)} text "${node.text.trim()}"`);
    if (ts.isJsxExpression(node) && node.expression && (ts.isStringLiteral(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression)) && hasWords(node.expression.text)) {
      if (!ts.isJsxAttribute(node.parent)) findings.hardCoded.push(`${where(node)} string child "${node.expression.text}"`);
    }
    if (ts.isJsxAttribute(node) && spokenAttributes.has(node.name.getText())) {
      const init = node.initializer;
      const literal = init && ts.isStringLiteral(init) ? init : init && ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression) ? init.expression : null;
      if (literal && hasWords(literal.text)) findings.hardCoded.push(`${where(node)} ${node.name.getText()}="${literal.text}"`);
    }
    // t('key'), translation.t('key'), t(cond ? 'a' : 'b'), t(`prefix.${x}`)
    const callee = ts.isCallExpression(node) ? node.expression : null;
    const isT = callee && ((ts.isIdentifier(callee) && callee.text === 't') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 't'));
    if (isT && ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) findings.keys.add(first.text);
      else if (first && ts.isTemplateExpression(first)) findings.prefixes.add(first.head.text);
      else if (first && ts.isConditionalExpression(first)) {
        for (const branch of [first.whenTrue, first.whenFalse]) if (ts.isStringLiteral(branch)) findings.keys.add(branch.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function scan(): Findings {
  const findings: Findings = { hardCoded: [], keys: new Set(), prefixes: new Set() };
  for (const file of sources(sourceRoot)) scanSource(findings, file, readFileSync(file, 'utf8'));
  return findings;
}

const findings = scan();

describe('translations of the web client', () => {
  it('has a translation file for each interface language, and a language for each file', () => {
    const files = readdirSync(translationDir).filter((name) => name.endsWith('.json')).map((name) => name.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...uiLanguages].sort());
  });

  // The list says which keys to add or remove, and where placeholders differ: after a merge, it is the translator's to-do list.
  it.each([...uiLanguages])('%s.json has every key of en.json, no other, each with the same placeholders and the language’s plural forms', (language) => {
    expect(translationProblems(en as Tree, translationFile(language), language), `${language}.json`).toEqual([]);
  });

  it('names each missing key, extra key, empty text and placeholder mismatch, with the language’s plural forms', () => {
    const reference: Tree = { a: { title: 'Hello {{name}}', gone: 'Bye' }, left_one: '{{count}} minute left', left_other: '{{count}} minutes left' };
    const arabic: Tree = {
      a: { title: 'مرحبًا {{person}}', extra: 'زائد' },
      left_zero: ' ',
      left_one: 'بقيت دقيقة واحدة',
      left_two: 'بقيت دقيقتان',
      left_few: 'بقيت {{count}} دقائق',
      left_many: 'بقيت {{count}} دقيقة',
      left_other: 'بقيت دقيقة',
    };
    expect(translationProblems(reference, arabic, 'ar')).toEqual([
      'empty left_zero',
      'extra a.extra',
      'missing a.gone',
      'placeholders a.title: {{person}} instead of {{name}}',
      // Only forms other than `other` may spell their number out.
      'placeholders left_other: none instead of {{count}}',
    ]);
    // French has a form for millions ("1 000 000 de minutes") that English lacks.
    expect(translationProblems(reference, { a: { title: 'Bonjour {{name}}', gone: 'Au revoir' }, left_one: '{{count}} minute', left_other: '{{count}} minutes' }, 'fr')).toEqual(['missing left_many']);
  });

  it('finds a translation for every key the code asks for', () => {
    const known = new Set([...english.keys()].flatMap((k) => [k, k.replace(pluralSuffix, '')]));
    expect(findings.keys.size).toBeGreaterThan(100);
    expect([...findings.keys].filter((k) => !known.has(k))).toEqual([]);
    for (const prefix of findings.prefixes) expect([...english.keys()].some((k) => k.startsWith(prefix)), prefix).toBe(true);
  });

  it('uses every translation it ships', () => {
    const unused = [...english.keys()].filter((key) => {
      const base = key.replace(pluralSuffix, '');
      return !findings.keys.has(base) && !findings.keys.has(key) && ![...findings.prefixes].some((p) => key.startsWith(p));
    });
    expect(unused).toEqual([]);
  });

  it('keeps words out of components: no JSX text, string children or spoken attributes hard-coded', () => {
    expect(findings.hardCoded).toEqual([]);
  });

  it('would notice words in a component', () => {
    const sample: Findings = { hardCoded: [], keys: new Set(), prefixes: new Set() };
    scanSource(sample, 'sample.tsx', `export const A = () => <div aria-label="Close"><p>Hello</p>{'there'}<span>{t('ok.key')} · 5</span></div>;`);
    expect(sample.hardCoded).toHaveLength(3);
    expect([...sample.keys]).toEqual(['ok.key']);
  });
});
