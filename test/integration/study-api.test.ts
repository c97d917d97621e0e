import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionInput } from '../../shared/session';
import { ManualClock } from '../support/manual-clock';
import { startServer, type RunningServer } from '../support/test-server';

let server: RunningServer;
let clock: ManualClock;

const pollAgenda = (language: string): CreateSessionInput => ({
  title: `Dialogue (${language})`,
  languages: [language],
  agenda: [
    { kind: 'survey', wave: 'T1', title: language === 'fr' ? 'Avant de commencer' : 'Before we begin', minutes: 10 },
    { kind: 'plenary', title: 'Opening', minutes: 5 },
    { kind: 'survey', wave: 'T2', title: language === 'fr' ? 'Après la journée' : 'After the day', minutes: 10 },
  ],
});

const questionnaire = {
  questions: [
    { type: 'likert', id: 'trust', scale: '0-10', text: { en: 'How much do you trust the internet?', fr: 'Quelle confiance avez-vous en internet ?' } },
    { type: 'single', id: 'rule', text: { en: 'Who should decide?', fr: 'Qui devrait décider ?' }, options: [{ id: 'states', text: { en: 'States', fr: 'Les États' } }, { id: 'all', text: { en: 'Everyone', fr: 'Tout le monde' } }] },
    { type: 'open', id: 'why', text: { en: 'Why?', fr: 'Pourquoi ?' } },
  ],
};

/** 24 recruited people: region × gender, French speakers every third, names and emails that must never leave. */
function poolCsv(): string {
  const lines = ['id,name,email,language,region,gender'];
  for (let i = 1; i <= 24; i++) {
    lines.push(`r${String(i).padStart(2, '0')},Secret Name ${i},secret${i}@example.org,${i % 3 === 0 ? 'fr' : 'en'},${i % 2 ? 'north' : 'south'},${i % 4 < 2 ? 'f' : 'm'}`);
  }
  return `${lines.join('\n')}\n`;
}

async function json<T = any>(response: Response, status = 200): Promise<T> {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  return JSON.parse(body) as T;
}

async function createSession(language: string): Promise<{ id: string; moderatorToken: string }> {
  return json(await server.api('/api/sessions', { method: 'POST', body: JSON.stringify(pollAgenda(language)) }), 201);
}

const asRespondent = (token: string) => ({ token });

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 0, 0));
  server = await startServer({ clock });
});
afterAll(async () => {
  await server.close();
});

describe('events, pool, sample, surveys and reports over REST', () => {
  it('refuses bad input with stable codes and changes nothing', async () => {
    const bad = await json(await server.api('/api/events', { method: 'POST', body: JSON.stringify({ title: '', languages: ['english!'] }) }), 400);
    expect(bad.error.code).toBe('BAD_INPUT');
    expect(bad.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['languages.0', 'title']);
    const badQuestion = await json(
      await server.api('/api/events', { method: 'POST', body: JSON.stringify({ title: 'x', languages: ['en'], questionnaire: { questions: [{ type: 'likert', id: 'q', text: 'Q', scale: '1-7' }] } }) }),
      400,
    );
    expect(badQuestion.error.code).toBe('BAD_INPUT');
    expect((await json(await server.api('/api/events', { method: 'POST', body: '{}', token: null }), 401)).error.code).toBe('UNAUTHORIZED');
    const { moderatorToken } = await createSession('en');
    expect((await json(await server.api('/api/events', { method: 'POST', body: JSON.stringify({ title: 'x', languages: ['en'] }), token: moderatorToken }), 403)).error.code).toBe('NOT_ALLOWED');
    expect((await json(await server.api('/api/events/nothing-here/report'), 404)).error.code).toBe('NOT_FOUND');
  });

  it('runs a poll: sample, seat deliberators by language, T1 in sessions and by control links, report and export', async () => {
    const created = await json(await server.api('/api/events', { method: 'POST', body: JSON.stringify({ id: 'global-day', title: 'Global day', languages: ['en', 'fr'], questionnaire }) }), 201);
    expect(created).toMatchObject({ id: 'global-day', questionnaires: [{ version: 1 }] });
    const en = await createSession('en');
    const fr = await createSession('fr');
    await json(await server.api('/api/events/global-day/sessions', { method: 'POST', body: JSON.stringify({ sessions: [en.id, fr.id] }) }));
    // A session belongs to one event at most.
    await json(await server.api('/api/events', { method: 'POST', body: JSON.stringify({ id: 'other', title: 'Other', languages: ['en'] }) }), 201);
    expect((await json(await server.api('/api/events/other/sessions', { method: 'POST', body: JSON.stringify({ sessions: [en.id] }) }), 409)).error.code).toBe('CONFLICT');

    const badPool = await json(await server.api('/api/events/global-day/pool', { method: 'POST', body: 'id,name\n,nobody\n', headers: { 'content-type': 'text/csv' } }), 400);
    expect(badPool.error.details[0]).toMatchObject({ line: 2, field: 'id' });
    expect(await json(await server.api('/api/events/global-day/pool', { method: 'POST', body: poolCsv(), headers: { 'content-type': 'text/csv' } }))).toEqual({ imported: 24 });
    expect((await json(await server.api('/api/events/global-day/sample', { method: 'POST', body: JSON.stringify({ strata: ['county'], controlShare: 0.5, seed: 7 }) }), 400)).error.code).toBe('BAD_INPUT');

    const sample = await json(await server.api('/api/events/global-day/sample', { method: 'POST', body: JSON.stringify({ strata: ['region', 'gender'], controlShare: 0.5, seed: 7 }) }));
    expect(sample.deliberation).toHaveLength(12);
    expect(sample.control).toHaveLength(12);
    expect(sample.balance.region.largestGap).toBe(0);
    expect(sample.unplaced).toEqual([]);
    // French speakers sit in the French session, the others in the English one.
    const frenchIds = new Set(Array.from({ length: 8 }, (_, i) => `r${String((i + 1) * 3).padStart(2, '0')}`));
    expect(sample.placements[fr.id].every((id: string) => frenchIds.has(id))).toBe(true);
    expect(sample.placements[en.id].some((id: string) => frenchIds.has(id))).toBe(false);
    expect((await json(await server.api('/api/events/global-day/sample', { method: 'POST', body: JSON.stringify({ strata: [], controlShare: 0.5, seed: 8 }) }), 409)).error.code).toBe('CONFLICT');
    const audit = await json(await server.api('/api/events/global-day/audit'));
    expect(audit.entries.find((e: { action: string }) => e.action === 'sample.draw').detail).toMatchObject({ seed: 7, strata: ['region', 'gender'], deliberation: 12, control: 12 });

    const tokenOf = (id: string) => (sample.invitations.find((i: { id: string }) => i.id === id).link as string).split('#')[1]!;
    const enPerson = sample.placements[en.id][0] as string;
    const enToken = tokenOf(enPerson);
    // Before the survey step, there is nothing to answer.
    expect((await json(await server.api('/api/survey', asRespondent(enToken)), 403)).error.code).toBe('NOT_ALLOWED');
    await json(await server.api(`/api/sessions/${en.id}/agenda/start`, { method: 'POST', body: '{}' }));
    const survey = await json(await server.api('/api/survey', asRespondent(enToken)));
    expect(survey).toMatchObject({ wave: 'T1', language: 'en', version: 1, answers: {} });
    expect(survey.questions[1].options).toEqual([{ id: 'states', text: 'States' }, { id: 'all', text: 'Everyone' }]);
    const ack = await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'trust', value: 4 }), token: enToken }));
    expect(ack).toMatchObject({ saved: true, questionId: 'trust', wave: 'T1', version: 1 });
    const wrong = await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'trust', value: 11 }), token: enToken }), 400);
    expect(wrong.error).toMatchObject({ code: 'BAD_INPUT', details: [{ field: 'value' }] });
    expect((await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'nope', value: 1 }), token: enToken }), 404)).error.code).toBe('NOT_FOUND');
    // Changed while the step runs: the last answer counts.
    await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'trust', value: 6 }), token: enToken }));
    expect((await json(await server.api('/api/survey', asRespondent(enToken)))).answers).toEqual({ trust: 6 });
    // The moderator sees the response rate.
    const view = await json(await server.api(`/api/sessions/${en.id}`, { token: en.moderatorToken }));
    expect(view.survey).toEqual({ wave: 'T1', responded: 1, expected: sample.placements[en.id].length });
    // Staff do not answer.
    expect((await json(await server.api('/api/survey', asRespondent(en.moderatorToken)), 403)).error.code).toBe('NOT_ALLOWED');

    // The French session reads the questionnaire in French.
    await json(await server.api(`/api/sessions/${fr.id}/agenda/start`, { method: 'POST', body: '{}' }));
    const frToken = tokenOf(sample.placements[fr.id][0]);
    expect((await json(await server.api('/api/survey', asRespondent(frToken)))).questions[0].text).toBe('Quelle confiance avez-vous en internet ?');
    await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'trust', value: 8 }), token: frToken }));

    // Control members: links for T1 open tomorrow for two days.
    const opensAt = new Date(clock.now() + 24 * 3600_000).toISOString();
    const closesAt = new Date(clock.now() + 72 * 3600_000).toISOString();
    expect((await json(await server.api('/api/events/global-day/control-links', { method: 'POST', body: JSON.stringify({ wave: 'T1', opensAt: closesAt, closesAt: opensAt }) }), 400)).error.code).toBe('BAD_INPUT');
    const links = await json(await server.api('/api/events/global-day/control-links', { method: 'POST', body: JSON.stringify({ wave: 'T1', opensAt, closesAt }) }));
    expect(links.links).toHaveLength(12);
    expect(links.links[0].link).toMatch(/\/survey#/);
    const controlToken = (links.links[0].link as string).split('#')[1]!;
    expect((await json(await server.api('/api/survey', asRespondent(controlToken)), 403)).error.code).toBe('NOT_ALLOWED');
    // A survey link opens no session.
    expect((await json(await server.api(`/api/sessions/${en.id}`, { token: controlToken }), 401)).error.code).toBe('UNAUTHORIZED');
    clock.advance(25 * 3600_000);
    expect((await json(await server.api('/api/survey', asRespondent(controlToken)))).wave).toBe('T1');
    await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'trust', value: 3 }), token: controlToken }));
    await json(await server.api('/api/survey/answers', { method: 'PUT', body: JSON.stringify({ questionId: 'why', value: '=HYPERLINK("http://evil")' }), token: controlToken }));
    clock.advance(48 * 3600_000);
    expect((await json(await server.api('/api/survey', asRespondent(controlToken)), 401)).error.code).toBe('LINK_EXPIRED');

    const report = await json(await server.api('/api/events/global-day/report'));
    const trust = report.results.questions.find((q: { id: string }) => q.id === 'trust');
    expect(trust.respondents).toEqual({ deliberation: { T1: 2, T2: 0 }, control: { T1: 1, T2: 0 } });
    expect(trust.measures[0].arms.deliberation.T1).toMatchObject({ n: 2, mean: 7 });
    expect(report.results.representativeness).toMatchObject({ respondents: 3, pool: 24 });
    const html = await server.api('/api/events/global-day/report?format=html');
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('<table>');
    expect(page).not.toContain('<script');
    const perSession = await json(await server.api(`/api/events/global-day/report?session=${fr.id}`));
    expect(perSession.results.questions[0].respondents.deliberation.T1).toBe(1);

    const exported = await server.api('/api/events/global-day/export?format=csv');
    expect(exported.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await exported.text();
    expect(csv.split('\n')[0]).toBe('respondent,arm,session,wave,question,version,value,answered_at,attr_gender,attr_region');
    expect(csv).not.toMatch(/Secret Name|@example\.org|eyJ/);
    for (const id of [enPerson, links.links[0].id]) expect(csv).not.toContain(`${id},`);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const codebook = await (await server.api('/api/events/global-day/export?format=csv&part=codebook')).text();
    expect(codebook).toContain('1,rule,single,,all,fr,Tout le monde');
    const sessionCsv = await (await server.api(`/api/events/global-day/export?session=${fr.id}`)).text();
    expect(sessionCsv.trim().split('\n')).toHaveLength(2);

    // Erasure on request: gone from answers and exports, and audited.
    const erased = await json(await server.api('/api/events/global-day/erase', { method: 'POST', body: JSON.stringify({ personId: enPerson }) }));
    expect(erased).toEqual({ erased: enPerson, answers: 1 });
    const after = await (await server.api('/api/events/global-day/export')).text();
    expect(after.trim().split('\n')).toHaveLength(csv.trim().split('\n').length - 1);
    expect((await json(await server.api('/api/events/global-day/audit'))).entries.at(-1)).toMatchObject({ action: 'person.erase', detail: { personId: enPerson } });
  });
});
