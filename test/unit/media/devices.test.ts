import { describe, expect, it } from 'vitest';
import { deviceErrorOf, storeChoice, storedChoice, videoByDefault } from '../../../client/src/media/devices';

const desktop = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const phone = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';

describe('the call devices', () => {
  it('starts audio-only on phones and weak connections', () => {
    expect(videoByDefault({ userAgent: desktop }, 1280)).toBe(true);
    expect(videoByDefault({ userAgent: phone }, 412)).toBe(false);
    expect(videoByDefault({ userAgent: desktop, connection: { effectiveType: '3g' } }, 1280)).toBe(false);
    expect(videoByDefault({ userAgent: desktop, connection: { saveData: true } }, 1280)).toBe(false);
    expect(videoByDefault({ userAgent: desktop, maxTouchPoints: 5 }, 600)).toBe(false);
  });

  it('remembers the choice on the device, and survives storage that is broken', () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    expect(storedChoice(storage, { video: false })).toEqual({ checked: false, video: false });
    storeChoice(storage, { checked: true, video: true, microphoneId: 'mic-2' });
    expect(storedChoice(storage, { video: false })).toEqual({ checked: true, video: true, microphoneId: 'mic-2' });
    kept.set('roundtable.media.devices', '{not json');
    expect(storedChoice(storage, { video: true })).toEqual({ checked: false, video: true });
    expect(storedChoice(null, { video: true })).toEqual({ checked: false, video: true });
  });

  it('tells a denied microphone from a missing one', () => {
    expect(deviceErrorOf(new DOMException('no', 'NotAllowedError'), 'microphone').code).toBe('MIC_DENIED');
    expect(deviceErrorOf(new DOMException('none', 'NotFoundError'), 'microphone').code).toBe('MIC_MISSING');
    expect(deviceErrorOf(new DOMException('busy', 'NotReadableError'), 'camera').code).toBe('CAMERA_BUSY');
    expect(deviceErrorOf(new Error('odd'), 'camera').code).toBe('DEVICE_FAILED');
  });
});
