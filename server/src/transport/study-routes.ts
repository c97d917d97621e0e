import type { Request, Router } from 'express';
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
  SurveyAnswerBody,
} from '../../../shared/study';
import { badInput } from '../domain/errors';
import type { Actor } from '../domain/roles';
import { reportHtml } from '../study/report-html';
import type { Studies } from '../study/studies';
import { readRosterCsv, readRosterJson, type RosterFileLimits } from './roster-upload';

export interface StudyRouteDeps {
  studies: Studies;
  /** The organizer, for the admin token; refuses any other. */
  organizer(req: Request): Promise<Actor>;
  /** The bearer token of the request (an invitation or a survey link, for the survey routes). */
  bearer(req: Request): string;
  poolLimits: RosterFileLimits;
}

/** Events, pools, samples, surveys and reports over REST: thin, every rule is the study's. */
export function studyRoutes(api: Router, deps: StudyRouteDeps): void {
  const { studies } = deps;
  const eventId = (req: Request) => EventIdParams.parse(req.params).id;

  api.post('/events', async (req, res) => {
    const actor = await deps.organizer(req);
    res.status(201).json(await studies.create(CreateEventBody.parse(req.body ?? {}), actor));
  });
  api.get('/events/:id', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.get(eventId(req), actor));
  });
  api.put('/events/:id/questionnaire', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.setQuestionnaire(eventId(req), QuestionnaireBody.parse(req.body ?? {}), actor));
  });
  api.post('/events/:id/sessions', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.attachSessions(eventId(req), EventSessionsBody.parse(req.body ?? {}).sessions, actor));
  });
  api.post('/events/:id/pool', async (req, res) => {
    const actor = await deps.organizer(req);
    const id = eventId(req);
    // The roster's format and limits: a pool is a roster of people who may be drawn.
    const result = typeof req.body === 'string' ? await readRosterCsv(req.body, deps.poolLimits) : await readRosterJson(req.body, deps.poolLimits);
    if (!result.ok) throw badInput(`The pool has ${result.problems.length} problem(s); nothing was imported.`, result.problems);
    res.json(await studies.importPool(id, result.entries, actor));
  });
  api.post('/events/:id/sample', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.sample(eventId(req), SampleBody.parse(req.body ?? {}), actor));
  });
  api.post('/events/:id/control-links', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.controlLinks(eventId(req), ControlLinksBody.parse(req.body ?? {}), actor));
  });
  api.get('/events/:id/report', async (req, res) => {
    const actor = await deps.organizer(req);
    const { format } = ReportQuery.parse(req.query);
    const session = typeof req.query.session === 'string' ? req.query.session : undefined;
    const report = await studies.report(eventId(req), actor, session);
    if (format === 'json') {
      res.json(report);
      return;
    }
    res.type('html').set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").set('X-Content-Type-Options', 'nosniff').send(reportHtml(report));
  });
  api.get('/events/:id/export', async (req, res) => {
    const actor = await deps.organizer(req);
    const query = ExportQuery.parse(req.query);
    const file = await studies.researchExport(eventId(req), actor, query);
    res.type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${file.filename}"`).set('X-Content-Type-Options', 'nosniff').send(file.body);
  });
  api.post('/events/:id/erase', async (req, res) => {
    const actor = await deps.organizer(req);
    res.json(await studies.erase(eventId(req), EraseBody.parse(req.body ?? {}).personId, actor));
  });
  api.get('/events/:id/audit', async (req, res) => {
    const actor = await deps.organizer(req);
    const entries = await studies.auditLog(eventId(req), actor);
    res.json({ entries: entries.map(({ eventId: _omit, ...e }) => ({ ...e, atIso: new Date(e.at).toISOString() })) });
  });

  // The respondent's own routes: a session invitation during a survey step, or a survey-only link.
  api.get('/survey', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await studies.surveyFor(deps.bearer(req)));
  });
  api.put('/survey/answers', async (req, res) => {
    const token = deps.bearer(req);
    res.json(await studies.answer(token, SurveyAnswerBody.parse(req.body ?? {})));
  });
}
