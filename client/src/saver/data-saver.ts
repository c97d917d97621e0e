import { browserSignals, decideSaver, parseChoice, type ConnectionSignals, type SaverChoice, type SaverReason } from './decision';

export interface SaverState {
  on: boolean;
  reason: SaverReason | null;
  choice: SaverChoice;
}

/** The parts of Network Information the saver reads (Chromium and Android browsers have it). */
interface NetworkInformation extends EventTarget {
  saveData?: boolean;
  effectiveType?: string;
}

export interface SaverEnvironment {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  connection?: NetworkInformation | undefined;
}

const choiceKey = 'roundtable.saver';

/**
 * Data saver for this page: the person's choice (kept on the device) and what the browser, the live
 * socket and the call say about the connection. Screens read `state`; the call and the notes follow it.
 */
export class DataSaver {
  readonly #env: SaverEnvironment;
  readonly #listeners = new Set<() => void>();
  #signals: ConnectionSignals = {};
  #latched: SaverReason | null = null;
  #state: SaverState;

  constructor(env: SaverEnvironment) {
    this.#env = env;
    let stored: string | null = null;
    try {
      stored = env.storage?.getItem(choiceKey) ?? null;
    } catch {
      // Private browsing: automatic.
    }
    this.#state = { on: false, reason: null, choice: parseChoice(stored) };
    this.#signals = browserSignals(env.connection);
    env.connection?.addEventListener('change', () => this.report(browserSignals(env.connection)));
    this.#decide();
  }

  get state(): SaverState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The person switched it on or off (or back to automatic); remembered on this device. */
  choose(choice: SaverChoice): void {
    try {
      this.#env.storage?.setItem(choiceKey, choice);
    } catch {
      // Private browsing: the choice lasts for this page only.
    }
    // A choice made by hand starts the automatic one afresh should the person go back to it.
    this.#latched = null;
    this.#decide(choice);
  }

  /** New measurements: the socket's round trip, the call's quality, the browser's connection. */
  report(signals: ConnectionSignals): void {
    this.#signals = { ...this.#signals, ...signals };
    this.#decide();
  }

  #decide(choice: SaverChoice = this.#state.choice): void {
    const decision = decideSaver(choice, this.#signals, this.#latched);
    if (choice === 'auto' && decision.on) this.#latched = decision.reason;
    const before = this.#state;
    if (decision.on === before.on && decision.reason === before.reason && choice === before.choice) return;
    this.#state = { choice, ...decision };
    for (const listener of this.#listeners) listener();
  }
}

let shared: DataSaver | null = null;

/** This page's data saver, made on first use from the browser it runs in. */
export function dataSaver(): DataSaver {
  if (!shared) {
    let storage: Storage | null = null;
    try {
      storage = window.localStorage;
    } catch {
      storage = null;
    }
    shared = new DataSaver({
      storage,
      connection: (navigator as Navigator & { connection?: NetworkInformation }).connection,
    });
  }
  return shared;
}
