import type { ErrorCode, ErrorDetail } from '../../../shared/errors';

/** A refusal the domain decided, with a stable code for clients and a message for people. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notAllowed = (message: string) => new DomainError('NOT_ALLOWED', message);
export const conflict = (message: string) => new DomainError('CONFLICT', message);
export const notFound = (message: string) => new DomainError('NOT_FOUND', message);
export const badInput = (message: string, details?: ErrorDetail[]) => new DomainError('BAD_INPUT', message, details);
