import { z } from 'zod';

export const rosterRoles = ['participant', 'facilitator', 'notetaker', 'moderator', 'observer'] as const;
export const RosterRole = z.enum(rosterRoles);
export type RosterRole = z.infer<typeof RosterRole>;

/**
 * What one roster row may hold, whether it comes as CSV or JSON. A roster is the organizer's file,
 * but every name and attribute ends up in every moderator's browser and in exports: sizes are bounded.
 */
export const rosterLimits = {
  idChars: 128,
  nameChars: 200,
  emailChars: 254,
  languages: 10,
  attributeKeyChars: 64,
  attributeValueChars: 200,
  /** Columns of a CSV file, or fields of a JSON row (identity fields and attributes together). */
  columns: 50,
} as const;

/** Control characters (NUL among them) have no place in a name or an attribute; tabs and line breaks do. */
export const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const printable = (s: string) => !controlCharacters.test(s);

/** One person of a session's roster. `attributes` are private: only organizers and moderators see them. */
export const RosterEntry = z.object({
  id: z.string().min(1).max(rosterLimits.idChars).refine(printable),
  name: z.string().max(rosterLimits.nameChars).refine(printable),
  email: z.string().max(rosterLimits.emailChars).optional(),
  languages: z.array(z.string()).max(rosterLimits.languages),
  role: RosterRole,
  attributes: z
    .record(z.string().max(rosterLimits.attributeKeyChars).refine(printable), z.string().max(rosterLimits.attributeValueChars).refine(printable))
    .refine((a) => Object.keys(a).length <= rosterLimits.columns),
});
export type RosterEntry = z.infer<typeof RosterEntry>;

/** Where a roster file is wrong, so the organizer can fix that line. */
export const RosterProblem = z.object({
  line: z.number().int(),
  field: z.string().nullable(),
  problem: z.string(),
});
export type RosterProblem = z.infer<typeof RosterProblem>;
