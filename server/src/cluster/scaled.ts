import { createAdapter } from '@socket.io/redis-streams-adapter';
import { RedisEventStore } from '../store/redis-event-store';
import { RedisNotesStore } from '../store/redis-notes-store';
import { RedisSessionStore } from '../store/redis-store';
import { LeasedAgendaTimers } from './agenda-leases';
import { RedisNotesFanout } from './notes-fanout';
import { SharedPresence } from './presence';
import { RedisLink } from './redis';

/**
 * Everything a node needs to share sessions, notes, presence and timers through Redis, in one
 * module loaded only when REDIS_URL is set (a node of one process does not pay for loading the
 * Redis client at start).
 */
export const scaled = { RedisLink, RedisSessionStore, RedisEventStore, RedisNotesStore, SharedPresence, LeasedAgendaTimers, RedisNotesFanout, createAdapter };
export type ScaledParts = typeof scaled;
