import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError } from '../domain/errors';
import { admitFresh, claimsFor, defaultLinkPolicy, linkExpiresAt, type LinkClaims, type LinkPolicy } from '../domain/admission';
import type { Clock } from '../domain/clock';
import type { Actor } from '../domain/roles';
import type { SessionState } from '../domain/session';

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);
const expired = () => new DomainError('LINK_EXPIRED', 'This invitation has expired. Ask the organizer for a new link if you still need one.');

export interface InvitesOptions {
  clock: Clock;
  policy?: LinkPolicy;
}

/**
 * Invite and moderator links carry signed tokens instead of accounts. A token names the session
 * and the person; the role is read from the roster at use, so a changed role takes effect at once,
 * and a bumped token version revokes every link issued before. A link may carry an expiry, and
 * every link expires some days after its session ends (the domain's LinkPolicy).
 */
export class Invites {
  readonly #key: Uint8Array;
  readonly #publicUrl: string;
  readonly #clock: Clock;
  readonly #policy: LinkPolicy;

  constructor(secret: string, publicUrl: string, options: InvitesOptions) {
    this.#key = new TextEncoder().encode(secret);
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
    this.#clock = options.clock;
    this.#policy = options.policy ?? defaultLinkPolicy;
  }

  /** A link for `memberId`; with `expiresAt` (server ms) it stops working then, whatever the session does. */
  async issue(state: SessionState, memberId: string, options: { expiresAt?: number } = {}): Promise<{ token: string; link: string }> {
    const claims = claimsFor(state, memberId);
    if (!claims) throw new DomainError('NOT_FOUND', `Nobody with id ${memberId} is on the roster.`);
    const { tv } = claims;
    const jwt = new SignJWT({ sid: state.id, tv })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(memberId)
      .setIssuedAt(Math.floor(this.#clock.now() / 1000));
    if (options.expiresAt !== undefined) jwt.setExpirationTime(Math.floor(options.expiresAt / 1000));
    const token = await jwt.sign(this.#key);
    return { token, link: `${this.#publicUrl}/join#${token}` };
  }

  /** Reads the session id a token claims, before the session is loaded to check it. */
  async sessionOf(token: string): Promise<string> {
    return (await this.claimsOf(token)).sid;
  }

  /** Checks the token against the session's current roster and returns who is acting. */
  async actorFor(token: string, state: SessionState): Promise<Actor> {
    return this.admitted(state, await this.claimsOf(token));
  }

  /** Who checked claims speak for in the session as it is now: revoked, expired or off the roster is refused. */
  admitted(state: SessionState, claims: LinkClaims): Actor {
    return admitFresh(state, claims, this.#clock.now(), this.#policy);
  }

  /** When a link with these claims stops working in the session as it is now (null: not yet known). */
  expiresAt(state: SessionState, claims: LinkClaims): number | null {
    return linkExpiresAt(state, claims, this.#policy);
  }

  /** The claims of a validly signed invitation (not yet checked against the roster). */
  async claimsOf(token: string): Promise<LinkClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], currentDate: new Date(this.#clock.now()) });
      if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || typeof payload.tv !== 'number') {
        throw unauthorized('This link is not a Roundtable invitation.');
      }
      return { sid: payload.sid, sub: payload.sub, tv: payload.tv, ...(typeof payload.exp === 'number' ? { exp: payload.exp * 1000 } : {}) };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw expired();
      if (error instanceof joseErrors.JOSEError) throw unauthorized('This link is not valid. Ask the organizer for a new one.');
      throw error;
    }
  }
}
