import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLivekitServer } from '../../server/src/media/livekit-binary';
import { LoopbackNamespace } from './support/netns';
import type { Reports } from './support/livekit-scenarios';
import { tr } from './support/people';

const en = tr('en');

/**
 * Calls through a real LiveKit server in real Chromium with fake devices. Roundtable, LiveKit and
 * Chromium run together in a network namespace that has only `lo`, so every candidate is
 * 127.0.0.1 and no packet leaves the machine (support/livekit-scenarios.ts runs inside it).
 */
const scenarios = fileURLToPath(new URL('./support/livekit-scenarios.ts', import.meta.url));
const observed: Partial<Reports> = {};
let failure = '';
let namespace: LoopbackNamespace | undefined;

beforeAll(async () => {
  // Built (or found) before entering the namespace: it has no network to download modules with.
  ensureLivekitServer();
  namespace = LoopbackNamespace.create(`rt-h-livekit-${process.pid}`);
  const record = (line: string) => {
    try {
      const { scenario, observed: facts } = JSON.parse(line) as { scenario: keyof Reports; observed: never };
      observed[scenario] = facts;
    } catch {
      // not a report line
    }
  };
  await namespace.run(process.execPath, ['--import', 'tsx', scenarios], { env: { ...process.env, NODE_OPTIONS: '' }, timeoutMs: 380_000, onLine: record }).catch((error: unknown) => {
    failure = error instanceof Error ? error.message : String(error);
  });
}, 400_000);

afterAll(() => namespace?.delete());

/** The observations of one scenario; a scenario that never reported fails with the runner's output. */
function facts<K extends keyof Reports>(scenario: K): Reports[K] {
  const found = observed[scenario];
  if (!found) throw new Error(`the "${scenario}" scenario did not report:\n${failure}`);
  return found;
}

describe('calls through a real LiveKit server, in Chromium', () => {
  it('plenary: the moderator and the speaker reach every listener; a listener publishing is refused by LiveKit itself', () => {
    const f = facts('plenary');
    // Two voices (the moderator's and the speaker's microphones) carry sound to each of four listeners.
    expect(f.heardAtStart).toEqual([2, 2, 2, 2]);
    expect(f.voices).toEqual(Array(4).fill(en('media.listening')));
    expect(f.speakerVoice).toBe(en('media.haveFloor'));
    expect(f.refusal.granted).toEqual({ canPublish: false });
    expect(f.refusal.error).not.toBe('');
    expect(f.latecomerTracksOnServer).toBe(0);
    expect(f.heardAfterAttempt).toEqual([2, 2, 2, 2]);
    // The real server's webhooks were verified and recorded.
    expect(f.webhooksJoined).toBeGreaterThanOrEqual(6);
  });

  it('the floor: a listener given it is heard by the others, in the same room; taken back, they are not', () => {
    const f = facts('floor');
    expect(f.heardWithFloor).toEqual([3, 3, 3]);
    expect(f.floorRoomKept).toBe(f.plenary);
    expect(f.heardAfterFloor).toEqual([2, 2, 2]);
    expect(f.canPublishAfter).toBe(false);
    expect(f.tracksAfter).toBe(0);
  });

  it('breakout: each member hears the two others of their table and nothing of the other; a hidden visit is in nobody’s list', () => {
    const f = facts('breakout');
    expect(f.groups).toHaveLength(2);
    for (const g of f.groups) expect(g.members).toHaveLength(3);
    expect(f.tables).toHaveLength(6);
    for (const seat of f.tables) {
      expect(seat.room).toBe(seat.expectedRoom);
      const group = f.groups.find((g) => g.id === seat.group);
      expect(seat.participants).toEqual([...(group?.members ?? [])].sort());
      expect(seat.audible).toBe(2);
    }
    // The console shows who the media server says is in each table's call.
    expect(f.consoleCounts).toEqual([3, 3]);
    const visited = f.groups[0]?.members ?? [];
    expect(f.visitorSees).toEqual([...visited, '@moderator'].sort());
    for (const list of f.membersSeeDuringVisit) expect(list).toEqual([...visited].sort());
    expect(f.hiddenOnServer).toBe(true);
    expect(f.visitorHears).toBe(3);
    for (const list of f.membersSeeSpeaking) expect(list).toEqual([...visited, '@moderator'].sort());
  });

  it('return to plenary: everyone is back in the plenary room within a few seconds, without a reload', () => {
    const f = facts('return');
    // Moving on starts the rooms' countdown: everyone is told, and stays at their own table meanwhile.
    expect(f.closingShown).toEqual(Array(6).fill(true));
    expect(f.roomsDuringGrace).toHaveLength(6);
    for (const seat of f.roomsDuringGrace) expect(seat.room).toBe(seat.expectedRoom);
    // The moderator closes them now: from then on, within seconds.
    expect(f.arrivals).toHaveLength(7);
    for (const ms of f.arrivals) {
      expect(ms).not.toBeNull();
      expect(ms).toBeLessThan(10_000);
    }
    expect(f.reloads).toEqual(Array(7).fill(1));
  });
});
