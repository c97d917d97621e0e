import { z } from 'zod';

/** Commands that drive the agenda; the same on the socket and on REST. */
export const AgendaCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('next') }),
  z.object({ type: z.literal('goto'), step: z.number().int().min(0) }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('extend'), minutes: z.number().min(-24 * 60).max(24 * 60).refine((m) => m !== 0, 'must not be 0') }),
  z.object({ type: z.literal('end') }),
]);
export type AgendaCommand = z.infer<typeof AgendaCommand>;
export const agendaCommandTypes = ['start', 'next', 'goto', 'pause', 'resume', 'extend', 'end'] as const;

export const ExtendBody = z.object({
  minutes: z.number().min(-24 * 60).max(24 * 60).refine((m) => m !== 0, 'must not be 0'),
});
export const GotoBody = z.object({ step: z.number().int().min(0) });

export const BroadcastCommand = z.object({
  text: z.string().trim().min(1).max(500),
  /** Absent: every room. */
  groupId: z.string().optional(),
});
export type BroadcastCommand = z.infer<typeof BroadcastCommand>;

export const HelpCallCommand = z.object({ message: z.string().trim().max(500).default('') });
export type HelpCallCommand = z.infer<typeof HelpCallCommand>;

export const HelpUpdateCommand = z.object({
  id: z.string().min(1),
  action: z.enum(['acknowledge', 'resolve']),
});
export type HelpUpdateCommand = z.infer<typeof HelpUpdateCommand>;

export const RevokeBody = z.object({ memberId: z.string().min(1) });
