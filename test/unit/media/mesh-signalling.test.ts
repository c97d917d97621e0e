import { describe, expect, it } from 'vitest';
import type { MediaGrant, MeshPeers, MeshSignal } from '../../../shared/media';
import { DomainError } from '../../../server/src/domain/errors';
import { MeshSignalling, type MeshConnection } from '../../../server/src/media/mesh-signalling';

const grant = (room: string, canPublish = true, hidden = false): MediaGrant => ({
  room,
  canPublish,
  canPublishSources: canPublish ? ['microphone'] : [],
  canSubscribe: true,
  hidden,
});

/** A fake connection that keeps what it was sent. */
function connection(id: string): MeshConnection & { peers: MeshPeers[]; signals: MeshSignal[] } {
  const c = {
    id,
    memberId: id,
    name: `Person ${id}`,
    peers: [] as MeshPeers[],
    signals: [] as MeshSignal[],
    send(event: 'media:peers' | 'media:signal', payload: MeshPeers | MeshSignal) {
      if (event === 'media:peers') c.peers.push(payload as MeshPeers);
      else c.signals.push(payload as MeshSignal);
    },
  };
  return c as MeshConnection & { peers: MeshPeers[]; signals: MeshSignal[] };
}

const code = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return 'none';
};

describe('the mesh switchboard', () => {
  it('relays within a room and refuses across rooms', () => {
    const mesh = new MeshSignalling([]);
    const [a, b, c] = [connection('a'), connection('b'), connection('c')];
    const pa = mesh.ticket(a, grant('s.1.g1')).peerId;
    const pb = mesh.ticket(b, grant('s.1.g1')).peerId;
    const pc = mesh.ticket(c, grant('s.1.g2')).peerId;
    for (const [conn, peerId] of [[a, pa], [b, pb], [c, pc]] as const) mesh.join(conn.id, peerId);
    expect(b.peers.at(-1)!.peers.map((p) => p.peerId).sort()).toEqual([pa, pb].sort());
    mesh.signal('a', { to: pb, candidate: null });
    expect(b.signals).toEqual([{ from: pa, candidate: null }]);
    expect(code(() => mesh.signal('a', { to: pc, candidate: null }))).toBe('NOT_ALLOWED');
    expect(code(() => mesh.signal('c', { to: pa, candidate: null }))).toBe('NOT_ALLOWED');
    expect(c.signals).toEqual([]);
  });

  it('does not connect two listeners, and forgets a closed connection', () => {
    const mesh = new MeshSignalling([]);
    const [speaker, l1, l2] = [connection('s'), connection('l1'), connection('l2')];
    const ps = mesh.ticket(speaker, grant('s.plenary')).peerId;
    const p1 = mesh.ticket(l1, grant('s.plenary', false)).peerId;
    const p2 = mesh.ticket(l2, grant('s.plenary', false)).peerId;
    for (const [conn, peerId] of [[speaker, ps], [l1, p1], [l2, p2]] as const) mesh.join(conn.id, peerId);
    expect(code(() => mesh.signal('l1', { to: p2, candidate: null }))).toBe('NOT_ALLOWED');
    expect(code(() => mesh.signal('l1', { to: ps, candidate: null }))).toBe('none');
    mesh.forget('l2');
    expect(speaker.peers.at(-1)!.peers.map((p) => p.peerId).sort()).toEqual([ps, p1].sort());
    expect(code(() => mesh.signal('s', { to: p2, candidate: null }))).toBe('NOT_ALLOWED');
  });

  it('leaves the old room at once when the grant names another', () => {
    const mesh = new MeshSignalling([]);
    const [a, b] = [connection('a'), connection('b')];
    const pa = mesh.ticket(a, grant('s.1.g1')).peerId;
    const pb = mesh.ticket(b, grant('s.1.g1')).peerId;
    mesh.join('a', pa);
    mesh.join('b', pb);
    expect(mesh.regrant('a', grant('s.plenary'))).toBe(true);
    expect(mesh.regrant('a', grant('s.plenary'))).toBe(false);
    expect(code(() => mesh.signal('b', { to: pa, candidate: null }))).toBe('NOT_ALLOWED');
    expect(b.peers.at(-1)!.peers.map((p) => p.peerId)).toEqual([pb]);
    expect(mesh.size('s.1.g1')).toBe(1);
  });
});
