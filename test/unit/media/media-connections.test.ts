import { ParticipantInfo, TrackInfo, TrackSource, WebhookEvent } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { configFromEnv, ConfigError } from '../../../server/src/config';
import { MediaConnections } from '../../../server/src/media/media-connections';
import { permissionOf } from '../../../server/src/media/livekit-permissions';

let ids = 0;
const person = (sid: string, identity = 'p1', tracks: TrackInfo[] = []) => new ParticipantInfo({ sid, identity, name: `Name of ${identity}`, tracks });
const mic = (sid: string, muted = false) => new TrackInfo({ sid, source: TrackSource.MICROPHONE, muted });
function event(kind: WebhookEvent['event'], participant?: ParticipantInfo, track?: TrackInfo, id = `EV_${++ids}`): WebhookEvent {
  // As the receiver parses it from the body (the subclass's field initializers run after the constructor's data).
  return WebhookEvent.fromJson({ event: kind, id, room: { name: 's1.plenary' }, ...(participant ? { participant: participant.toJson() } : {}), ...(track ? { track: track.toJson() } : {}) });
}

describe('who is connected to media, from webhooks that come twice and out of order', () => {
  it('a join, a published microphone and a leave', () => {
    const c = new MediaConnections();
    c.record(event('participant_joined', person('PA_a')));
    c.record(event('track_published', person('PA_a'), mic('TR_1')));
    expect(c.peers('s1.plenary')).toEqual([{ id: 'p1', name: 'Name of p1', hidden: false, publishing: ['microphone'] }]);
    c.record(event('track_unpublished', person('PA_a'), mic('TR_1')));
    expect(c.peers('s1.plenary')[0]?.publishing).toEqual([]);
    c.record(event('participant_left', person('PA_a')));
    expect(c.peers('s1.plenary')).toEqual([]);
  });

  it('the same event delivered twice is applied once', () => {
    const c = new MediaConnections();
    expect(c.record(event('participant_joined', person('PA_a'), undefined, 'EV_same'))).toBe(true);
    expect(c.record(event('participant_joined', person('PA_a'), undefined, 'EV_same'))).toBe(false);
    expect(c.recorded.get('participant_joined')).toBe(1);
  });

  it('a late "left" of an earlier connection does not remove the person who joined again', () => {
    const c = new MediaConnections();
    c.record(event('participant_joined', person('PA_old')));
    c.record(event('participant_joined', person('PA_new')));
    c.record(event('participant_left', person('PA_old')));
    c.record(event('track_published', person('PA_old'), mic('TR_old')));
    expect(c.peers('s1.plenary')).toEqual([{ id: 'p1', name: 'Name of p1', hidden: false, publishing: [] }]);
  });

  it('a muted track is connected but not heard', () => {
    const c = new MediaConnections();
    c.record(event('participant_joined', person('PA_a', 'p1', [mic('TR_1', true)])));
    expect(c.peers('s1.plenary')[0]?.publishing).toEqual([]);
  });

  it('the server’s own list replaces what the webhooks said; a finished room is empty', () => {
    const c = new MediaConnections();
    const changed: string[] = [];
    c.onChange((room) => void changed.push(room));
    c.record(event('participant_joined', person('PA_a')));
    c.reconcile('s1.plenary', [person('PA_b', 'p2', [mic('TR_2')])]);
    expect(c.peers('s1.plenary').map((p) => [p.id, p.publishing])).toEqual([['p2', ['microphone']]]);
    expect(c.roomsStartingWith('s1.').map(([room]) => room)).toEqual(['s1.plenary']);
    expect(c.roomsStartingWith('s2.')).toEqual([]);
    c.record(event('room_finished'));
    expect(c.peers('s1.plenary')).toEqual([]);
    expect(changed).toEqual(['s1.plenary', 's1.plenary', 's1.plenary']);
  });
});

describe('LiveKit permissions and configuration', () => {
  it('a permission update writes every field, so nothing is left to LiveKit’s defaults', () => {
    const p = permissionOf({ room: 's1.plenary', canPublish: false, canPublishSources: [], canSubscribe: true, hidden: true });
    expect(p).toMatchObject({ canPublish: false, canPublishData: false, canSubscribe: true, hidden: true, canPublishSources: [] });
    const speaker = permissionOf({ room: 's1.plenary', canPublish: true, canPublishSources: ['microphone', 'camera'], canSubscribe: true, hidden: false });
    expect(speaker.canPublishSources).toEqual([TrackSource.MICROPHONE, TrackSource.CAMERA]);
  });

  it('LiveKit is on when all three variables are set, and a partial set refuses to start', () => {
    expect(configFromEnv({}).livekit).toBeUndefined();
    const secret = 'x'.repeat(32);
    expect(configFromEnv({ LIVEKIT_URL: 'wss://media.example.org', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: secret }).livekit).toEqual({
      url: 'wss://media.example.org',
      apiKey: 'key',
      apiSecret: secret,
    });
    const lan = { LIVEKIT_URL: 'ws://10.0.0.2:7880', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: secret, ICE_SERVERS: '[]' };
    expect(configFromEnv(lan).livekit?.iceServers).toEqual([]);
    expect(() => configFromEnv({ LIVEKIT_URL: 'wss://media.example.org' })).toThrow(ConfigError);
    expect(() => configFromEnv({ LIVEKIT_URL: 'https://media.example.org', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: secret })).toThrow(ConfigError);
    expect(() => configFromEnv({ LIVEKIT_URL: 'wss://m.example.org', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'short' })).toThrow(ConfigError);
  });
});
