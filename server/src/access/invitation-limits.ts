import type { Clock } from '../domain/clock';
import { moderatorLinkId } from '../domain/roster';
import { TokenBucket } from './token-bucket';

export interface CommandBudget {
  perSecond: number;
  burst: number;
}

/** What one invitation, and one session as a whole, may ask of the live server. */
export interface LiveLimits {
  /** Commands of one connection. */
  connection: CommandBudget;
  /** Commands of one invitation, all its connections together. */
  invitation: CommandBudget;
  /** Commands of everyone in one session together. */
  session: CommandBudget;
  /** Open connections of one invitation: a couple of tabs and a phone. */
  connectionsPerInvitation: number;
  /** The moderator link, which a moderation team may share. */
  connectionsPerModeratorLink: number;
}

export const defaultLiveLimits: LiveLimits = {
  connection: { perSecond: 20, burst: 20 },
  // A person clicks a few times a second at most; a moderator arranging groups, in bursts.
  invitation: { perSecond: 5, burst: 20 },
  session: { perSecond: 100, burst: 200 },
  connectionsPerInvitation: 3,
  connectionsPerModeratorLink: 10,
};

interface InvitationUse<C> {
  budget: TokenBucket;
  connections: Set<C>;
}

interface SessionUse<C> {
  budget: TokenBucket;
  invitations: Map<string, InvitationUse<C>>;
  connections: number;
}

/**
 * Per session: the budget of everyone's commands, and per invitation (a roster id, or the
 * moderator link) its budget and its open connections. Opening more connections does not buy more
 * commands: one invitation's budget is shared by all of its tabs. Forgotten when the session has no
 * connection left. Time is the injected clock's. (The notes count their connections with it too,
 * per document instead of per session.)
 */
export class InvitationLimits<C> {
  readonly #sessions = new Map<string, SessionUse<C>>();

  constructor(
    private readonly clock: Clock,
    readonly limits: LiveLimits = defaultLiveLimits,
  ) {}

  capOf(subject: string): number {
    return subject === moderatorLinkId ? this.limits.connectionsPerModeratorLink : this.limits.connectionsPerInvitation;
  }

  /** True when this invitation may open one more connection. */
  mayConnect(sessionId: string, subject: string): boolean {
    return (this.#sessions.get(sessionId)?.invitations.get(subject)?.connections.size ?? 0) < this.capOf(subject);
  }

  /** Counts an open connection; false (and not counted) when the invitation already has its share. */
  connected(sessionId: string, subject: string, connection: C): boolean {
    if (!this.mayConnect(sessionId, subject)) return false;
    const session = this.#session(sessionId);
    this.#invitation(session, subject).connections.add(connection);
    session.connections += 1;
    return true;
  }

  disconnected(sessionId: string, subject: string, connection: C): void {
    const session = this.#sessions.get(sessionId);
    if (!session?.invitations.get(subject)?.connections.delete(connection)) return;
    session.connections -= 1;
    if (session.connections === 0) this.#sessions.delete(sessionId);
  }

  /** Takes one command from the connection's, the invitation's and the session's budgets, or from none. */
  allow(sessionId: string, subject: string, connectionBudget: TokenBucket): boolean {
    const session = this.#sessions.get(sessionId);
    const invitation = session?.invitations.get(subject);
    if (!session || !invitation) return false; // not (or no longer) connected
    return TokenBucket.takeAll([connectionBudget, invitation.budget, session.budget]);
  }

  /**
   * Takes one request of the REST API from the invitation's and the session's budgets, the same
   * ones its live connections spend: automation cannot do what a tab may not. A session asked over
   * REST only keeps its budgets here (a few bytes) until its last connection closes.
   */
  allowRequest(sessionId: string, subject: string): boolean {
    const session = this.#session(sessionId);
    return TokenBucket.takeAll([this.#invitation(session, subject).budget, session.budget]);
  }

  connectionBudget(): TokenBucket {
    return this.#bucket(this.limits.connection);
  }

  #session(sessionId: string): SessionUse<C> {
    let session = this.#sessions.get(sessionId);
    if (!session) {
      session = { budget: this.#bucket(this.limits.session), invitations: new Map(), connections: 0 };
      this.#sessions.set(sessionId, session);
    }
    return session;
  }

  #invitation(session: SessionUse<C>, subject: string): InvitationUse<C> {
    let use = session.invitations.get(subject);
    if (!use) {
      use = { budget: this.#bucket(this.limits.invitation), connections: new Set() };
      session.invitations.set(subject, use);
    }
    return use;
  }

  #bucket({ perSecond, burst }: CommandBudget): TokenBucket {
    return new TokenBucket(this.clock, perSecond, burst);
  }
}
