import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import helmet from 'helmet';
import express, { type NextFunction, type Request, type Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import type { Logger } from 'pino';
import { RosterImportQuery, SessionIdParams } from '../../../shared/api';
import {
  AgendaCommand,
  BroadcastCommand,
  GroupsLockCommand,
  GroupsMoveCommand,
  GroupsPreviewCommand,
  RevokeBody,
  agendaCommandTypes,
} from '../../../shared/commands';
import { NotesExportQuery } from '../../../shared/notes';
import { VotesExportQuery } from '../../../shared/votes';
import { votesExport } from '../domain/votes';
import { toCsv } from '../exports/csv';
import { CreateSessionBody } from '../../../shared/session';
import type { Invites } from '../access/invites';
import type { TrustProxy } from '../config';
import { driveAgenda } from '../domain/agenda';
import { sendBroadcast } from '../domain/broadcasts';
import { DomainError, badInput } from '../domain/errors';
import { lockGroups, moveMember, previewGroups } from '../domain/group-preview';
import { authorize, type Actor } from '../domain/roles';
import type { Context } from '../domain/transition';
import { languageWarnings } from '../domain/language-warnings';
import { csvLineOfId } from '../domain/roster-lines';
import { subjectOf } from '../domain/admission';
import type { InvitationLimits } from '../access/invitation-limits';
import type { Studies } from '../study/studies';
import { studyRoutes } from './study-routes';
import { importRoster, moderatorLinkId, revokeInvite, revokeInvites } from '../domain/roster';
import { shownName, type SessionState } from '../domain/session';
import { viewFor } from '../domain/views';
import type { SpeakingLedger } from '../media/speaking-ledger';
import type { SessionHost } from '../sessions/session-host';
import type { PresenceTracker } from '../sessions/presence';
import { homePage } from './home-page';
import { httpStatusOf, isUnexpected, toErrorBody } from './errors';
import { openApiDocument } from './openapi';
import { readRosterCsv, readRosterJson, type RosterFileLimits } from './roster-upload';

export interface HttpDeps {
  host: SessionHost;
  invites: Invites;
  presence: PresenceTracker;
  /** The command budgets the live connections spend too; without it, REST requests are not counted. */
  allowance?: InvitationLimits<object>;
  adminToken: string;
  now: () => number;
  health: () => 'ok' | 'starting' | 'closing' | 'redis-unavailable';
  /** Prometheus text for `/metrics`. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  logger: Logger;
  /** The built web client; while it is not built, `/` shows the placeholder home page. */
  clientDir?: string;
  /** Base of invite links: an https one means Roundtable is served over https. */
  publicUrl?: () => string;
  /** Whose X-Forwarded-Proto to believe (express's `trust proxy`); default `loopback`. */
  trustProxy?: TrustProxy;
  /** How large a roster file may be. */
  roster?: RosterFileLimits;
  /** The groups' shared notes, for export. */
  notes?: { export(state: SessionState, query: NotesExportQuery): Promise<{ contentType: string; filename: string; body: string }> };
  /** Speaking time per table, for the session report. */
  speaking?: SpeakingLedger;
  /** Verifies and records a LiveKit webhook from its exact body; throws UNAUTHORIZED for a bad signature. */
  livekitWebhook?: (body: string, authorization: string | undefined) => Promise<unknown>;
  /** Events, surveys and their reports (Deliberative Polling). */
  studies?: Studies;
  /** Other origins the web client may connect to (the media server's ws:// and http:// addresses). */
  connectSources?: string[];
}

const invitesPerTurn = 100;

export const defaultRosterLimits: RosterFileLimits = { maxRows: 20_000, maxBytes: 5 * 1024 * 1024 };

const organizer: Actor = { role: 'organizer', memberId: null, name: 'Organizer' };
/** The admin token's share of a session's budgets. */
const organizerSubject = '#organizer';
const builtClient = fileURLToPath(new URL('../../../client/dist', import.meta.url));

/** REST for organizers and automation: thin; every rule is the domain's. */
export function httpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  // Security headers, CSP included: the client loads only its own scripts and talks only to this
  // origin (and the media server, when there is one). HSTS and upgrade-insecure-requests only when
  // served over https: over plain http (a laptop serving a room on its LAN) they would send the
  // browser to an https that is not there.
  const connectSrc: Record<string, string[]> = {
    ...(deps.connectSources?.length ? { connectSrc: ["'self'", ...deps.connectSources] } : {}),
    // The organizer's recordings of the agenda's texts live wherever they host them, over https.
    mediaSrc: ["'self'", 'https:'],
  };
  const overHttps = helmet({ contentSecurityPolicy: { directives: connectSrc } });
  const overHttp = helmet({ strictTransportSecurity: false, contentSecurityPolicy: { directives: { ...connectSrc, upgradeInsecureRequests: null } } });
  const servedOverHttps = (req: Request) => req.secure || (deps.publicUrl?.() ?? '').startsWith('https:');
  app.use((req, res, next) => (servedOverHttps(req) ? overHttps : overHttp)(req, res, next));
  const openapi = openApiDocument();

  const bearer = (req: Request): string => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('UNAUTHORIZED', 'Send "Authorization: Bearer <token>" with the admin token or a moderator link token.');
    return match[1]!;
  };
  const isAdmin = (token: string): boolean => {
    const a = Buffer.from(token);
    const b = Buffer.from(deps.adminToken);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  /**
   * Tells who is asking, then loads the session named in the path. Authentication comes first: a
   * stranger learns nothing of which ids exist (an unknown id and a bad token get the same 401)
   * and loads nothing into memory.
   */
  const sessionAndActor = async (req: Request): Promise<{ state: SessionState; actor: Actor }> => {
    const asked = await whoAsks(req);
    // A command over REST spends the budget of the invitation (and of the session) that its tabs spend.
    if (req.method !== 'GET' && deps.allowance && !deps.allowance.allowRequest(asked.state.id, subjectOf(asked.actor) ?? organizerSubject)) {
      throw new DomainError('RATE_LIMITED', 'Too many commands at once; wait a moment and try again.');
    }
    return asked;
  };
  const whoAsks = async (req: Request): Promise<{ state: SessionState; actor: Actor }> => {
    const token = bearer(req);
    if (isAdmin(token)) return { state: await deps.host.get(SessionIdParams.parse(req.params).id), actor: organizer };
    const claims = await deps.invites.claimsOf(token);
    const { id } = SessionIdParams.parse(req.params);
    if (claims.sid !== id) throw new DomainError('UNAUTHORIZED', 'This link is not valid for this session.');
    const state = await deps.host.get(id);
    return { state, actor: await deps.invites.admitted(state, claims) };
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const status = deps.health();
    res.status(status === 'ok' ? 200 : 503).json({ status });
  });
  app.get('/metrics', async (_req, res) => {
    if (!deps.metrics) {
      res.status(404).json({ code: 'NOT_FOUND', message: 'This server keeps no metrics.' });
      return;
    }
    const { contentType, body } = await deps.metrics();
    res.type(contentType).send(body);
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // The web client: hashed assets cached for good, and its page for the paths it routes itself
  // (an invitation is /join#<token>; the token never reaches the server).
  const clientDir = deps.clientDir ?? builtClient;
  const clientPage = join(clientDir, 'index.html');
  const sendClient = (res: Response) => res.set('Cache-Control', 'no-cache').sendFile(clientPage);
  app.get('/', (_req, res) => {
    if (existsSync(clientPage)) sendClient(res);
    else res.type('html').send(homePage());
  });
  app.get(['/join', '/console', '/survey'], (_req, res, next) => {
    if (existsSync(clientPage)) sendClient(res);
    else next();
  });
  // Hashed assets are served precompressed (brotli, else gzip, as the browser accepts; Vary:
  // Accept-Encoding) and cached for good: a new build has new names.
  app.use(
    '/assets',
    expressStaticGzip(join(clientDir, 'assets'), { enableBrotli: true, orderPreference: ['br', 'gzip'], index: false, serveStatic: { immutable: true, maxAge: '1y' } }),
  );

  // The media server's webhooks: the signature covers the exact bytes, so the body is read raw
  // (its type is application/webhook+json, which the JSON parser below would not take anyway).
  app.post('/api/livekit/webhook', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    if (!deps.livekitWebhook) throw new DomainError('NOT_FOUND', 'This server uses no media server; there are no webhooks to receive.');
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    await deps.livekitWebhook(body, req.get('authorization'));
    res.status(204).end();
  });

  const api = express.Router();
  const rosterLimits = deps.roster ?? defaultRosterLimits;
  // A roster may be larger than any other request; its body is read before the general parsers.
  api.use('/sessions/:id/roster', express.json({ limit: rosterLimits.maxBytes }), express.text({ type: ['text/csv', 'text/plain'], limit: rosterLimits.maxBytes }));
  api.use('/events/:id/pool', express.json({ limit: rosterLimits.maxBytes }), express.text({ type: ['text/csv', 'text/plain'], limit: rosterLimits.maxBytes }));
  api.use(express.json({ limit: '2mb' }));
  api.use(express.text({ type: ['text/csv', 'text/plain'], limit: '2mb' }));

  api.post('/sessions', async (req, res) => {
    const token = bearer(req);
    if (!isAdmin(token)) {
      await deps.invites.sessionOf(token);
      throw new DomainError('NOT_ALLOWED', 'Only the organizer (admin token) may create sessions.');
    }
    authorize(organizer, 'session.create');
    const body = CreateSessionBody.parse(req.body);
    const state = await deps.host.create(body, organizer);
    const { token: moderatorToken, link } = await deps.invites.issue(state, moderatorLinkId);
    res.status(201).json({ id: state.id, moderatorLink: link, moderatorToken });
  });

  api.get('/sessions/:id', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    authorize(actor, 'session.inspect');
    const present = deps.presence.present(state.id);
    res.json(viewFor(state, actor, present, deps.now()));
  });

  api.post('/sessions/:id/roster', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    authorize(actor, 'roster.import');
    const { expiresAt } = RosterImportQuery.parse(req.query);
    const expiry = expiresAt === undefined ? {} : { expiresAt: Date.parse(expiresAt) };
    // Read in slices between which other sessions get their turn: a large file holds nobody up.
    const result = typeof req.body === 'string' ? await readRosterCsv(req.body, rosterLimits) : await readRosterJson(req.body, rosterLimits);
    if (!result.ok) throw badInput(`The roster has ${result.problems.length} problem(s); nothing was imported.`, result.problems);
    const { state: after, result: counts } = await deps.host.execute(state.id, (s, ctx) => importRoster(s, actor, result.entries, ctx));
    const lineOf = typeof req.body === 'string' ? csvLineOfId(req.body) : () => undefined;
    const warnings = languageWarnings(result.entries, after.languages, lineOf);
    // Signed a slice at a time too: twenty thousand signatures are seconds of work.
    const invitations: Array<{ id: string; name: string; role: string; link: string }> = [];
    for (let i = 0; i < result.entries.length; i += invitesPerTurn) {
      const slice = result.entries.slice(i, i + invitesPerTurn);
      invitations.push(...(await Promise.all(slice.map(async (e) => ({ id: e.id, name: e.name, role: e.role, link: (await deps.invites.issue(after, e.id, expiry)).link })))));
      await nextTurn();
    }
    res.json({ added: Number(counts.added ?? 0), updated: Number(counts.updated ?? 0), invitations, ...(warnings.length > 0 ? { warnings } : {}) });
  });

  api.post('/sessions/:id/invites/revoke', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    const body = RevokeBody.parse(req.body ?? {});
    if ('all' in body) {
      const { audit } = await deps.host.execute(state.id, (s, ctx) => revokeInvites(s, actor, body.all, ctx));
      res.json({ all: body.all, revoked: Number(audit[0]?.detail.count ?? 0) });
      return;
    }
    await deps.host.execute(state.id, (s, ctx) => revokeInvite(s, actor, body.memberId, ctx));
    res.json({ revoked: body.memberId });
  });

  api.post('/sessions/:id/agenda/:command', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    const type = req.params.command;
    if (!(agendaCommandTypes as readonly string[]).includes(type ?? '')) {
      throw new DomainError('NOT_FOUND', `There is no agenda command "${type}"; use one of ${agendaCommandTypes.join(', ')}.`);
    }
    const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const command = AgendaCommand.parse({ ...body, type });
    const { state: after } = await deps.host.execute(state.id, (s, ctx) => driveAgenda(s, actor, command, ctx));
    res.json(viewFor(after, actor, deps.presence.present(state.id), deps.now()));
  });

  /** Group arrangement for automation: the same domain commands as the moderator console's. */
  const groupCommands = {
    preview: (body: unknown) => {
      const c = GroupsPreviewCommand.parse(body);
      return (s: SessionState, actor: Actor, ctx: Context) => previewGroups(s, actor, c, ctx);
    },
    move: (body: unknown) => {
      const c = GroupsMoveCommand.parse(body);
      return (s: SessionState, actor: Actor, ctx: Context) => moveMember(s, actor, c, ctx);
    },
    lock: (body: unknown) => {
      const c = GroupsLockCommand.parse(body);
      return (s: SessionState, actor: Actor, ctx: Context) => lockGroups(s, actor, c, ctx);
    },
  };
  api.post('/sessions/:id/groups/:action', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    const action = req.params.action as keyof typeof groupCommands;
    if (!Object.hasOwn(groupCommands, action)) {
      throw new DomainError('NOT_FOUND', `There is no groups command "${action}"; use one of ${Object.keys(groupCommands).join(', ')}.`);
    }
    const decide = groupCommands[action](req.body ?? {});
    const { state: after } = await deps.host.execute(state.id, (s, ctx) => decide(s, actor, ctx));
    res.json(viewFor(after, actor, deps.presence.present(state.id), deps.now()));
  });

  api.post('/sessions/:id/broadcast', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    const command = BroadcastCommand.parse(req.body ?? {});
    await deps.host.execute(state.id, (s, ctx) => sendBroadcast(s, actor, command, ctx));
    res.status(202).json({ sent: true });
  });

  api.get('/sessions/:id/audit', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    authorize(actor, 'audit.read');
    const entries = await deps.host.auditLog(state.id);
    res.json({ entries: entries.map(({ sessionId: _omit, ...entry }) => ({ ...entry, atIso: new Date(entry.at).toISOString() })) });
  });

  api.get('/sessions/:id/speaking', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    authorize(actor, 'audit.read');
    if (!deps.speaking) throw new DomainError('NOT_FOUND', 'This server keeps no speaking balance.');
    const entries = await deps.speaking.entries(state.id);
    const name = (id: string) => (state.roster[id] ? shownName(state.roster[id]) : id);
    res.json({ shareLimit: deps.speaking.shareLimit, entries: entries.map((e) => ({ ...e, name: name(e.memberId) })) });
  });

  api.get('/sessions/:id/notes', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    const query = NotesExportQuery.parse(req.query);
    authorize(actor, query.names === 'staff' ? 'notes.exportNames' : 'notes.export');
    if (!deps.notes) throw new DomainError('NOT_FOUND', 'This server keeps no shared notes.');
    const file = await deps.notes.export(state, query);
    res
      .status(200)
      .type(file.contentType)
      .set('Content-Disposition', `attachment; filename="${file.filename}"`)
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .set('X-Content-Type-Options', 'nosniff')
      .send(file.body);
  });

  if (deps.studies) {
    studyRoutes(api, {
      studies: deps.studies,
      bearer,
      poolLimits: rosterLimits,
      organizer: async (req) => {
        const token = bearer(req);
        if (!isAdmin(token)) {
          await deps.invites.sessionOf(token);
          throw new DomainError('NOT_ALLOWED', 'Only the organizer (admin token) may manage events.');
        }
        return organizer;
      },
    });
  }
  /** Every vote's results and anonymous ballots, and every idea and question with its support: no names. */
  api.get('/sessions/:id/votes', async (req, res) => {
    const { state, actor } = await sessionAndActor(req);
    authorize(actor, 'votes.export');
    const { format } = VotesExportQuery.parse(req.query);
    const exported = votesExport(state);
    if (format === 'json') {
      res.json(exported);
      return;
    }
    const rows: Array<Array<string | number>> = [];
    for (const vote of exported.votes) {
      for (const o of vote.options) rows.push(['result', vote.stepIndex, vote.title, vote.method, o.id, o.text, o.count, o.points ?? '', o.first ?? '', '']);
      vote.ballotsGiven.forEach((choices, n) => rows.push(['ballot', vote.stepIndex, vote.title, vote.method, '', '', '', '', '', `${n + 1}: ${choices.join(' > ')}`]));
    }
    for (const c of exported.contributions) rows.push([c.kind, c.stepIndex, c.groupId, '', c.id, c.text, c.upvotes, '', '', c.takenAt === null ? '' : new Date(c.takenAt).toISOString()]);
    res
      .type('text/csv')
      .set('Content-Disposition', `attachment; filename="votes-${state.id}.csv"`)
      .send(toCsv(['row', 'step', 'title_or_group', 'method', 'option_id', 'text', 'count_or_upvotes', 'points', 'first', 'ballot_or_taken_at'], rows));
  });

  app.use('/api', api);

  app.use((req, _res, next) => {
    next(new DomainError('NOT_FOUND', `Nothing at ${req.method} ${req.path}.`));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const parserError = bodyParserError(error, req.path.endsWith('/roster') || req.path.endsWith('/pool') ? rosterLimits : null);
    if (parserError) {
      res.status(parserError.status).json({ error: parserError.body });
      return;
    }
    if (isUnexpected(error)) deps.logger.error({ err: error, path: req.path }, 'request failed');
    const body = toErrorBody(error);
    res.status(httpStatusOf[body.code]).json({ error: body });
  });
  return app;
}

/** express.json/text failures (bad JSON, too large) in the common error shape. */
function bodyParserError(error: unknown, roster: RosterFileLimits | null): { status: number; body: { code: 'BAD_INPUT'; message: string } } | null {
  const e = error as { type?: string; status?: number; message?: string };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return null;
  if (e.type === 'entity.too.large') {
    const message = roster
      ? `A roster file may be at most ${(roster.maxBytes / 1024 / 1024).toFixed(1)} MB; import it in parts (each import adds or updates people by id).`
      : 'The request body is too large.';
    return { status: 413, body: { code: 'BAD_INPUT', message } };
  }
  if (e.type === 'entity.parse.failed') return { status: 400, body: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } };
  return { status: 400, body: { code: 'BAD_INPUT', message: e.message ?? 'The request body could not be read.' } };
}
