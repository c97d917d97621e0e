import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from 'helmet';
import express, { type NextFunction, type Request, type Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import type { Logger } from 'pino';
import { RosterImportQuery, RosterJsonBody, SessionIdParams } from '../../../shared/api';
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
import { CreateSessionBody } from '../../../shared/session';
import type { Invites } from '../access/invites';
import type { TrustProxy } from '../config';
import { driveAgenda } from '../domain/agenda';
import { sendBroadcast } from '../domain/broadcasts';
import { DomainError, badInput } from '../domain/errors';
import { lockGroups, moveMember, previewGroups } from '../domain/group-preview';
import { authorize, type Actor } from '../domain/roles';
import type { Context } from '../domain/transition';
import { importRoster, moderatorLinkId, parseRosterCsv, revokeInvite, revokeInvites, validateRosterRows } from '../domain/roster';
import type { SessionState } from '../domain/session';
import { viewFor } from '../domain/views';
import type { SessionHost } from '../sessions/session-host';
import type { PresenceTracker } from '../sessions/presence';
import { homePage } from './home-page';
import { httpStatusOf, isUnexpected, toErrorBody } from './errors';
import { openApiDocument } from './openapi';

export interface HttpDeps {
  host: SessionHost;
  invites: Invites;
  presence: PresenceTracker;
  adminToken: string;
  now: () => number;
  health: () => 'ok' | 'starting' | 'closing';
  logger: Logger;
  /** The built web client; while it is not built, `/` shows the placeholder home page. */
  clientDir?: string;
  /** Base of invite links: an https one means Roundtable is served over https. */
  publicUrl?: () => string;
  /** Whose X-Forwarded-Proto to believe (express's `trust proxy`); default `loopback`. */
  trustProxy?: TrustProxy;
  /** The groups' shared notes, for export. */
  notes?: { export(state: SessionState, query: NotesExportQuery): Promise<{ contentType: string; filename: string; body: string }> };
}

const organizer: Actor = { role: 'organizer', memberId: null, name: 'Organizer' };
const builtClient = fileURLToPath(new URL('../../../client/dist', import.meta.url));

/** REST for organizers and automation: thin; every rule is the domain's. */
export function httpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  // Security headers, CSP included: the client loads only its own scripts and talks only to this
  // origin. HSTS and upgrade-insecure-requests only when served over https: over plain http (a
  // laptop serving a room on its LAN) they would send the browser to an https that is not there.
  const overHttps = helmet();
  const overHttp = helmet({ strictTransportSecurity: false, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
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
  app.get(['/join', '/console'], (_req, res, next) => {
    if (existsSync(clientPage)) sendClient(res);
    else next();
  });
  // Hashed assets are served precompressed (brotli, else gzip, as the browser accepts; Vary:
  // Accept-Encoding) and cached for good: a new build has new names.
  app.use(
    '/assets',
    expressStaticGzip(join(clientDir, 'assets'), { enableBrotli: true, orderPreference: ['br', 'gzip'], index: false, serveStatic: { immutable: true, maxAge: '1y' } }),
  );

  const api = express.Router();
  api.use(express.json({ limit: '2mb' }));
  api.use(express.text({ type: ['text/csv', 'text/plain'], limit: '20mb' }));

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
    const result = typeof req.body === 'string' ? parseRosterCsv(req.body) : validateRosterRows(jsonRows(req.body));
    if (!result.ok) throw badInput(`The roster has ${result.problems.length} problem(s); nothing was imported.`, result.problems);
    const { state: after, audit } = await deps.host.execute(state.id, (s, ctx) => importRoster(s, actor, result.entries, ctx));
    const counts = audit[0]?.detail ?? {};
    const invitations = await Promise.all(
      result.entries.map(async (e) => ({ id: e.id, name: e.name, role: e.role, link: (await deps.invites.issue(after, e.id, expiry)).link })),
    );
    res.json({ added: Number(counts.added ?? 0), updated: Number(counts.updated ?? 0), invitations });
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

  app.use('/api', api);

  app.use((req, _res, next) => {
    next(new DomainError('NOT_FOUND', `Nothing at ${req.method} ${req.path}.`));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const parserError = bodyParserError(error);
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

/** JSON rosters use the CSV's fields; line numbers count from 1 like rows of a file with a header. */
function jsonRows(body: unknown): Array<{ line: number; fields: Record<string, unknown> }> {
  const parsed = RosterJsonBody.parse(body);
  const rows = Array.isArray(parsed) ? parsed : parsed.participants;
  return rows.map((row, i) => {
    const { attributes, language, ...rest } = row;
    return {
      line: i + 2,
      fields: { ...attributes, ...rest, language: Array.isArray(language) ? language.join('|') : language },
    };
  });
}

/** express.json/text failures (bad JSON, too large) in the common error shape. */
function bodyParserError(error: unknown): { status: number; body: { code: 'BAD_INPUT'; message: string } } | null {
  const e = error as { type?: string; status?: number; message?: string };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return null;
  if (e.type === 'entity.too.large') return { status: 413, body: { code: 'BAD_INPUT', message: 'The request body is too large.' } };
  if (e.type === 'entity.parse.failed') return { status: 400, body: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } };
  return { status: 400, body: { code: 'BAD_INPUT', message: e.message ?? 'The request body could not be read.' } };
}
