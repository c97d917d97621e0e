import { browserSignals, weakSignal } from '../saver/decision';
import type { DeviceChoice } from './media-room';

/** Why a device could not be opened, in words the call UI translates. */
export interface DeviceError {
  code: 'MIC_DENIED' | 'MIC_MISSING' | 'MIC_BUSY' | 'CAMERA_DENIED' | 'CAMERA_MISSING' | 'CAMERA_BUSY' | 'DEVICE_FAILED';
  message: string;
}

export function deviceErrorOf(error: unknown, device: 'microphone' | 'camera'): DeviceError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const mic = device === 'microphone';
  if (name === 'NotAllowedError' || name === 'SecurityError') return { code: mic ? 'MIC_DENIED' : 'CAMERA_DENIED', message };
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return { code: mic ? 'MIC_MISSING' : 'CAMERA_MISSING', message };
  if (name === 'NotReadableError' || name === 'AbortError') return { code: mic ? 'MIC_BUSY' : 'CAMERA_BUSY', message };
  return { code: 'DEVICE_FAILED', message };
}

const choiceKey = 'roundtable.media.devices';

interface StoredChoice extends DeviceChoice {
  /** Set once the person has been through the check on this device. */
  checked: boolean;
}

/** The last choice made on this device, or the default: video only where it is likely to work well. */
export function storedChoice(storage: Pick<Storage, 'getItem'> | null, defaults: { video: boolean }): StoredChoice {
  try {
    const raw = storage?.getItem(choiceKey);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<StoredChoice>;
      return {
        checked: parsed.checked === true,
        video: typeof parsed.video === 'boolean' ? parsed.video : defaults.video,
        ...(typeof parsed.microphoneId === 'string' ? { microphoneId: parsed.microphoneId } : {}),
        ...(typeof parsed.cameraId === 'string' ? { cameraId: parsed.cameraId } : {}),
      };
    }
  } catch {
    // Unreadable or private browsing: start from the defaults.
  }
  return { checked: false, video: defaults.video };
}

export function storeChoice(storage: Pick<Storage, 'setItem'> | null, choice: StoredChoice): void {
  try {
    storage?.setItem(choiceKey, JSON.stringify(choice));
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
}

interface NetworkInformation {
  effectiveType?: string;
  saveData?: boolean;
}

/** Phones and weak connections start audio-only: video costs more than a conversation needs. */
export function videoByDefault(nav: Pick<Navigator, 'userAgent'> & { connection?: NetworkInformation; maxTouchPoints?: number }, width: number): boolean {
  const phone = /Android|iPhone|iPod|Mobile/i.test(nav.userAgent) || ((nav.maxTouchPoints ?? 0) > 0 && width < 768);
  return !phone && weakSignal(browserSignals(nav.connection)) === null;
}
