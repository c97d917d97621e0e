/**
 * Voice activity from audio levels: how long each person has spoken, counted from level samples a
 * few times a second. A short pause inside a sentence (the hangover) still counts as speaking, so
 * the figure follows turns of talk rather than syllables. Pure: the caller passes the time.
 */
export interface VoiceActivityOptions {
  /** A level above this is a voice (0..1). */
  threshold: number;
  /** Speaking continues this long after the last loud sample. */
  hangoverMs: number;
  /** A gap between samples longer than this (a frozen tab) is not counted. */
  maxGapMs: number;
}

export const defaultVoiceActivity: VoiceActivityOptions = { threshold: 0.04, hangoverMs: 500, maxGapMs: 2000 };

export interface VoiceActivity {
  /** Milliseconds spoken per person. */
  spokenMs: Record<string, number>;
  /** Until when each person counts as speaking. */
  speakingUntil: Record<string, number>;
  lastAt: number | null;
}

export const silence = (): VoiceActivity => ({ spokenMs: {}, speakingUntil: {}, lastAt: null });

/** Adds one sample of everyone's levels taken at `at`. */
export function addLevels(state: VoiceActivity, levels: Record<string, number>, at: number, options: VoiceActivityOptions = defaultVoiceActivity): VoiceActivity {
  const spokenMs = { ...state.spokenMs };
  const speakingUntil = { ...state.speakingUntil };
  const gap = state.lastAt === null ? 0 : at - state.lastAt;
  if (gap > 0 && gap <= options.maxGapMs) {
    for (const [id, until] of Object.entries(speakingUntil)) {
      const counted = Math.min(at, until) - state.lastAt!;
      if (counted > 0) spokenMs[id] = (spokenMs[id] ?? 0) + counted;
    }
  }
  for (const [id, level] of Object.entries(levels)) {
    spokenMs[id] ??= 0;
    if (level > options.threshold) speakingUntil[id] = at + options.hangoverMs;
  }
  return { spokenMs, speakingUntil, lastAt: at };
}

/** Whole seconds spoken by one person. */
export function secondsSpoken(state: VoiceActivity, id: string): number {
  return Math.floor((state.spokenMs[id] ?? 0) / 1000);
}
