import { z } from 'zod';
import { ErrorBody } from './errors';
import { RosterEntry, RosterRole } from './roster';

/** Every REST error has this shape. */
export const ErrorResponse = z.object({ error: ErrorBody }).meta({ id: 'ErrorResponse' });

export const SessionIdParams = z.object({ id: z.string().min(1).max(64) });

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
});

export const AuditEntryView = z.object({
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  fromVersion: z.number().int(),
  toVersion: z.number().int(),
  detail: z.record(z.string(), z.unknown()),
});
export const AuditLog = z.object({ entries: z.array(AuditEntryView) });

export const Health = z.object({ status: z.enum(['ok', 'starting', 'closing', 'redis-unavailable']) });

export { RosterEntry };
