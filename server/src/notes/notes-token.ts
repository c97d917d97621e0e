import { createHmac } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';
import type { LinkClaims } from '../domain/admission';

/** Who a notes token was issued to (revoking their invitation revokes it too), for which document. */
export interface NotesClaims extends LinkClaims {
  /** The document's name. */
  doc: string;
}

const audience = 'roundtable:notes';
const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Short-lived tokens that open one group's notes over the notes' WebSocket. Signed (HS256) with a
 * key derived from the server's signing secret, so a notes token is never taken for an invitation
 * nor an invitation for a notes token. Time is the injected clock's.
 */
export class NotesTokens {
  readonly #key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: Clock,
    readonly ttlMs: number = 10 * 60_000,
  ) {
    this.#key = createHmac('sha256', secret).update('roundtable notes tokens').digest();
  }

  async issue(claims: NotesClaims): Promise<{ token: string; expiresAt: number }> {
    const now = Math.floor(this.clock.now() / 1000);
    const expires = now + Math.ceil(this.ttlMs / 1000);
    const token = await new SignJWT({ sid: claims.sid, tv: claims.tv, doc: claims.doc })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(expires)
      .sign(this.#key);
    return { token, expiresAt: expires * 1000 };
  }

  /** The claims of a valid, unexpired token for `docName`; UNAUTHORIZED otherwise. */
  async verify(token: string, docName: string): Promise<NotesClaims> {
    if (!token) throw unauthorized('Open the notes with a token from notes:token.');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], audience, currentDate: new Date(this.clock.now()) }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw unauthorized('This notes token has expired; ask for a new one.');
      if (error instanceof joseErrors.JOSEError) throw unauthorized('This is not a valid notes token.');
      throw error;
    }
    const { sid, sub, tv, doc } = payload;
    if (typeof sid !== 'string' || typeof sub !== 'string' || typeof tv !== 'number' || typeof doc !== 'string') {
      throw unauthorized('This is not a valid notes token.');
    }
    if (doc !== docName) throw unauthorized('This token opens other notes.');
    return { sid, sub, tv, doc };
  }
}
