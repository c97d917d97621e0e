import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientDist } from '../../client/build';
import { describe as describeLoad, initialLoad } from '../../client/bundle-size';

/** A participant's first load: at most 150 KB of gzipped JavaScript before the lazy notes and media. */
describe('the web client build', () => {
  it('keeps the initial JavaScript for a participant within 150 KB gzipped', () => {
    const load = initialLoad();
    console.log(describeLoad(load));
    expect(load.js.length).toBeGreaterThan(0);
    expect(load.jsGzip).toBeLessThanOrEqual(150 * 1024);
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
});
