import { tr } from './support/people';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopbackNamespace } from './support/netns';

/**
 * Calls without a media server: five Chromium pages at one breakout table connect to each other by
 * the browser mesh and hear each other, and a page that reloads comes back into the call. Roundtable
 * and Chromium run together in a network namespace with only `lo`, so every ICE candidate is
 * 127.0.0.1 and no traffic leaves the machine (the client was built before, by the global set-up).
 */
let namespace: LoopbackNamespace;
let result: {
  links: number[];
  iceServers: number[];
  tiles: number[];
  standing: string;
  mutedPressed: string;
  linksAfterReload: number[];
  linksAfterDrop: number[];
  bars: number;
  plenaryQuiet: number[];
  presenterLinks: number;
  listenerLinks: number[];
  othersSeeBars: number[];
  violations: string[];
};

beforeAll(async () => {
  namespace = LoopbackNamespace.create(`rt-h-mesh-${process.pid}`);
  const out = await namespace.run(process.execPath, ['--import', 'tsx', 'test/e2e/support/mesh-call.ts'], { timeoutMs: 420_000 });
  const line = out.split('\n').find((l) => l.startsWith('MESH-RESULT '));
  if (!line) throw new Error(`no result from the mesh call:\n${out.slice(-4000)}`);
  result = JSON.parse(line.slice('MESH-RESULT '.length)) as typeof result;
}, 430_000);

afterAll(() => namespace?.delete());

describe('a breakout table of five by the browser mesh', () => {
  it('connects every page to the four others, and audio arrives on every link', () => {
    // Each page: four connected RTCPeerConnections, each receiving more and more audio bytes.
    expect(result.links).toEqual([4, 4, 4, 4, 4]);
    // No STUN/TURN server is configured: none is asked.
    expect(new Set(result.iceServers)).toEqual(new Set([0]));
    expect(result.tiles).toEqual([5, 5, 5, 5, 5]);
    expect(result.standing).toContain(tr('en')('media.tableSpeaking'));
  });

  it('keeps mute one labelled tap away', () => {
    expect(result.mutedPressed).toBe('true');
  });

  it('brings a page that reloads back into the call, heard by everyone again', () => {
    expect(result.linksAfterReload).toEqual([4, 4, 4, 4, 4]);
  });

  it('joins the call again after a network drop', () => {
    expect(result.linksAfterDrop).toEqual([4, 4, 4, 4, 4]);
  });

  it("shows the facilitator a speaking bar per member, and nobody else", () => {
    expect(result.bars).toBe(5);
    expect(result.othersSeeBars).toEqual([0, 0, 0, 0]);
  });

  it('follows the session to the plenary, where the presenting rapporteur reaches everyone', () => {
    // In plenary the table's members listen: no links among listeners.
    expect(result.plenaryQuiet).toEqual([0, 0, 0, 0, 0]);
    // Presenting gives the rapporteur the voice: linked to the four listeners, each of whom hears them.
    expect(result.presenterLinks).toBe(4);
    expect(result.listenerLinks).toEqual([1, 1, 1, 1]);
  });

  it('has no accessibility violations in the pre-join check or the call (axe)', () => {
    expect(result.violations).toEqual([]);
  });
});
