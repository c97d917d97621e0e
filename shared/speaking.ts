import { z } from 'zod';

/**
 * Speaking balance: how long each member of a group has spoken in a breakout, measured in each
 * browser from its own microphone's voice activity. Seconds only, never audio.
 */

/** `speaking:report`: the sender's own speaking time so far in this breakout step (it only grows). */
export const SpeakingReport = z.object({
  stepIndex: z.number().int().min(0),
  groupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a group id such as g1'),
  seconds: z.number().min(0).max(24 * 3600),
});
export type SpeakingReport = z.infer<typeof SpeakingReport>;

export const GroupSpeaking = z.object({
  groupId: z.string(),
  /** Seconds spoken per roster id. */
  seconds: z.record(z.string(), z.number()),
});
export type GroupSpeaking = z.infer<typeof GroupSpeaking>;

/** `speaking:balance`: to the staff (every group) and to each group's facilitator (their group). */
export const SpeakingBalance = z.object({
  stepIndex: z.number().int(),
  groups: z.array(GroupSpeaking),
  /** A table is flagged when one voice takes more than this share of its speaking time. */
  shareLimit: z.number().min(0).max(1),
  serverNow: z.number(),
});
export type SpeakingBalance = z.infer<typeof SpeakingBalance>;

/** Below this much talk in a group, shares say nothing yet (the first speaker would always dominate). */
export const minimumSecondsForShare = 60;

/** Each member's part of the group's speaking time, 0..1 (all 0 when nobody has spoken). */
export function speakingShares(seconds: Record<string, number>): Record<string, number> {
  const total = Object.values(seconds).reduce((sum, s) => sum + s, 0);
  return Object.fromEntries(Object.entries(seconds).map(([id, s]) => [id, total > 0 ? s / total : 0]));
}

/** The member whose voice takes more than `shareLimit` of the group's talk, once there is enough talk to judge. */
export function dominantVoice(seconds: Record<string, number>, shareLimit: number): { memberId: string; share: number } | null {
  const total = Object.values(seconds).reduce((sum, s) => sum + s, 0);
  if (total < minimumSecondsForShare) return null;
  let top: { memberId: string; share: number } | null = null;
  for (const [memberId, share] of Object.entries(speakingShares(seconds))) {
    if (share > shareLimit && (!top || share > top.share)) top = { memberId, share };
  }
  return top;
}

/** `GET /api/sessions/{id}/speaking`: every table's speaking time, for the session report. */
export const SpeakingExport = z.object({
  shareLimit: z.number(),
  entries: z.array(
    z.object({ stepIndex: z.number().int(), groupId: z.string(), memberId: z.string(), name: z.string(), seconds: z.number() }),
  ),
});
export type SpeakingExport = z.infer<typeof SpeakingExport>;
