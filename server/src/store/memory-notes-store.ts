import { compareNotesKeys, type NotesKey, type NotesStore, type NotesVersion, type StoredNotes } from './notes-store';

interface Entry {
  key: NotesKey;
  snapshot: Uint8Array | null;
  updates: Array<{ seq: number; update: Uint8Array }>;
  versions: Map<string, NotesVersion>;
}

const id = (key: NotesKey) => `${key.sessionId}\u0000${key.stepIndex}\u0000${key.groupId}`;
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

/** For tests and throwaway runs: the NotesStore contract, kept in this object (bytes copied in and out). */
export class MemoryNotesStore implements NotesStore {
  readonly #docs = new Map<string, Entry>();
  #seq = 0;

  #entry(key: NotesKey): Entry {
    let entry = this.#docs.get(id(key));
    if (!entry) {
      entry = { key: { ...key }, snapshot: null, updates: [], versions: new Map() };
      this.#docs.set(id(key), entry);
    }
    return entry;
  }

  async append(batch: ReadonlyArray<{ key: NotesKey; update: Uint8Array }>): Promise<number> {
    const copies = batch.map(({ key, update }) => ({ key, update: copy(update) }));
    for (const { key, update } of copies) this.#entry(key).updates.push({ seq: ++this.#seq, update });
    return this.#seq;
  }

  async load(key: NotesKey): Promise<StoredNotes | null> {
    const entry = this.#docs.get(id(key));
    if (!entry || (entry.snapshot === null && entry.updates.length === 0)) return null;
    return {
      snapshot: entry.snapshot ? copy(entry.snapshot) : null,
      updates: entry.updates.map((u) => copy(u.update)),
      through: entry.updates.at(-1)?.seq ?? 0,
    };
  }

  async compact(key: NotesKey, snapshot: Uint8Array, through: number): Promise<void> {
    const entry = this.#entry(key);
    entry.snapshot = copy(snapshot);
    entry.updates = entry.updates.filter((u) => u.seq > through);
  }

  async keepVersion(key: NotesKey, version: NotesVersion): Promise<void> {
    this.#entry(key).versions.set(version.label, { ...version, state: copy(version.state), meta: structuredClone(version.meta) });
  }

  async version(key: NotesKey, label: string): Promise<NotesVersion | null> {
    const version = this.#docs.get(id(key))?.versions.get(label);
    return version ? { ...version, state: copy(version.state), meta: structuredClone(version.meta) } : null;
  }

  async list(sessionId: string): Promise<NotesKey[]> {
    return [...this.#docs.values()]
      .filter((e) => e.key.sessionId === sessionId)
      .map((e) => ({ ...e.key }))
      .sort(compareNotesKeys);
  }

  async close(): Promise<void> {}
}
