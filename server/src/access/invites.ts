import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { DomainError } from '../domain/errors';
import { admit, claimsFor, type LinkClaims } from '../domain/admission';
import type { Actor } from '../domain/roles';
import type { SessionState } from '../domain/session';

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Invite and moderator links carry signed tokens instead of accounts. A token names the session
 * and the person; the role is read from the roster at use, so a changed role takes effect at once,
 * and a bumped token version revokes every link issued before.
 */
export class Invites {
  readonly #key: Uint8Array;
  readonly #publicUrl: string;

  constructor(secret: string, publicUrl: string) {
    this.#key = new TextEncoder().encode(secret);
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
  }

  async issue(state: SessionState, memberId: string): Promise<{ token: string; link: string }> {
    const claims = claimsFor(state, memberId);
    if (!claims) throw new DomainError('NOT_FOUND', `Nobody with id ${memberId} is on the roster.`);
    const { tv } = claims;
    const token = await new SignJWT({ sid: state.id, tv })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(memberId)
      .setIssuedAt()
      .sign(this.#key);
    return { token, link: `${this.#publicUrl}/join#${token}` };
  }

  /** Reads the session id a token claims, before the session is loaded to check it. */
  async sessionOf(token: string): Promise<string> {
    return (await this.claimsOf(token)).sid;
  }

  /** Checks the token against the session's current roster and returns who is acting. */
  async actorFor(token: string, state: SessionState): Promise<Actor> {
    return admit(state, await this.claimsOf(token));
  }

  /** The claims of a validly signed invitation (not yet checked against the roster). */
  async claimsOf(token: string): Promise<LinkClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'] });
      if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || typeof payload.tv !== 'number') {
        throw unauthorized('This link is not a Roundtable invitation.');
      }
      return { sid: payload.sid, sub: payload.sub, tv: payload.tv };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof joseErrors.JOSEError) throw unauthorized('This link is not valid. Ask the organizer for a new one.');
      throw error;
    }
  }
}
