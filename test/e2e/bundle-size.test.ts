import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clientDist } from '../../client/build';
import { describe as describeLoad, initialLoad } from '../../client/bundle-size';
import { uiLanguages } from '../../client/src/i18n/i18n';

/** A participant's first load: at most 100 KB of gzipped JavaScript, their language's translations included, before the lazy notes and media. */
describe('the web client build', () => {
  it('keeps the initial JavaScript for a participant within 100 KB gzipped, with their language', () => {
    const load = initialLoad();
    console.log(describeLoad(load));
    expect(load.js.length).toBeGreaterThan(0);
    expect(load.firstLoadGzip).toBeLessThanOrEqual(100 * 1024);
  });

  it('fetches translations per language: none of them is in the initial JavaScript', () => {
    const load = initialLoad();
    expect(load.languages.map((l) => l.language).sort()).toEqual([...uiLanguages].sort());
    const initial = new Set(load.js.map((f) => f.file));
    for (const language of load.languages) expect(initial.has(language.file), language.file).toBe(false);
    // Strings of either file are nowhere in the initial chunks.
    for (const file of initial) {
      const code = readFileSync(join(clientDist, file), 'utf8');
      expect(code).not.toContain('Aller au contenu');
      expect(code).not.toContain('Skip to content');
    }
  });

  it('leaves the notes editor out of the first load', () => {
    const manifest = JSON.parse(readFileSync(join(clientDist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; src?: string }>;
    const initial = new Set(initialLoad().js.map((f) => f.file));
    const editorChunks = Object.values(manifest).filter((c) => c.src?.includes('notes/') || /codemirror|y-websocket|yjs/.test(c.file));
    for (const chunk of editorChunks) expect(initial.has(chunk.file), chunk.file).toBe(false);
    const entry = readFileSync(join(clientDist, [...initial][0]!), 'utf8');
    expect(entry).not.toMatch(/@codemirror|y-codemirror/);
    expect(existsSync(join(clientDist, 'index.html'))).toBe(true);
  });

  it('leaves the call (WebRTC, the pre-join check, the tiles) out of the first load', () => {
    const manifest = JSON.parse(readFileSync(join(clientDist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; src?: string }>;
    const initial = new Set(initialLoad().js.map((f) => f.file));
    const mediaChunks = Object.values(manifest).filter((c) => c.src?.includes('media/'));
    expect(mediaChunks.length).toBeGreaterThan(0);
    for (const chunk of mediaChunks) expect(initial.has(chunk.file), chunk.file).toBe(false);
    for (const file of initial) expect(readFileSync(join(clientDist, file), 'utf8')).not.toMatch(/RTCPeerConnection|getUserMedia/);
  });

  it('loads the LiveKit room only with a LiveKit call, apart from the mesh', () => {
    const manifest = JSON.parse(readFileSync(join(clientDist, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; src?: string; imports?: string[] }>;
    const key = Object.keys(manifest).find((k) => k.endsWith('media/livekit-room.ts'));
    expect(key, 'a chunk of its own for the LiveKit room').toBeDefined();
    // No chunk loads it statically: only a dynamic import, once a ticket says LiveKit.
    for (const chunk of Object.values(manifest)) expect(chunk.imports ?? []).not.toContain(key);
  });

  it('writes every script and style sheet also gzipped and brotli-compressed, for the server to send as they are', () => {
    const assets = join(clientDist, 'assets');
    const texts = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    expect(texts.length).toBeGreaterThan(1);
    for (const file of texts) {
      const original = readFileSync(join(assets, file));
      expect(gunzipSync(readFileSync(join(assets, `${file}.gz`))).equals(original), `${file}.gz`).toBe(true);
      expect(brotliDecompressSync(readFileSync(join(assets, `${file}.br`))).equals(original), `${file}.br`).toBe(true);
    }
  });
});
