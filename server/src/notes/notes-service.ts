import type { Logger } from 'pino';
import { diffLines } from 'diff';
import * as Y from 'yjs';
import type { BreakoutStep } from '../../../shared/agenda';
import { resolveText, type LocalizedText } from '../../../shared/content';
import { NOTES_TEXT, notesCloseCodes, type NotesActivity, type NotesExport, type NotesExportQuery, type NotesGrant, type NotesTokenRequest } from '../../../shared/notes';
import type { Clock } from '../domain/clock';
import { DomainError, conflict, notAllowed, notFound } from '../domain/errors';
import { breakoutOfGroups, notesAccess, notesTarget, type NotesAccess } from '../domain/notes-access';
import { rapporteurOf } from '../domain/report-back';
import type { Actor } from '../domain/roles';
import { inBreakout, shownName, type SessionState } from '../domain/session';
import type { SessionHost } from '../sessions/session-host';
import type { NotesKey, NotesStore } from '../store/notes-store';
import { docNameOf, parseDocName } from './doc-name';
import { NotesDocRegistry, textOfState } from './doc-registry';
import type { NotesFanout } from './notes-fanout';
import { notesToHtml, notesToJson, notesToMarkdown } from './notes-export';
import { NotesPersistence, defaultPersistence, type FlushListener, type PersistenceOptions } from './notes-persistence';
import { defaultNotesLimits, type NotesConnection, type NotesIdentity, type NotesLimits, type NotesRoom, type RoomAccess } from './notes-room';
import { newNotesStats, type NotesStats } from './notes-stats';
import { notesTemplate } from './notes-template';
import { RecentWriters } from './recent-writers';
import { admit, claimsFor, subjectOf } from '../domain/admission';
import { NotesTokens, type NotesClaims } from './notes-token';
import { InvitationLimits } from '../access/invitation-limits';

export interface NotesServiceOptions {
  host: SessionHost;
  store: NotesStore;
  clock: Clock;
  /** The server's signing secret; notes tokens use a key derived from it. */
  secret: string;
  /** Base of the notes' WebSocket URLs, e.g. `ws://localhost:3000/yjs`. */
  notesUrl: () => string;
  logger: Logger;
  limits?: Partial<NotesLimits>;
  persistence?: Partial<PersistenceOptions>;
  tokenTtlMs?: number;
  idleMs?: number;
  /** Other nodes holding the same documents (several nodes on Redis); none by default. */
  fanout?: NotesFanout;
}

/** A checked request to open a document, held between the upgrade's check and its completion. */
export interface NotesAdmission {
  key: NotesKey;
  name: string;
  claims: NotesClaims;
  access: RoomAccess;
  room: NotesRoom;
  version: number;
  /** The name and colour others see at this person's cursor. */
  identity: NotesIdentity;
}

/** One open connection, as the transport drives it. */
export interface NotesSession {
  receive(data: Uint8Array): void;
  leave(): void;
}

interface LiveConnection {
  conn: NotesConnection;
  room: NotesRoom;
  key: NotesKey;
  claims: NotesClaims;
  access: RoomAccess;
}

/** What the notes service knows of a breakout's documents; the transport adds the session and the time. */
export type BreakoutNotesActivity = Pick<NotesActivity, 'stepIndex' | 'groups'>;

/** Label of the version kept when a breakout ends: what the rapporteur presents. */
export const breakoutEndLabel = 'breakout-end';

interface ExportedMember {
  id: string;
  name: string;
  role: string;
  rapporteur: boolean;
}

/**
 * The groups' shared notes: grants tokens for them, admits connections and keeps each one's
 * access in step with the session (writers become readers when the breakout ends, readers are let
 * go when their group stops presenting), keeps the version of each group's notes as its breakout
 * ended, and exports them. Who may do what is the domain's (notes-access.ts).
 */
export class NotesService {
  readonly stats: NotesStats = newNotesStats();
  readonly limits: NotesLimits;
  readonly #opts: NotesServiceOptions;
  readonly #persistence: NotesPersistence;
  readonly #registry: NotesDocRegistry;
  readonly #tokens: NotesTokens;
  readonly #live = new Map<string, Set<LiveConnection>>();
  /** Per session: the breakout step open at the last change seen (null: none). */
  readonly #openBreakout = new Map<string, number | null>();
  readonly #latest = new Map<string, SessionState>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #connectionListeners = new Set<(open: number) => void>();
  readonly #activityListeners = new Set<(sessionId: string) => void>();
  /** Per session, per document name: server ms of the last edit applied. */
  readonly #lastEdit = new Map<string, Map<string, number>>();
  /** Who typed where lately: "writing" in the staff's room cards. */
  readonly #writers = new RecentWriters();
  /** The person (link subject) behind each open connection, to credit their edits. */
  readonly #personOf = new WeakMap<NotesConnection, string>();
  /** Per session: the timer that refreshes the activity when someone stops counting as writing. */
  readonly #writingTimers = new Map<string, () => void>();
  #open = 0;
  /** Open connections per document and invitation: as for the live session, a few tabs each. */
  readonly #invitations: InvitationLimits<NotesConnection>;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(opts: NotesServiceOptions) {
    this.#opts = opts;
    this.limits = { ...defaultNotesLimits, ...opts.limits };
    this.#persistence = new NotesPersistence(opts.store, opts.clock, { ...defaultPersistence, ...opts.persistence }, this.stats, (err, key) =>
      opts.logger.error({ err, doc: docNameOf(key) }, 'storing notes failed'),
    );
    this.#registry = new NotesDocRegistry({
      store: opts.store,
      persistence: this.#persistence,
      clock: opts.clock,
      limits: this.limits,
      stats: this.stats,
      idleMs: opts.idleMs ?? 30_000,
      onEdit: (key, origin) => this.#edited(key, origin),
      ...(opts.fanout ? { fanout: opts.fanout } : {}),
    });
    this.#tokens = new NotesTokens(opts.secret, opts.clock, opts.tokenTtlMs);
    this.#invitations = new InvitationLimits(opts.clock);
    this.#unsubscribe = opts.host.subscribe(({ state }) => this.#onSessionChange(state));
  }

  /** `notes:token`: a short-lived token for the notes the caller asked for (or their own group's). */
  async grant(sessionId: string, actor: Actor, request: NotesTokenRequest): Promise<NotesGrant> {
    const state = await this.#opts.host.get(sessionId);
    const target = notesTarget(state, actor, request);
    const key: NotesKey = { sessionId, stepIndex: target.stepIndex, groupId: target.groupId };
    if (!(await this.#exists(state, key))) throw notFound(`There are no notes of ${key.groupId} at step ${key.stepIndex}.`);
    const subject = subjectOf(actor);
    const claims = subject === null ? null : claimsFor(state, subject);
    if (!claims) throw notAllowed('Open the notes from a live session link.');
    const name = docNameOf(key);
    const { token, expiresAt } = await this.#tokens.issue({ ...claims, doc: name });
    return { token, url: `${this.#opts.notesUrl()}/${name}`, docName: name, access: target.access, stepIndex: key.stepIndex, groupId: key.groupId, expiresAt };
  }

  /**
   * Checks a WebSocket upgrade for `docName` with `token` and loads the document. Throws a
   * DomainError (UNAUTHORIZED, NOT_ALLOWED, NOT_FOUND) when it must be refused.
   */
  async admit(docName: string, token: string): Promise<NotesAdmission> {
    if (this.#closed) throw new DomainError('CONFLICT', 'Roundtable is restarting; try again in a moment.');
    const key = parseDocName(docName);
    if (!key) throw notFound('There are no such notes.');
    const claims = await this.#tokens.verify(token, docName);
    const state = await this.#opts.host.get(key.sessionId);
    const actor = admit(state, claims);
    const access = notesAccess(state, actor, key.stepIndex, key.groupId);
    if (access === 'none') throw notAllowed('You may not open these notes now.');
    if (!(await this.#exists(state, key))) throw notFound('There are no such notes.');
    if (!this.#invitations.mayConnect(docName, claims.sub)) {
      throw new DomainError('CONFLICT', `These notes are already open in ${this.#invitations.capOf(claims.sub)} windows for this invitation; close one.`);
    }
    if (!this.#openBreakout.has(state.id)) this.#openBreakout.set(state.id, openBreakoutOf(state));
    const step = state.agenda[key.stepIndex] as BreakoutStep;
    const room = await this.#registry.open(key, () => groupTemplate(state, step, key.groupId));
    const identity = { subject: claims.sub, name: actor.name, color: cursorColourOf(claims.sub) };
    return { key, name: docName, claims, access, room, version: state.version, identity };
  }

  /** An admitted upgrade that did not complete (the client went away meanwhile). */
  abandon(admission: NotesAdmission): void {
    this.#registry.release(admission.room);
  }

  /** Seats an admitted connection in its document. */
  connect(admission: NotesAdmission, conn: NotesConnection): NotesSession {
    const { key, room, claims } = admission;
    let access: NotesAccess = admission.access;
    // The session may have changed while the document loaded.
    const latest = this.#latest.get(key.sessionId);
    if (latest && latest.version !== admission.version) access = this.#accessNow(latest, key, claims);
    if (access === 'none') {
      this.stats.accessRevoked++;
      conn.close(notesCloseCodes.forbidden, 'Your access to these notes has ended.');
      this.#registry.release(room);
      return { receive: () => undefined, leave: () => undefined };
    }
    // Counted now, synchronously: upgrades of one invitation may have raced through `admit`.
    if (!this.#invitations.connected(admission.name, claims.sub, conn)) {
      conn.close(notesCloseCodes.rateLimited, 'These notes are open in too many windows.');
      this.#registry.release(room);
      return { receive: () => undefined, leave: () => undefined };
    }
    const live: LiveConnection = { conn, room, key, claims, access };
    this.#personOf.set(conn, claims.sub);
    const set = this.#live.get(key.sessionId) ?? new Set();
    this.#live.set(key.sessionId, set);
    set.add(live);
    this.stats.connectionsOpened++;
    room.join(conn, access, admission.identity);
    this.#counted(+1);
    this.#activityChanged(key.sessionId);
    let left = false;
    return {
      receive: (data) => room.receive(conn, data),
      leave: () => {
        if (left) return;
        left = true;
        this.#invitations.disconnected(admission.name, claims.sub, conn);
        room.leave(conn);
        set.delete(live);
        if (set.size === 0 && this.#live.get(key.sessionId) === set) this.#live.delete(key.sessionId);
        this.#registry.release(room);
        this.#counted(-1);
        this.#activityChanged(key.sessionId);
      },
    };
  }

  /** How many notes documents this node holds open. */
  get openDocuments(): number {
    return this.#registry.size;
  }

  /** How many notes connections are open now. */
  get openConnections(): number {
    return this.#open;
  }

  /** Called with the number of open notes connections whenever one opens or closes. */
  onConnections(listener: (open: number) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  /**
   * The notes of the breakout whose groups the session has now (null: no groups): per group, how
   * many people typed in the last 30 s, the open connections that may only read, and when it was
   * last edited.
   */
  activity(state: SessionState): BreakoutNotesActivity | null {
    const stepIndex = breakoutOfGroups(state);
    if (stepIndex === null) return null;
    const edits = this.#lastEdit.get(state.id);
    const now = this.#opts.clock.now();
    const groups: BreakoutNotesActivity['groups'] = {};
    for (const { id } of state.groups) {
      const name = docNameOf({ sessionId: state.id, stepIndex, groupId: id });
      let readers = 0;
      const room = this.#registry.peek(name);
      for (const conn of room?.connections() ?? []) if (room!.accessOf(conn) !== 'write') readers++;
      groups[id] = { writers: this.#writers.writing(name, now), readers, lastEditAt: edits?.get(name) ?? null };
    }
    return { stepIndex, groups };
  }

  /** Called with the session's id whenever its notes' activity may have changed (connections, access, edits). */
  onActivity(listener: (sessionId: string) => void): () => void {
    this.#activityListeners.add(listener);
    return () => this.#activityListeners.delete(listener);
  }

  #activityChanged(sessionId: string): void {
    for (const listener of this.#activityListeners) listener(sessionId);
  }

  #edited(key: NotesKey, origin?: NotesConnection): void {
    const now = this.#opts.clock.now();
    const edits = this.#lastEdit.get(key.sessionId) ?? new Map<string, number>();
    this.#lastEdit.set(key.sessionId, edits);
    const name = docNameOf(key);
    edits.set(name, now);
    const person = origin && this.#personOf.get(origin);
    if (person !== undefined) this.#writers.typed(name, person, now);
    this.#armWritingTimer(key.sessionId);
    this.#activityChanged(key.sessionId);
  }

  /** Nobody types for 30 s: the count of people writing must fall without any message to say so. */
  #armWritingTimer(sessionId: string): void {
    if (this.#writingTimers.has(sessionId) || this.#closed) return;
    const next = this.#writers.nextChange(this.#opts.clock.now());
    if (next === null) return;
    this.#writingTimers.set(
      sessionId,
      this.#opts.clock.setTimer(() => {
        this.#writingTimers.delete(sessionId);
        this.#activityChanged(sessionId);
        this.#armWritingTimer(sessionId);
      }, next - this.#opts.clock.now()),
    );
  }

  #counted(delta: number): void {
    this.#open += delta;
    for (const listener of this.#connectionListeners) listener(this.#open);
  }

  #accessNow(state: SessionState, key: NotesKey, claims: NotesClaims): NotesAccess {
    try {
      return notesAccess(state, admit(state, claims), key.stepIndex, key.groupId);
    } catch {
      return 'none'; // revoked
    }
  }

  async #exists(state: SessionState, key: NotesKey): Promise<boolean> {
    if (breakoutOfGroups(state) === key.stepIndex && state.groups.some((g) => g.id === key.groupId)) return true;
    if (this.#registry.peek(docNameOf(key))) return true;
    return (await this.#opts.store.load(key)) !== null;
  }

  #onSessionChange(state: SessionState): void {
    if (this.#closed) return;
    this.#latest.set(state.id, state);
    const open = openBreakoutOf(state);
    const previous = this.#openBreakout.get(state.id);
    this.#openBreakout.set(state.id, open);
    if (previous !== undefined && previous !== null && previous !== open) this.#inBackground(this.#keepBreakoutEnd(state, previous));
    if (previous === undefined) this.#inBackground(this.#keepMissedBreakoutEnds(state, open));
    let changed = previous !== open;
    for (const live of [...(this.#live.get(state.id) ?? [])]) {
      const access = this.#accessNow(state, live.key, live.claims);
      if (access === 'none') {
        this.stats.accessRevoked++;
        live.room.refuse(live.conn, 'forbidden', 'Your access to these notes has ended.');
        changed = true;
      } else if (access !== live.access) {
        live.access = access;
        live.room.setAccess(live.conn, access);
        changed = true;
      }
    }
    if (state.status === 'ended') {
      // Nothing opens for writing any more: no transition left to watch for.
      this.#latest.delete(state.id);
      this.#openBreakout.delete(state.id);
      this.#lastEdit.delete(state.id);
      this.#writers.forget((name) => parseDocName(name)?.sessionId === state.id);
      this.#writingTimers.get(state.id)?.();
      this.#writingTimers.delete(state.id);
    }
    if (changed) this.#activityChanged(state.id);
  }

  /** After a restart, a breakout that ended while nobody watched still gets its version kept. */
  async #keepMissedBreakoutEnds(state: SessionState, open: number | null): Promise<void> {
    const stored = await this.#opts.store.list(state.id);
    for (const step of new Set(stored.map((k) => k.stepIndex))) {
      if (step === open || step > state.stepIndex) continue;
      const kept = await Promise.all(stored.filter((k) => k.stepIndex === step).map((k) => this.#opts.store.version(k, breakoutEndLabel)));
      if (kept.some((v) => v === null)) await this.#keepBreakoutEnd(state, step);
    }
  }

  /** Keeps each group's notes as they stood when breakout `stepIndex` ended, with who was in the group. */
  async #keepBreakoutEnd(state: SessionState, stepIndex: number): Promise<void> {
    const stored = (await this.#opts.store.list(state.id)).filter((k) => k.stepIndex === stepIndex);
    const ids = new Set(stored.map((k) => k.groupId));
    if (breakoutOfGroups(state) === stepIndex) for (const g of state.groups) ids.add(g.id);
    for (const groupId of ids) {
      const key: NotesKey = { sessionId: state.id, stepIndex, groupId };
      const name = docNameOf(key);
      const room = this.#registry.peek(name);
      if (room) await this.#persistence.compact(name);
      // Never opened: its notes are the template, kept too, so that edits made after the breakout are still told apart.
      const bytes = (room ? Y.encodeStateAsUpdate(room.doc) : await this.#registry.stateOf(key)) ?? templateState(state, state.agenda[stepIndex] as BreakoutStep, groupId);
      await this.#opts.store.keepVersion(key, {
        label: breakoutEndLabel,
        at: this.#opts.clock.now(),
        state: bytes,
        meta:
          breakoutOfGroups(state) === stepIndex
            ? { members: membersOf(state, groupId), language: state.groups.find((g) => g.id === groupId)?.language ?? null }
            : { members: [] },
      });
    }
  }

  /**
   * The notes as Markdown, HTML or JSON: every breakout step (or `step`), every group (or `group`);
   * roles only unless `names` is `staff`; as now (`final`) or as each breakout ended.
   */
  async export(state: SessionState, query: NotesExportQuery): Promise<{ contentType: string; filename: string; body: string }> {
    const exp = await this.collect(state, query);
    const suffix = [
      query.step !== undefined ? `-step${query.step}` : '',
      query.group ? `-${query.group}` : '',
      query.version === 'breakout-end' ? '-breakout-end' : '',
      query.names === 'staff' ? '-staff' : '',
    ].join('');
    const filename = `roundtable-notes-${state.id}${suffix}.${query.format}`;
    switch (query.format) {
      case 'md':
        return { contentType: 'text/markdown; charset=utf-8', filename, body: notesToMarkdown(exp) };
      case 'html':
        return { contentType: 'text/html; charset=utf-8', filename, body: notesToHtml(exp) };
      case 'json':
        return { contentType: 'application/json; charset=utf-8', filename, body: notesToJson(exp) };
    }
  }

  /**
   * Gathers the notes to export: live text where a document is open, else as stored, else the
   * template; or, for `breakout-end`, the version kept when the breakout ended.
   */
  async collect(state: SessionState, query: Pick<NotesExportQuery, 'group' | 'step' | 'names' | 'version'>): Promise<NotesExport> {
    if (query.step !== undefined && state.agenda[query.step]?.kind !== 'breakout') throw notFound(`Step ${query.step} is not a breakout; it has no notes.`);
    const asEnded = query.version === 'breakout-end';
    const open = openBreakoutOf(state);
    if (asEnded && query.step !== undefined && query.step === open) throw conflict(`The breakout of step ${query.step} has not ended yet.`);
    // A breakout that just ended may still be having its version kept.
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    const stored = await this.#opts.store.list(state.id);
    const groupsStep = breakoutOfGroups(state);
    const stepIndexes = new Set(stored.map((k) => k.stepIndex));
    if (groupsStep !== null) stepIndexes.add(groupsStep);
    const steps: NotesExport['steps'] = [];
    for (const stepIndex of [...stepIndexes].sort((a, b) => a - b)) {
      if (query.step !== undefined && stepIndex !== query.step) continue;
      if (asEnded && stepIndex === open) continue;
      const step = state.agenda[stepIndex];
      if (step?.kind !== 'breakout') continue;
      const ids = new Set(stored.filter((k) => k.stepIndex === stepIndex).map((k) => k.groupId));
      if (stepIndex === groupsStep) for (const g of state.groups) ids.add(g.id);
      const groups: NotesExport['steps'][number]['groups'] = [];
      for (const groupId of [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
        if (query.group !== undefined && groupId !== query.group) continue;
        const key: NotesKey = { sessionId: state.id, stepIndex, groupId };
        const current = stepIndex === groupsStep ? state.groups.find((g) => g.id === groupId) : undefined;
        const kept = stepIndex === open ? null : await this.#opts.store.version(key, breakoutEndLabel);
        const keptMembers = kept?.meta.members as ExportedMember[] | undefined;
        const members = (asEnded ? keptMembers : undefined) ?? (current ? membersOf(state, groupId) : (keptMembers ?? []));
        const now = (await this.#registry.textOf(key)) ?? groupTemplate(state, step, groupId, kept?.meta.language);
        const then = kept ? textOfState(kept.state) : null;
        groups.push({
          groupId,
          language: current?.language ?? (typeof kept?.meta.language === 'string' ? kept.meta.language : null),
          members: members.map((m) => (query.names === 'staff' ? m : { role: m.role, rapporteur: m.rapporteur })),
          text: asEnded ? (then ?? now) : now,
          afterBreakout: !asEnded && kept && then !== now ? { breakoutEndedAt: kept.at, ...changedLines(then!, now) } : null,
        });
      }
      if (groups.length > 0) steps.push({ stepIndex, ...exportedTexts(step, state.languages), groups });
    }
    if (query.group !== undefined && steps.length === 0) throw notFound(`There are no notes of group ${query.group}.`);
    return { session: { id: state.id, title: state.title }, exportedAt: this.#opts.clock.now(), names: query.names, version: query.version, steps };
  }

  /** The live or stored text of one document (null when never written). */
  textOf(key: NotesKey): Promise<string | null> {
    return this.#registry.textOf(key);
  }

  /** Called after every durable append of edits, with the documents written. */
  onFlushed(listener: FlushListener): () => void {
    return this.#persistence.onFlushed(listener);
  }

  /** Stores every pending edit now. */
  flush(): Promise<void> {
    return this.#persistence.flush();
  }

  /** Resolves when background work (versions kept at a breakout's end, writes) is done. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    await this.#persistence.idle();
  }

  #inBackground(task: Promise<unknown>): void {
    const tracked = task.catch((err: unknown) => this.#opts.logger.error({ err }, 'keeping the notes of a breakout failed'));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  /** Closes every notes connection (going away), stores every pending edit, unloads every document. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    for (const cancel of this.#writingTimers.values()) cancel();
    this.#writingTimers.clear();
    await this.settled();
    await this.#registry.close();
    await this.#persistence.idle();
  }
}

function openBreakoutOf(state: SessionState): number | null {
  return inBreakout(state) ? state.stepIndex : null;
}

function membersOf(state: SessionState, groupId: string): ExportedMember[] {
  const group = state.groups.find((g) => g.id === groupId);
  if (!group) return [];
  const rapporteur = rapporteurOf(state, group);
  return group.members.flatMap((id) => {
    const m = state.roster[id];
    return m ? [{ id, name: shownName(m), role: m.role, rapporteur: rapporteur?.id === id }] : [];
  });
}

/** The lines added and removed between two versions of a group's notes (blank lines left out). */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const part of diffLines(before, after)) {
    if (!part.added && !part.removed) continue;
    const lines = part.value.split(/\r?\n/).filter((l) => l.trim() !== '');
    (part.added ? added : removed).push(...lines);
  }
  return { added, removed };
}

/** A document holding only the step's template, as a group's notes start. */
function templateState(state: SessionState, step: BreakoutStep, groupId: string): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.getText(NOTES_TEXT).insert(0, groupTemplate(state, step, groupId));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** Cursor colours that read well on white, with dark text beside them. */
const cursorColours = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309', '#be185d', '#0e7490', '#4d7c0f'];

/** A person keeps one colour in every group's notes. */
function cursorColourOf(subject: string): string {
  let hash = 0;
  for (let i = 0; i < subject.length; i++) hash = (hash * 31 + subject.charCodeAt(i)) >>> 0;
  return cursorColours[hash % cursorColours.length]!;
}

/** A group's template in its discussion language (the session's first when the group is gone). */
function groupTemplate(state: SessionState, step: BreakoutStep, groupId: string, keptLanguage?: unknown): string {
  const first = state.languages[0] ?? 'en';
  const language = state.groups.find((g) => g.id === groupId)?.language ?? (typeof keptLanguage === 'string' ? keptLanguage : first);
  return notesTemplate(step, language, first);
}

/** A step's texts as given: in the session's first language, and in each other language where translated. */
function exportedTexts(step: BreakoutStep, languages: readonly string[]): Pick<NotesExport['steps'][number], 'title' | 'questions' | 'language' | 'translations'> {
  const first = languages[0] ?? 'en';
  const title = resolveText(step.title, first, first);
  const translations: NonNullable<NotesExport['steps'][number]['translations']> = {};
  for (const language of languages) {
    if (language === title.language) continue;
    const given = (text: LocalizedText) => (typeof text === 'string' ? null : (text[language] ?? null));
    const texts = { title: given(step.title), questions: step.questions.map(given) };
    if (texts.title !== null || texts.questions.some((q) => q !== null)) translations[language] = texts;
  }
  return { title: title.text, questions: step.questions.map((q) => resolveText(q, first, first).text), language: title.language, translations };
}
