import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { clientDist } from './build';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface InitialLoad {
  /** The JavaScript a participant downloads before anything lazy (notes editor, media), with sizes. */
  js: Array<{ file: string; bytes: number; gzip: number }>;
  css: Array<{ file: string; bytes: number; gzip: number }>;
  jsGzip: number;
  cssGzip: number;
  /** Each interface language's translations, fetched on its own: a person loads the one they read. */
  languages: Array<{ language: string; file: string; bytes: number; gzip: number }>;
  /** The initial JavaScript plus the largest language file: the most a participant loads before the first screen. */
  firstLoadGzip: number;
}

const translationSource = /(?:^|\/)i18n\/([a-z]{2,3}(?:-[a-z0-9]+)*)\.json$/;

/** Sizes of the entry chunk and of every chunk it imports statically, from Vite's build manifest. */
export function initialLoad(dist = clientDist): InitialLoad {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`The manifest has no chunk ${key}.`);
    for (const file of chunk.css ?? []) css.add(file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const measure = (file: string) => {
    const body = readFileSync(join(dist, file));
    return { file, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  };
  const js = [...seen].map((key) => measure(manifest[key]!.file));
  const styles = [...css].map(measure);
  const languages = Object.entries(manifest).flatMap(([key, chunk]) => {
    const language = translationSource.exec(chunk.src ?? key)?.[1];
    return language ? [{ language, ...measure(chunk.file) }] : [];
  });
  const jsGzip = js.reduce((n, f) => n + f.gzip, 0);
  return { js, css: styles, jsGzip, cssGzip: styles.reduce((n, f) => n + f.gzip, 0), languages, firstLoadGzip: jsGzip + Math.max(0, ...languages.map((l) => l.gzip)) };
}

export function describe(load: InitialLoad): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [...load.js, ...load.css].map((f) => `  ${f.file}: ${kb(f.bytes)} raw, ${kb(f.gzip)} gzipped`);
  const languages = load.languages.map((l) => `  ${l.language}: ${l.file}, ${kb(l.bytes)} raw, ${kb(l.gzip)} gzipped`);
  return [
    `Initial JS for a participant: ${kb(load.firstLoadGzip)} gzipped with the largest language file (${kb(load.jsGzip)} without; CSS ${kb(load.cssGzip)} gzipped)`,
    ...lines,
    `Translations, one fetched per person (${load.languages.length} languages):`,
    ...languages,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(describe(initialLoad()));
}
