import { z } from 'zod';
import { ErrorBody } from './errors';
import { RosterEntry, RosterProblem, RosterRole } from './roster';

/** Every REST error has this shape. */
export const ErrorResponse = z.object({ error: ErrorBody }).meta({ id: 'ErrorResponse' });

export const SessionIdParams = z.object({ id: z.string().min(1).max(64) });

/** `POST /api/sessions/:id/roster?expiresAt=…`: the links issued stop working then (ISO 8601). */
export const RosterImportQuery = z.object({ expiresAt: z.iso.datetime({ offset: true }).optional() });

/** A roster sent as JSON: the same fields as the CSV columns, attributes as extra keys or in `attributes`. */
export const RosterJsonRow = z
  .object({
    id: z.union([z.string(), z.number()]),
    name: z.string().optional(),
    email: z.string().optional(),
    language: z.union([z.string(), z.array(z.string())]).optional(),
    role: z.string().optional(),
    attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.null()]));
export const RosterJsonBody = z.union([z.array(RosterJsonRow), z.object({ participants: z.array(RosterJsonRow) })]);

export const Invitation = z.object({
  id: z.string(),
  name: z.string(),
  role: RosterRole,
  link: z.string(),
});
export const RosterImported = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  invitations: z.array(Invitation),
  /** Imported all the same, but worth fixing: someone who speaks none of the session's languages. */
  warnings: z.array(RosterProblem).optional(),
});

export const AuditEntryView = z.object({
  /** Server ms since the epoch. */
  at: z.number(),
  /** The same instant in ISO 8601 (UTC), for people and spreadsheets. */
  atIso: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  detail: z.record(z.string(), z.unknown()),
});
export const AuditLog = z.object({ entries: z.array(AuditEntryView) });

export const Health = z.object({ status: z.enum(['ok', 'starting', 'closing', 'redis-unavailable']) });

export { RosterEntry };
