/**
 * A request the engine cannot satisfy as asked (an unknown id in a pair, a language no one else
 * speaks, …). The message is meant for the organizer; `memberId` lets a caller point at the row.
 */
export class GroupingError extends Error {
  override readonly name = 'GroupingError';
  readonly code = 'BAD_INPUT';
  constructor(
    message: string,
    readonly memberId?: string,
  ) {
    super(message);
  }
}
