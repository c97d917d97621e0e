import { describe, expect, it } from 'vitest';
import { addLevels, defaultVoiceActivity, secondsSpoken, silence, type VoiceActivity } from '../../../client/src/media/voice-activity';
import { dominantVoice, minimumSecondsForShare, speakingShares } from '../../../shared/speaking';

/** Feeds one level per person every `stepMs` for `ms`, starting at `from`; returns the state and the time reached. */
function feed(state: VoiceActivity, levels: Record<string, number>, from: number, ms: number, stepMs = 250): [VoiceActivity, number] {
  let at = from;
  for (; at < from + ms; at += stepMs) state = addLevels(state, levels, at);
  return [addLevels(state, levels, at), at];
}

describe('voice activity from audio levels', () => {
  it('counts the time a level stays above the threshold, per person', () => {
    const [state] = feed(silence(), { ana: 0.3, ben: 0.01 }, 0, 10_000);
    expect(secondsSpoken(state, 'ana')).toBe(10);
    expect(secondsSpoken(state, 'ben')).toBe(0);
  });

  it('bridges a short pause inside speech (the hangover), but not a long silence', () => {
    let [state, at] = feed(silence(), { ana: 0.3 }, 0, 2000);
    [state] = feed(state, { ana: 0 }, at + 250, 3000);
    // Two seconds of speech, then the hangover (half a second), then silence.
    expect(state.spokenMs.ana).toBe(2000 + defaultVoiceActivity.hangoverMs);
    expect(secondsSpoken(state, 'ana')).toBe(2);
  });

  it('does not count a gap between samples longer than a frozen tab would leave', () => {
    let state = addLevels(silence(), { ana: 0.5 }, 0);
    state = addLevels(state, { ana: 0.5 }, 60_000);
    expect(state.spokenMs.ana).toBe(0);
  });

  it('never changes the state it was given', () => {
    const before = addLevels(silence(), { ana: 0.5 }, 0);
    const copy = structuredClone(before);
    addLevels(before, { ana: 0.5 }, 250);
    expect(before).toEqual(copy);
  });
});

describe('speaking shares and the share limit', () => {
  it('gives each member their part of the talk', () => {
    expect(speakingShares({ a: 30, b: 10, c: 0 })).toEqual({ a: 0.75, b: 0.25, c: 0 });
    expect(speakingShares({ a: 0, b: 0 })).toEqual({ a: 0, b: 0 });
  });

  it('flags the member above the limit, and only above it', () => {
    expect(dominantVoice({ a: 50, b: 25, c: 25 }, 0.4)).toEqual({ memberId: 'a', share: 0.5 });
    // Exactly at the limit is not above it.
    expect(dominantVoice({ a: 40, b: 30, c: 30 }, 0.4)).toBeNull();
    expect(dominantVoice({ a: 40, b: 30, c: 30 }, 0.35)).toEqual({ memberId: 'a', share: 0.4 });
  });

  it('says nothing before there is enough talk to judge', () => {
    expect(dominantVoice({ a: minimumSecondsForShare - 1, b: 0 }, 0.4)).toBeNull();
    expect(dominantVoice({ a: minimumSecondsForShare, b: 0 }, 0.4)).toEqual({ memberId: 'a', share: 1 });
  });
});
