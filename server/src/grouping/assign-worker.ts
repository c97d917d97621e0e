import { diverseAssigner } from './diverse';
import { GroupingError } from './errors';
import { seededRandomAssigner } from './random';
import type { Assignment, GroupAssigner, GroupingRequest } from './types';

const assigners = new Map<string, GroupAssigner>([diverseAssigner, seededRandomAssigner].map((a) => [a.algorithm, a]));

export interface AssignTask {
  algorithm: string;
  request: GroupingRequest;
}

/** A refusal crosses the thread boundary as data, so the caller throws the same GroupingError. */
export type AssignReply = { assignment: Assignment } | { refused: { message: string; memberId?: string } };

/** Runs in a worker thread: one assignment, computed away from the server's event loop. */
export default function assign({ algorithm, request }: AssignTask): AssignReply {
  const assigner = assigners.get(algorithm);
  if (!assigner) throw new Error(`No assignment method is called ${algorithm}.`);
  try {
    return { assignment: assigner.assign(request) };
  } catch (error) {
    if (!(error instanceof GroupingError)) throw error;
    return { refused: { message: error.message, ...(error.memberId !== undefined ? { memberId: error.memberId } : {}) } };
  }
}
