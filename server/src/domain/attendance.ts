import type { InviteLinkRequest } from '../../../shared/commands';
import type { MissingPerson } from '../../../shared/session';
import { notFound } from './errors';
import { authorize, type Actor } from './roles';
import { shownName, type SessionState } from './session';

/**
 * Who is on the roster but not here: never joined (not past the join screen), or joined earlier
 * and not connected now. In roster order, so the list stays put as people arrive.
 */
export function missingPeople(state: SessionState, present: ReadonlySet<string>): MissingPerson[] {
  return Object.values(state.roster)
    .filter((m) => !present.has(m.id))
    .map((m) => ({ id: m.id, name: shownName(m), role: m.role, status: m.consentedAt === undefined ? 'not-joined' : 'away' }));
}

/** A moderator may hand a missing person their invitation again; whose link it is, checked here. */
export function inviteLinkSubject(state: SessionState, actor: Actor, request: InviteLinkRequest): string {
  authorize(actor, 'invite.read');
  if (!state.roster[request.memberId]) throw notFound(`Nobody with id ${request.memberId} is on the roster.`);
  return request.memberId;
}
