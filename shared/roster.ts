import { z } from 'zod';

export const rosterRoles = ['participant', 'facilitator', 'notetaker', 'moderator', 'observer'] as const;
export const RosterRole = z.enum(rosterRoles);
export type RosterRole = z.infer<typeof RosterRole>;

/** One person of a session's roster. `attributes` are private: only organizers and moderators see them. */
export const RosterEntry = z.object({
  id: z.string().min(1).max(128),
  name: z.string().max(200),
  email: z.string().optional(),
  languages: z.array(z.string()),
  role: RosterRole,
  attributes: z.record(z.string(), z.string()),
});
export type RosterEntry = z.infer<typeof RosterEntry>;

/** Where a roster file is wrong, so the organizer can fix that line. */
export const RosterProblem = z.object({
  line: z.number().int(),
  field: z.string().nullable(),
  problem: z.string(),
});
export type RosterProblem = z.infer<typeof RosterProblem>;
