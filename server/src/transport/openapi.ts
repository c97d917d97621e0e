import { z } from 'zod';
import { createDocument, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { AuditLog, ErrorResponse, Health, RosterImported, RosterImportQuery, RosterJsonBody, SessionIdParams } from '../../../shared/api';
import {
  BroadcastCommand,
  ExtendBody,
  GotoBody,
  GroupsLockCommand,
  GroupsMoveCommand,
  GroupsPreviewCommand,
  RevokeBody,
} from '../../../shared/commands';
import { NotesExport, NotesExportQuery } from '../../../shared/notes';
import { CreateSessionBody, SessionCreated, SessionView } from '../../../shared/session';
import { SpeakingExport } from '../../../shared/speaking';
import {
  ControlLinksBody,
  CreateEventBody,
  EraseBody,
  EventIdParams,
  EventSessionsBody,
  ExportQuery,
  QuestionnaireBody,
  ReportQuery,
  SampleBody,
  SampleResult,
  SurveyAnswerBody,
  SurveyView,
} from '../../../shared/study';
import { VotesExport, VotesExportQuery } from '../../../shared/votes';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: Array<'400' | '401' | '403' | '404' | '409' | '413'>): ZodOpenApiResponsesObject =>
  Object.fromEntries(codes.map((c) => [c, { description: 'Error', ...json(ErrorResponse) }]));
const secured = [{ bearer: [] }];
const sessionPath = { path: SessionIdParams };

const sessionCommand = (summary: string, body?: z.ZodType) => ({
  post: {
    summary,
    security: secured,
    requestParams: sessionPath,
    ...(body ? { requestBody: json(body) } : {}),
    responses: { '200': { description: 'The session after the command', ...json(SessionView) }, ...errors('400', '401', '403', '404', '409') },
  },
});

/** The REST API's description, generated from the same zod schemas that validate requests. */
export function openApiDocument(): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Roundtable',
      version: '1.0.0',
      description: 'Organizer and automation API of Roundtable, the real-time deliberation room service.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The admin token, or a moderator link token for its session.' },
      },
    },
    paths: {
      '/': {
        get: {
          summary: 'The home page: what is running and where the API is',
          responses: { '200': { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
        },
      },
      '/api/openapi.json': {
        get: {
          summary: 'This description of the REST API (OpenAPI 3.1)',
          responses: { '200': { description: 'The OpenAPI document', ...json(z.record(z.string(), z.unknown())) } },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Alive', ...json(Health) } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: sessions resumed and store open (and Redis reachable, with REDIS_URL)',
          responses: { '200': { description: 'Ready', ...json(Health) }, '503': { description: 'Not ready', ...json(Health) } },
        },
      },
      '/metrics': {
        get: {
          summary: "This node's metrics in Prometheus text format",
          responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/api/sessions': {
        post: {
          summary: 'Create a session with its agenda (admin token)',
          security: secured,
          requestBody: json(CreateSessionBody),
          responses: { '201': { description: 'Created', ...json(SessionCreated) }, ...errors('400', '401', '403') },
        },
      },
      '/api/sessions/{id}': {
        get: {
          summary: 'The session as moderators see it: step, status, endsAt, serverNow, groups, presence',
          security: secured,
          requestParams: sessionPath,
          responses: { '200': { description: 'The session', ...json(SessionView) }, ...errors('401', '403', '404') },
        },
      },
      '/api/sessions/{id}/roster': {
        post: {
          summary: 'Import or update the roster (CSV with a header row, or JSON); all or nothing. `expiresAt` (ISO 8601): the links issued stop working then',
          description:
            'At most ROSTER_MAX_ROWS people (20,000) and ROSTER_MAX_BYTES (5 MB, else 413) per file. Ids starting with @ and ' +
            'names such as __proto__ or constructor are refused, as are names over 200 characters, attribute names over 64 and ' +
            'values over 200, more than 50 columns, and control characters; each problem is a detail { line, field, problem }.',
          security: secured,
          requestParams: { path: SessionIdParams, query: RosterImportQuery },
          requestBody: {
            content: {
              'text/csv': { schema: z.string().meta({ description: 'RFC 4180; columns id (required), name, email, language (a|b), role; others are attributes' }) },
              'application/json': { schema: RosterJsonBody },
            },
          },
          responses: { '200': { description: 'Imported, with each person\'s invite link', ...json(RosterImported) }, ...errors('400', '401', '403', '404', '413') },
        },
      },
      '/api/sessions/{id}/invites/revoke': {
        post: {
          summary:
            'Revoke every invite link of one member ("@moderator" for the moderator link), or in bulk: { "all": "participants" } (everyone at a table) or { "all": "everyone" }',
          security: secured,
          requestParams: sessionPath,
          requestBody: json(RevokeBody),
          responses: {
            '200': { description: 'Revoked', ...json(z.union([z.object({ revoked: z.string() }), z.object({ all: z.string(), revoked: z.number().int() })])) },
            ...errors('400', '401', '403', '404'),
          },
        },
      },
      '/api/sessions/{id}/agenda/start': sessionCommand('Start the first step'),
      '/api/sessions/{id}/agenda/next': sessionCommand('Move to the next step (ends the session after the last)'),
      '/api/sessions/{id}/agenda/goto': sessionCommand('Go to step k', GotoBody),
      '/api/sessions/{id}/agenda/pause': sessionCommand('Pause the running step'),
      '/api/sessions/{id}/agenda/resume': sessionCommand('Resume the paused step'),
      '/api/sessions/{id}/agenda/extend': sessionCommand('Extend (positive) or shorten (negative) the current step', ExtendBody),
      '/api/sessions/{id}/agenda/end': sessionCommand('End the session'),
      '/api/sessions/{id}/agenda/keep-open': sessionCommand("Keep a closing breakout's rooms open (stops the countdown to closing)"),
      '/api/sessions/{id}/groups/preview': sessionCommand(
        'Form the groups of an upcoming breakout for review (another seed reshuffles); the view carries the preview with per-group diversity and the score against its upper bound',
        GroupsPreviewCommand,
      ),
      '/api/sessions/{id}/groups/move': sessionCommand('Move one person to another group of the preview or between open rooms (groupId null: a new group)', GroupsMoveCommand),
      '/api/sessions/{id}/groups/lock': sessionCommand('Lock (or unlock) the previewed groups; the breakout opens with them', GroupsLockCommand),
      '/api/sessions/{id}/broadcast': {
        post: {
          summary: 'Broadcast a message to every room or to one group',
          security: secured,
          requestParams: sessionPath,
          requestBody: json(BroadcastCommand),
          responses: { '202': { description: 'Sent', ...json(z.object({ sent: z.boolean() })) }, ...errors('400', '401', '403', '404', '409') },
        },
      },
      '/api/sessions/{id}/audit': {
        get: {
          summary: 'The audit log: every moderator action and assignment with actor, time and versions',
          security: secured,
          requestParams: sessionPath,
          responses: { '200': { description: 'The log', ...json(AuditLog) }, ...errors('401', '403', '404') },
        },
      },
      '/api/sessions/{id}/speaking': {
        get: {
          summary: "Speaking time per member, table and breakout step (seconds measured in each member's browser, never audio), with the share above which a table is flagged",
          security: secured,
          requestParams: sessionPath,
          responses: { '200': { description: 'The speaking balance', ...json(SpeakingExport) }, ...errors('401', '403', '404') },
        },
      },
      '/api/sessions/{id}/notes': {
        get: {
          summary:
            "Export the groups' shared notes: every breakout step (or `step`, counted from 0 as everywhere) and every group (or `group`), with the step's questions and each group's members' roles; `names=staff` adds names (admin token only); `version=breakout-end` gives the notes as each breakout ended",
          security: secured,
          requestParams: { path: SessionIdParams, query: NotesExportQuery },
          responses: {
            '200': {
              description: 'The notes as Markdown, a self-contained HTML page, or JSON',
              content: {
                'text/markdown': { schema: z.string() },
                'text/html': { schema: z.string() },
                'application/json': { schema: NotesExport },
              },
            },
            ...errors('400', '401', '403', '404'),
          },
        },
      },
      ...studyPaths(),
      '/api/sessions/{id}/votes': {
        get: {
          summary:
            "Every vote step's results and its ballots without who gave them, and every idea and question the tables sent with its upvotes; CSV (`format=csv`) has one row per result, ballot, idea and question",
          security: secured,
          requestParams: { path: SessionIdParams, query: VotesExportQuery },
          responses: {
            '200': { description: 'The votes', content: { 'application/json': { schema: VotesExport }, 'text/csv': { schema: z.string() } } },
            ...errors('400', '401', '403', '404'),
          },
        },
      },
    },
  });
}

const eventPath = { path: EventIdParams };
const organizerOnly = (summary: string, method: 'get' | 'post' | 'put', response: z.ZodType, extra: Record<string, unknown> = {}) => ({
  [method]: { summary, security: secured, requestParams: eventPath, ...extra, responses: { '200': { description: 'Done', ...json(response) }, ...errors('400', '401', '403', '404', '409') } },
});

/** Deliberative Polling: events, their pool and sample, surveys, report and research export (admin token). */
function studyPaths() {
  const anything = z.record(z.string(), z.unknown());
  const csv = { content: { 'text/csv': { schema: z.string() } } };
  return {
    '/api/events': {
      post: {
        summary: 'Create an event: sessions gathered under one questionnaire and report (admin token)',
        security: secured,
        requestBody: json(CreateEventBody),
        responses: { '201': { description: 'The event', ...json(anything) }, ...errors('400', '401', '403', '409') },
      },
    },
    '/api/events/{id}': organizerOnly('The event: its questionnaire versions, sessions and sample', 'get', anything),
    '/api/events/{id}/questionnaire': organizerOnly('Set a new version of the questionnaire (answers keep the version they answered)', 'put', anything, { requestBody: json(QuestionnaireBody) }),
    '/api/events/{id}/sessions': organizerOnly('Add sessions to the event (a session belongs to one event at most: 409)', 'post', anything, { requestBody: json(EventSessionsBody) }),
    '/api/events/{id}/pool': organizerOnly('Import the recruited pool, in the roster\'s CSV or JSON format and limits', 'post', z.object({ imported: z.number().int() }), {
      requestBody: { content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: RosterJsonBody } } },
    }),
    '/api/events/{id}/sample': organizerOnly(
      'Draw the deliberation and control arms by strata, seeded; seat the deliberators in the sessions by language (roster rows, invitations)',
      'post',
      SampleResult.extend({ placements: z.record(z.string(), z.array(z.string())), invitations: z.array(z.object({ id: z.string(), session: z.string(), link: z.string() })), unplaced: z.array(z.string()) }),
      { requestBody: json(SampleBody) },
    ),
    '/api/events/{id}/control-links': organizerOnly('Survey-only links for every control member, for one wave, valid between two dates', 'post', anything, { requestBody: json(ControlLinksBody) }),
    '/api/events/{id}/report': {
      get: {
        summary: 'Results per question: T1/T2 per arm, change, difference in differences with a 95% interval; representativeness (JSON, or format=html; session=… for one session)',
        security: secured,
        requestParams: { path: EventIdParams, query: ReportQuery.extend({ session: z.string().optional() }) },
        responses: { '200': { description: 'The report', content: { 'application/json': { schema: anything }, 'text/html': { schema: z.string() } } }, ...errors('400', '401', '403', '404') },
      },
    },
    '/api/events/{id}/export': {
      get: {
        summary: 'Pseudonymized research export (CSV) of the answers, or part=codebook; session=… for one session',
        security: secured,
        requestParams: { path: EventIdParams, query: ExportQuery },
        responses: { '200': { description: 'CSV', ...csv }, ...errors('400', '401', '403', '404') },
      },
    },
    '/api/events/{id}/erase': organizerOnly("Erase a person from the event's answers, pool and exports (audited)", 'post', z.object({ erased: z.string(), answers: z.number().int() }), { requestBody: json(EraseBody) }),
    '/api/events/{id}/audit': organizerOnly("The event's audit log", 'get', anything),
    '/api/survey': {
      get: {
        summary: 'The survey open now for the holder of the token (a session invitation during a survey step, or a survey-only link)',
        security: secured,
        responses: { '200': { description: 'The survey', ...json(SurveyView) }, ...errors('401', '403', '404') },
      },
    },
    '/api/survey/answers': {
      put: {
        summary: 'Save one answer as given; the reply acknowledges it. Editable until the step (or the link\'s window) ends',
        security: secured,
        requestBody: json(SurveyAnswerBody),
        responses: { '200': { description: 'Saved', ...json(anything) }, ...errors('400', '401', '403', '404') },
      },
    },
  };
}
