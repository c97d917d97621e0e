import type { MediaGrant, MediaSource, MediaTokenRequest } from '../../../shared/media';
import { conflict, notAllowed, notFound } from './errors';
import { floorHolder } from './plenary';
import { rapporteurOf } from './report-back';
import { can, type Actor } from './roles';
import { currentStep, groupOf, inBreakout, type SessionState } from './session';

/** The plenary's media room: everyone who is not sitting at a table during a breakout. */
export const plenaryRoom = (sessionId: string) => `${sessionId}.plenary`;
/** A table's media room belongs to one breakout step, so a new round never reuses an old room. */
export const groupRoom = (sessionId: string, stepIndex: number, groupId: string) => `${sessionId}.${stepIndex}.${groupId}`;

const speakerSources: MediaSource[] = ['microphone', 'camera'];
/** The people who lead or present may also share a screen (slides, the notes on screen). */
const leadSources: MediaSource[] = ['microphone', 'camera', 'screen_share'];

/** The person whose group presents its notes now, in plenary. */
function presenterOf(state: SessionState): string | null {
  if (state.reportBack.presenting === null || inBreakout(state)) return null;
  const group = state.groups.find((g) => g.id === state.reportBack.presenting);
  return group ? (rapporteurOf(state, group)?.id ?? null) : null;
}

const listening = (room: string, hidden = false): MediaGrant => ({ room, canPublish: false, canPublishSources: [], canSubscribe: true, hidden });
const speaking = (room: string, sources: MediaSource[]): MediaGrant => ({ room, canPublish: true, canPublishSources: sources, canSubscribe: true, hidden: false });

/**
 * The one rule of who hears whom: which media room a person belongs in now and whether they may
 * publish there. Null when no room applies (the session has ended). Throws a DomainError for a
 * request the person may not make (a participant visiting another table, an observer speaking).
 *
 * - Lobby and plenary steps: one plenary room. Moderators and organizers publish; so do the step's
 *   named speakers, the person given the floor and the rapporteur presenting now. Everyone else listens.
 * - Breakout: each group's members publish in their table's room. Moderators stay in the plenary
 *   room unless they visit a table: hidden and listening until they choose to speak, then visible.
 *   Observers may visit hidden and only listen. People without a table wait in the plenary room.
 * - Observers never publish anywhere.
 */
export function mediaGrant(state: SessionState, actor: Actor, request: MediaTokenRequest = {}): MediaGrant | null {
  if (state.status === 'ended') return null;
  const leads = can(actor.role, 'media.lead');
  const listensOnly = !can(actor.role, 'media.speak');

  if (request.visitGroupId !== undefined) {
    if (!can(actor.role, 'media.visit')) throw notAllowed('Only moderators and observers visit other tables.');
    if (!inBreakout(state)) throw conflict('The groups are not meeting now; there is no table to visit.');
    const group = state.groups.find((g) => g.id === request.visitGroupId);
    if (!group) throw notFound(`There is no group ${request.visitGroupId}.`);
    if (request.speak && listensOnly) throw notAllowed('Observers listen; they do not speak at the tables.');
    const room = groupRoom(state.id, state.stepIndex, group.id);
    return request.speak ? speaking(room, speakerSources) : listening(room, true);
  }

  if (inBreakout(state)) {
    const group = actor.memberId ? groupOf(state, actor.memberId) : undefined;
    if (group && can(actor.role, 'group.join')) return speaking(groupRoom(state.id, state.stepIndex, group.id), speakerSources);
  }

  const room = plenaryRoom(state.id);
  if (leads) return speaking(room, leadSources);
  if (listensOnly || !actor.memberId || inBreakout(state)) return listening(room);
  const id = actor.memberId;
  if (id === presenterOf(state)) return speaking(room, leadSources);
  const step = currentStep(state);
  const named = step?.kind === 'plenary' && step.speakers.includes(id);
  if (named || id === floorHolder(state)) return speaking(room, speakerSources);
  return listening(room);
}

/** True when two grants let a person do exactly the same in the same room. */
export function sameGrant(a: MediaGrant | null, b: MediaGrant | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.room === b.room &&
    a.canPublish === b.canPublish &&
    a.canSubscribe === b.canSubscribe &&
    a.hidden === b.hidden &&
    a.canPublishSources.join() === b.canPublishSources.join()
  );
}
