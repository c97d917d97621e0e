import { ZodError } from 'zod';
import { detailsFromIssues, type ErrorBody, type ErrorCode } from '../../../shared/errors';
import { DomainError } from '../domain/errors';

export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  LINK_EXPIRED: 401,
  PROTOCOL_MISMATCH: 400,
  INTERNAL: 500,
};

/** Any failure as the wire's `{ code, message }`; unknown errors are hidden behind INTERNAL. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  if (error instanceof ZodError) {
    return { code: 'BAD_INPUT', message: 'The request is not valid.', details: detailsFromIssues(error.issues) };
  }
  return { code: 'INTERNAL', message: 'Something went wrong on the server; the request changed nothing.' };
}

export function isUnexpected(error: unknown): boolean {
  return !(error instanceof DomainError) && !(error instanceof ZodError);
}
