import type { VoiceOnlyCommand } from '../../../shared/commands';
import { conflict, notAllowed, notFound } from './errors';
import { authorize, can, type Actor } from './roles';
import { groupOf, memberOf, type SessionState } from './session';
import { change, type Context, type Transition } from './transition';

/**
 * Marks (or unmarks) that someone takes part by voice only, so their table does not wait for them
 * to read or type: the note taker writes down what they say. Staff may mark anyone; a facilitator,
 * the people of their own table.
 */
export function markVoiceOnly(state: SessionState, actor: Actor, command: VoiceOnlyCommand, ctx: Context): Transition {
  authorize(actor, 'member.voiceOnly');
  const member = memberOf(state, command.memberId);
  if (!member) throw notFound('There is nobody with that id on the roster.');
  if (!can(actor.role, 'roster.readAttributes')) {
    const table = actor.memberId ? groupOf(state, actor.memberId) : undefined;
    if (!table || !table.members.includes(command.memberId)) throw notAllowed('A facilitator may mark only the people of their own table.');
  }
  if ((member.voiceOnly ?? false) === command.voiceOnly) {
    throw conflict(command.voiceOnly ? 'This person is already marked as taking part by voice.' : 'This person is not marked as taking part by voice.');
  }
  return change(state, ctx, actor, command.voiceOnly ? 'member.voiceOnly' : 'member.voiceOnlyCleared', (d) => {
    d.roster[command.memberId] = { ...d.roster[command.memberId]!, voiceOnly: command.voiceOnly };
    return { memberId: command.memberId };
  });
}
