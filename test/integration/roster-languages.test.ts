import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RosterImported } from '../../shared/api';
import { SessionCreated, SessionView } from '../../shared/session';
import { ManualClock } from '../support/manual-clock';
import { igfAgenda, startServer, type RunningServer } from '../support/test-server';

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ clock: new ManualClock() });
});
afterEach(async () => {
  await server.close();
});

const post = (path: string, body: string, contentType: string) => server.api(path, { method: 'POST', body, headers: { 'content-type': contentType } });

describe('roster import over REST', () => {
  it('imports someone who speaks none of the session languages, with a warning naming the line, shown to staff', async () => {
    const created = SessionCreated.parse(await (await post('/api/sessions', JSON.stringify(igfAgenda), 'application/json')).json());
    // A quoted note with a line break moves the Spanish speaker's row to line 4.
    const csv = 'id,name,language,note\na,Ada,en,"two\nlines"\nb,Bea,es,\nc,Cy,en|fr,\n';
    const res = await post(`/api/sessions/${created.id}/roster`, csv, 'text/csv');
    expect(res.status).toBe(200);
    const imported = RosterImported.parse(await res.json());
    expect(imported.added).toBe(3);
    expect(imported.warnings).toEqual([{ line: 4, field: 'language', problem: expect.stringMatching(/^b speaks es, none of the session's languages \(en, fr\)/) }]);

    const json = await post(`/api/sessions/${created.id}/roster`, JSON.stringify([{ id: 'd', language: ['de'] }, { id: 'e', language: 'fr' }]), 'application/json');
    expect(RosterImported.parse(await json.json()).warnings?.map((w) => w.line)).toEqual([2]);

    const view = SessionView.parse(await (await server.api(`/api/sessions/${created.id}`, {})).json());
    expect(view.languageWarnings?.map((w) => w.id)).toEqual(['b', 'd']);
  });
});
