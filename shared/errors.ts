import { z } from 'zod';

/** Stable error codes: clients branch on these, people read `message`. */
export const errorCodes = [
  'BAD_INPUT',
  'UNAUTHORIZED',
  'NOT_ALLOWED',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  /** An invitation past its expiry: a new link is needed, retrying cannot help. */
  'LINK_EXPIRED',
  'PROTOCOL_MISMATCH',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetail = z.object({
  line: z.number().int().optional(),
  field: z.string().nullable().optional(),
  problem: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.array(ErrorDetail).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Turns zod issues into details a person can act on. */
export function detailsFromIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): ErrorDetail[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : null,
    problem: issue.message,
  }));
}
