import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotesActivity } from '../../shared/notes';
import { ManualClock } from '../support/manual-clock';
import { notesClient, notesToken, send, startBreakout, type Breakout, type NotesClient } from '../support/notes';
import { liveClient, nextEvent, rosterCsv, startServer, type LiveClient, type RunningServer } from '../support/test-server';

/**
 * The moderators' view of the groups' notes: real socket.io and y-websocket clients over loopback,
 * time moved by hand. Activity reaches staff and observers only, at most once per session every 2 s.
 */
let clock: ManualClock;
let server: RunningServer;
let breakout: Breakout | null = null;
const notes: NotesClient[] = [];
const sockets: LiveClient[] = [];

beforeEach(async () => {
  clock = new ManualClock();
  server = await startServer({ clock });
});
afterEach(async () => {
  for (const c of notes.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.close();
  breakout?.close();
  breakout = null;
  await server.close();
});

const open = (grant: Parameters<typeof notesClient>[0]) => {
  const client = notesClient(grant);
  notes.push(client);
  return client;
};

/** Counts every `notes:activity` a socket receives. */
function received(socket: LiveClient): NotesActivity[] {
  const seen: NotesActivity[] = [];
  socket.on('notes:activity', (payload) => void seen.push(payload));
  return seen;
}

/** A round trip on the socket: whatever the server sent it before is in by then. */
const roundTrip = (socket: LiveClient) => send(socket, 'time:sync', { clientSentAt: 0 });

describe('notes activity in the moderator console', () => {
  it('shows staff who typed in the last 30 s and when the notes last changed; group members never get it', async () => {
    const b = (breakout = await startBreakout(server, rosterCsv(10, { moderators: 1 })));
    const group = b.groups[0]!;
    const [first, second] = group.members.map((m) => m.id);
    const toModerator = received(b.moderator);
    // Everyone seated in a group (facilitators, note takers, participants); m1 is staff.
    const seated = b.groups.flatMap((g) => g.members.map((m) => b.people.get(m.id)!));
    const toPeople = seated.map(received);

    const a = open(await notesToken(b.people.get(first!)!));
    const c = open(await notesToken(b.people.get(second!)!));
    const reader = open(await notesToken(b.moderator, { groupId: group.id }));
    await Promise.all([a.synced, c.synced, reader.synced]);
    const editedAt = clock.now();
    a.text.insert(0, 'Hope for the local network. ');
    // The other writer has the edit: the server applied it before relaying it.
    await c.until((t) => t.includes('Hope for the local network.'));
    expect(toModerator).toEqual([]); // coalesced: nothing before the interval

    const shown = nextEvent(b.moderator, 'notes:activity', (p) => p.groups[group.id]?.lastEditAt !== null);
    clock.advance(2000);
    const activity = await shown;
    expect(activity).toMatchObject({ sessionId: b.id, stepIndex: 1, serverNow: editedAt + 2000 });
    // Writing is typing, not having the editor open: one of the two open editors typed.
    expect(activity.groups[group.id]).toEqual({ writers: 1, readers: 1, lastEditAt: editedAt });
    expect(Object.keys(activity.groups).sort()).toEqual(b.groups.map((g) => g.id).sort());
    for (const other of b.groups.slice(1)) expect(activity.groups[other.id]).toEqual({ writers: 0, readers: 0, lastEditAt: null });

    // Many edits within the interval make one message.
    c.text.insert(c.text.length, 'We should meet again.');
    a.text.insert(a.text.length, ' Agreed.');
    await Promise.all([a.until((t) => t.includes('We should meet again.')), c.until((t) => t.includes('Agreed.'))]);
    clock.advance(1000);
    await roundTrip(b.moderator);
    expect(toModerator).toHaveLength(1);
    const next = nextEvent(b.moderator, 'notes:activity');
    clock.advance(1000);
    expect((await next).groups[group.id]).toEqual({ writers: 2, readers: 1, lastEditAt: editedAt + 2000 });
    await roundTrip(b.moderator);
    expect(toModerator).toHaveLength(2);

    // 30 s after the last keystroke nobody counts as writing, editors still open: the staff are told
    // without any edit to prompt it.
    const quiet = nextEvent(b.moderator, 'notes:activity', (p) => p.groups[group.id]?.writers === 0);
    clock.advance(editedAt + 2000 + 30_000 - clock.now() - 1);
    await roundTrip(b.moderator);
    expect(toModerator.at(-1)!.groups[group.id]!.writers).toBe(2);
    clock.advance(1 + 2000);
    expect((await quiet).groups[group.id]).toEqual({ writers: 0, readers: 1, lastEditAt: editedAt + 2000 });

    await Promise.all(seated.map(roundTrip));
    expect(toPeople.flat()).toEqual([]);
  });

  it('sends a staff socket the current activity when it joins', async () => {
    const b = (breakout = await startBreakout(server, rosterCsv(10, { moderators: 1 })));
    const group = b.groups[1]!;
    const writer = open(await notesToken(b.people.get(group.members[0]!.id)!));
    await writer.synced;
    const editedAt = clock.now();
    writer.text.insert(0, 'First idea.');
    await open(await notesToken(b.people.get(group.members[1]!.id)!)).until((t) => t.includes('First idea.'));

    const late = liveClient(server.url, b.tokens.get('m1')!);
    sockets.push(late);
    const participant = liveClient(server.url, b.tokens.get(group.members[2]!.id)!);
    sockets.push(participant);
    const toParticipant = received(participant);
    const participantJoined = nextEvent(participant, 'state');
    const activity = await nextEvent(late, 'notes:activity');
    expect(activity.groups[group.id]).toEqual({ writers: 1, readers: 0, lastEditAt: editedAt });
    await participantJoined;
    await roundTrip(participant);
    expect(toParticipant).toEqual([]);
  });
});
