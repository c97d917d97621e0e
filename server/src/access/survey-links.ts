import { SignJWT, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { Wave } from '../../../shared/study';
import type { Clock } from '../domain/clock';
import { DomainError } from '../domain/errors';

export interface SurveyClaims {
  /** Event id. */
  eid: string;
  /** Pool id of the control member. */
  sub: string;
  wave: Wave;
  /** The window of dates the link answers in (server ms). */
  opensAt: number;
  closesAt: number;
}

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Survey-only links for the control arm, signed like invitations but naming an event instead of a
 * session: they open the survey page and nothing else (an invitation check refuses them, having
 * no session), and only within their window of dates.
 */
export class SurveyLinks {
  readonly #key: Uint8Array;
  readonly #publicUrl: string;
  readonly #clock: Clock;

  constructor(secret: string, publicUrl: string, clock: Clock) {
    this.#key = new TextEncoder().encode(secret);
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
    this.#clock = clock;
  }

  async issue(claims: SurveyClaims): Promise<{ token: string; link: string }> {
    const token = await new SignJWT({ eid: claims.eid, wave: claims.wave, opens: claims.opensAt })
      .setProtectedHeader({ alg: 'HS256', typ: 'roundtable-survey' })
      .setSubject(claims.sub)
      .setIssuedAt(Math.floor(this.#clock.now() / 1000))
      .setExpirationTime(Math.floor(claims.closesAt / 1000))
      .sign(this.#key);
    return { token, link: `${this.#publicUrl}/survey#${token}` };
  }

  /** Whether a token is meant to be a survey link (not yet checked); invitations are not. */
  static isSurveyToken(token: string): boolean {
    try {
      return typeof decodeJwt(token).eid === 'string';
    } catch {
      return false;
    }
  }

  /** The claims of a valid survey link that is open now: LINK_EXPIRED after its window, NOT_ALLOWED before. */
  async verify(token: string): Promise<SurveyClaims> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], currentDate: new Date(this.#clock.now()) });
      const { eid, wave, opens, sub, exp } = payload;
      if (protectedHeader.typ !== 'roundtable-survey' || typeof eid !== 'string' || typeof sub !== 'string' || (wave !== 'T1' && wave !== 'T2') || typeof opens !== 'number' || typeof exp !== 'number') {
        throw unauthorized('This link is not a Roundtable survey link.');
      }
      if (this.#clock.now() < opens) throw new DomainError('NOT_ALLOWED', `This survey opens on ${new Date(opens).toISOString()}.`);
      return { eid, sub, wave, opensAt: opens, closesAt: exp * 1000 };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new DomainError('LINK_EXPIRED', 'This survey has closed; answers are no longer taken.');
      if (error instanceof joseErrors.JOSEError) throw unauthorized('This link is not valid. Ask the organizer for a new one.');
      throw error;
    }
  }
}
