import { DomainError } from './errors';
import type { Actor } from './roles';
import { moderatorLinkId } from './roster';
import { memberOf, shownName, type SessionState } from './session';

/** What every link a person holds (invitation, notes token) says about them. */
export interface LinkClaims {
  /** Session id. */
  sid: string;
  /** Roster id, or the moderator link. */
  sub: string;
  /** The token version when issued: revoking bumps it, invalidating every link issued before. */
  tv: number;
  /** When the link stops opening the session (server ms), if it was issued with an expiry. */
  exp?: number;
}

/** How long every link keeps working once its session has ended. */
export interface LinkPolicy {
  afterEndMs: number;
}

export const defaultLinkPolicy: LinkPolicy = { afterEndMs: 7 * 24 * 60 * 60 * 1000 };

/**
 * When a link stops working: its own expiry if it was issued with one, and in any case
 * `afterEndMs` after its session ended (null: not yet known, the session goes on).
 */
export function linkExpiresAt(state: SessionState, claims: LinkClaims, policy: LinkPolicy): number | null {
  const ended = state.status === 'ended' ? (state.endedAt ?? state.updatedAt) + policy.afterEndMs : null;
  const candidates = [claims.exp, ended].filter((t): t is number => t !== undefined && t !== null);
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

/** LINK_EXPIRED once the link's time is over; then `admit` as always. */
export function admitFresh(state: SessionState, claims: LinkClaims, now: number, policy: LinkPolicy): Actor {
  const expiresAt = linkExpiresAt(state, claims, policy);
  if (expiresAt !== null && now >= expiresAt) {
    throw new DomainError('LINK_EXPIRED', 'This invitation has expired. Ask the organizer for a new link if you still need one.');
  }
  return admit(state, claims);
}

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Who a link speaks for, read from the session as it is now: the roster's current role and name,
 * or UNAUTHORIZED once the link is revoked or its person has left the roster. Every way in (REST,
 * the live socket, the notes) asks here, on every use.
 */
export function admit(state: SessionState, claims: LinkClaims): Actor {
  if (claims.sid !== state.id) throw unauthorized('This link is for another session.');
  if (claims.sub === moderatorLinkId) {
    if (claims.tv !== state.moderatorTokenVersion) throw unauthorized('This moderator link has been revoked.');
    return { role: 'moderator', memberId: null, name: 'Moderator' };
  }
  const member = memberOf(state, claims.sub);
  if (!member) throw unauthorized('This invitation is no longer on the roster.');
  if (claims.tv !== member.tokenVersion) throw unauthorized('This invitation has been revoked.');
  return { role: member.role, memberId: member.id, name: shownName(member) };
}

/** The link subject of someone acting: their roster id, the moderator link, or null for the organizer. */
export function subjectOf(actor: Actor): string | null {
  return actor.memberId ?? (actor.role === 'moderator' ? moderatorLinkId : null);
}

/** The claims a link for this subject carries now; null when nobody by that id is on the roster. */
export function claimsFor(state: SessionState, subject: string): LinkClaims | null {
  if (subject === moderatorLinkId) return { sid: state.id, sub: moderatorLinkId, tv: state.moderatorTokenVersion };
  const member = memberOf(state, subject);
  return member ? { sid: state.id, sub: member.id, tv: member.tokenVersion } : null;
}
