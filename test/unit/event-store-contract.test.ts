import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../server/src/domain/errors';
import type { EventAuditEntry, StudyEvent, SurveyAnswer } from '../../server/src/study/event';
import type { EventStore } from '../../server/src/store/event-store';
import { MemoryEventStore } from '../../server/src/store/memory-event-store';
import { RedisEventStore } from '../../server/src/store/redis-event-store';
import { SqliteEventStore } from '../../server/src/store/sqlite-event-store';
import { redisForThisFile } from '../support/redis-server';

const t0 = Date.UTC(2026, 11, 1, 9, 0, 0);

function event(id: string): StudyEvent {
  return {
    id,
    title: `Global day ${id}`,
    languages: ['en', 'fr'],
    version: 1,
    questionnaires: [{ version: 1, at: t0, questions: [{ type: 'likert', id: 'trust', text: { en: 'Trust?', fr: 'Confiance ?' }, scale: '0-10' }] }],
    sessions: [],
    sample: null,
    createdAt: t0,
    updatedAt: t0,
  };
}

const entry = (eventId: string, action: string, detail: Record<string, unknown> = {}): EventAuditEntry => ({ eventId, at: t0, actor: 'organizer', action, detail });

function answer(eventId: string, personId: string, questionId: string, value: SurveyAnswer['value'], at = t0): SurveyAnswer {
  return { eventId, personId, wave: 'T1', questionId, version: 1, value, arm: 'deliberation', sessionId: 's1', at };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the promise should have rejected').toBeInstanceOf(DomainError);
  return error as DomainError;
}

const byKey = (answers: SurveyAnswer[]) => [...answers].sort((a, b) => `${a.personId}/${a.wave}/${a.questionId}`.localeCompare(`${b.personId}/${b.wave}/${b.questionId}`));

interface Factory {
  open(): EventStore;
  reopen?: () => EventStore;
  cleanup?: () => void | Promise<void>;
}

function eventStoreContract(name: string, makeFactory: () => Factory): void {
  describe(`${name} keeps the EventStore contract`, () => {
    let factory: Factory;
    let store: EventStore;
    beforeEach(() => {
      factory = makeFactory();
      store = factory.open();
    });
    afterEach(async () => {
      await store.close();
      await factory.cleanup?.();
    });

    it('loads what was created as a separate copy, refuses the same id twice, and audits', async () => {
      await store.create(event('e1'), [entry('e1', 'event.create')]);
      const loaded = await store.load('e1');
      expect(loaded).toEqual(event('e1'));
      loaded!.title = 'changed by the caller';
      expect((await store.load('e1'))!.title).toBe('Global day e1');
      expect((await rejection(store.create({ ...event('e1'), title: 'Impostor' }, [entry('e1', 'event.create')]))).code).toBe('CONFLICT');
      expect((await store.load('e1'))!.title).toBe('Global day e1');
      expect((await store.audit('e1')).map((e) => e.action)).toEqual(['event.create']);
      expect(await store.load('nothing')).toBeUndefined();
    });

    it('saves at the expected version only', async () => {
      await store.create(event('e2'), []);
      const v2 = { ...event('e2'), version: 2, title: 'Renamed' };
      await store.save(v2, 1, [entry('e2', 'questionnaire.set')]);
      expect((await rejection(store.save({ ...v2, version: 3, title: 'Stale' }, 1, [entry('e2', 'stale')]))).code).toBe('CONFLICT');
      expect((await store.load('e2'))!.title).toBe('Renamed');
      expect((await store.audit('e2')).map((e) => e.action)).toEqual(['questionnaire.set']);
      expect((await rejection(store.save(event('ghost'), 1, []))).code).toBe('NOT_FOUND');
    });

    it('gives a session to one event at most, all or none', async () => {
      await store.create(event('a'), []);
      await store.create(event('b'), []);
      await store.attachSessions('a', ['s1', 's2'], [entry('a', 'event.sessions')]);
      await store.attachSessions('a', ['s2', 's3'], []);
      expect((await store.load('a'))!.sessions).toEqual(['s1', 's2', 's3']);
      const error = await rejection(store.attachSessions('b', ['s4', 's2'], [entry('b', 'event.sessions')]));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toContain('s2');
      expect((await store.load('b'))!.sessions).toEqual([]);
      expect(await store.eventOfSession('s4')).toBeUndefined();
      expect(await store.eventOfSession('s2')).toBe('a');
      expect(await store.audit('b')).toEqual([]);
      expect((await rejection(store.attachSessions('ghost', ['s9'], []))).code).toBe('NOT_FOUND');
    });

    it('replaces the pool in its order', async () => {
      await store.create(event('p'), []);
      const person = (id: string, region: string) => ({ id, name: '', languages: ['en'], role: 'participant' as const, attributes: { region } });
      await store.setPool('p', [person('z', 'north'), person('a', 'south')], [entry('p', 'pool.import', { count: 2 })]);
      expect((await store.pool('p')).map((p) => p.id)).toEqual(['z', 'a']);
      await store.setPool('p', [person('m', 'east')], []);
      expect(await store.pool('p')).toEqual([person('m', 'east')]);
      expect(await store.pool('none')).toEqual([]);
    });

    it('keeps the last answer per person, wave and question, and erases a person with an audit entry', async () => {
      await store.create(event('q'), []);
      await store.saveAnswer(answer('q', 'p1', 'trust', 3));
      await store.saveAnswer(answer('q', 'p1', 'trust', 7, t0 + 1));
      await store.saveAnswer(answer('q', 'p2', 'trust', 5));
      await store.saveAnswer({ ...answer('q', 'p1', 'trust', 9), wave: 'T2' });
      // An id that begins like another's is not that other person.
      await store.saveAnswer(answer('q', 'p1x', 'trust', 1));
      expect(byKey(await store.answers('q')).map((a) => [a.personId, a.wave, a.value])).toEqual([
        ['p1', 'T1', 7],
        ['p1', 'T2', 9],
        ['p1x', 'T1', 1],
        ['p2', 'T1', 5],
      ]);
      await store.setPool('q', [{ id: 'p1', name: '', languages: [], role: 'participant', attributes: {} }], []);
      expect(await store.erase('q', 'p1', [entry('q', 'person.erase', { personId: 'p1' })])).toBe(2);
      expect(byKey(await store.answers('q')).map((a) => a.personId)).toEqual(['p1x', 'p2']);
      expect(await store.pool('q')).toEqual([]);
      expect((await store.audit('q')).map((e) => e.action)).toEqual(['person.erase']);
      expect((await rejection(store.saveAnswer(answer('ghost', 'p1', 'trust', 1)))).code).toBe('NOT_FOUND');
    });

    it('writes nothing when an audit entry cannot be written', async () => {
      await store.create(event('u'), []);
      const unwritable = {
        get problem(): never {
          throw new Error('this audit detail cannot be stored');
        },
      };
      await expect(store.attachSessions('u', ['s7'], [entry('u', 'event.sessions', unwritable)])).rejects.toThrow();
      expect(await store.eventOfSession('s7')).toBeUndefined();
      await expect(store.create(event('v'), [entry('v', 'event.create', unwritable)])).rejects.toThrow();
      expect(await store.load('v')).toBeUndefined();
    });

    if (makeFactory().reopen) it('keeps everything across close and reopen', async () => {
      await store.create(event('d'), [entry('d', 'event.create')]);
      await store.attachSessions('d', ['s1'], []);
      await store.saveAnswer(answer('d', 'p1', 'trust', 4));
      await store.close();
      store = factory.reopen!();
      expect((await store.load('d'))!.sessions).toEqual(['s1']);
      expect((await store.answers('d')).map((a) => a.value)).toEqual([4]);
      expect(await store.audit('d')).toHaveLength(1);
    });
  });
}

eventStoreContract('MemoryEventStore', () => ({ open: () => new MemoryEventStore() }));

eventStoreContract('SqliteEventStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-events-'));
  return { open: () => new SqliteEventStore(dir), reopen: () => new SqliteEventStore(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

const redis = redisForThisFile();
eventStoreContract('RedisEventStore', () => ({
  open: () => new RedisEventStore(redis.client),
  reopen: () => new RedisEventStore(redis.client),
  cleanup: async () => {
    await redis.client.flushDb();
  },
}));
