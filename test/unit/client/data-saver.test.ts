import { describe, expect, it } from 'vitest';
import { DataSaver } from '../../../client/src/saver/data-saver';
import { decideSaver, parseChoice, weakSignal } from '../../../client/src/saver/decision';

describe('which signals switch data saver on', () => {
  it('stays off on a good connection, or when nothing is known', () => {
    expect(decideSaver('auto', {})).toEqual({ on: false, reason: null });
    expect(decideSaver('auto', { saveData: false, effectiveType: '4g', rttMs: 40, callQuality: 'excellent' })).toEqual({ on: false, reason: null });
    // Unmeasured values are no evidence either way.
    expect(decideSaver('auto', { rttMs: null, callQuality: 'unknown' }).on).toBe(false);
  });

  it.each([
    [{ saveData: true }, 'saveData'],
    [{ effectiveType: 'slow-2g' }, 'slowNetwork'],
    [{ effectiveType: '2g' }, 'slowNetwork'],
    [{ effectiveType: '3g' }, 'slowNetwork'],
    [{ rttMs: 650 }, 'roundTrip'],
    [{ callQuality: 'poor' }, 'callQuality'],
    [{ callQuality: 'lost' }, 'callQuality'],
  ] as const)('%o switches it on (%s)', (signals, reason) => {
    expect(decideSaver('auto', signals)).toEqual({ on: true, reason });
  });

  it('draws the line at 500 ms of round trip', () => {
    expect(weakSignal({ rttMs: 499 })).toBeNull();
    expect(weakSignal({ rttMs: 500 })).toBe('roundTrip');
  });

  it('stays on once switched on by itself, until the person says otherwise', () => {
    expect(decideSaver('auto', { rttMs: 40 }, 'roundTrip')).toEqual({ on: true, reason: 'roundTrip' });
    expect(decideSaver('off', { rttMs: 40 }, 'roundTrip')).toEqual({ on: false, reason: null });
  });
});

describe('the person’s choice wins', () => {
  it('on, even on the best connection', () => {
    expect(decideSaver('on', { effectiveType: '4g', rttMs: 10 })).toEqual({ on: true, reason: 'choice' });
  });
  it('off, even on the weakest', () => {
    expect(decideSaver('off', { saveData: true, effectiveType: 'slow-2g', rttMs: 2000, callQuality: 'lost' })).toEqual({ on: false, reason: null });
  });
  it('reads anything unknown in storage as automatic', () => {
    expect(parseChoice('on')).toBe('on');
    expect(parseChoice('off')).toBe('off');
    expect(parseChoice(null)).toBe('auto');
    expect(parseChoice('yes')).toBe('auto');
  });
});

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

class FakeConnection extends EventTarget {
  constructor(
    public effectiveType: string,
    public saveData = false,
  ) {
    super();
  }
}

describe('the page’s data saver', () => {
  it('follows the browser’s connection as it changes', () => {
    const connection = new FakeConnection('4g');
    const saver = new DataSaver({ storage: new MemoryStorage(), connection });
    expect(saver.state).toEqual({ on: false, reason: null, choice: 'auto' });
    let told = 0;
    saver.subscribe(() => told++);
    connection.effectiveType = '2g';
    connection.dispatchEvent(new Event('change'));
    expect(saver.state).toEqual({ on: true, reason: 'slowNetwork', choice: 'auto' });
    expect(told).toBe(1);
  });

  it('switches on from the socket’s round trip and the call’s quality', () => {
    const saver = new DataSaver({ storage: new MemoryStorage() });
    saver.report({ rttMs: 80 });
    expect(saver.state.on).toBe(false);
    saver.report({ rttMs: 900 });
    expect(saver.state).toMatchObject({ on: true, reason: 'roundTrip' });
    // A better round trip later does not switch it off: without the video the link looks better.
    saver.report({ rttMs: 80 });
    expect(saver.state).toMatchObject({ on: true, reason: 'roundTrip' });
    const inCall = new DataSaver({ storage: new MemoryStorage() });
    inCall.report({ callQuality: 'good' });
    expect(inCall.state.on).toBe(false);
    inCall.report({ callQuality: 'poor' });
    expect(inCall.state).toMatchObject({ on: true, reason: 'callQuality' });
  });

  it('remembers the person’s choice on the device, and it wins over the signals', () => {
    const storage = new MemoryStorage();
    const saver = new DataSaver({ storage, connection: new FakeConnection('slow-2g') });
    expect(saver.state.on).toBe(true);
    saver.choose('off');
    expect(saver.state).toEqual({ on: false, reason: null, choice: 'off' });
    expect(storage.items.get('roundtable.saver')).toBe('off');
    // The next page on this device starts from that choice.
    expect(new DataSaver({ storage, connection: new FakeConnection('slow-2g') }).state).toEqual({ on: false, reason: null, choice: 'off' });
    saver.choose('on');
    expect(new DataSaver({ storage, connection: new FakeConnection('4g') }).state).toEqual({ on: true, reason: 'choice', choice: 'on' });
  });
});
