/** Someone "is writing" in a group's notes when they typed there this recently. */
export const writingWindowMs = 30_000;

/**
 * Who typed in which document, and when last: the room cards count as writing only those who
 * typed in the last 30 s, not everyone who has the editor open.
 */
export class RecentWriters {
  readonly #last = new Map<string, Map<string, number>>();

  typed(docName: string, person: string, at: number): void {
    const people = this.#last.get(docName) ?? new Map<string, number>();
    this.#last.set(docName, people);
    people.set(person, at);
  }

  /** How many people typed in `docName` within the window before `now`. */
  writing(docName: string, now: number): number {
    let n = 0;
    for (const at of this.#last.get(docName)?.values() ?? []) if (now - at < writingWindowMs) n++;
    return n;
  }

  /** When the next person stops counting as writing (null: nobody is writing). */
  nextChange(now: number): number | null {
    let next: number | null = null;
    for (const people of this.#last.values()) {
      for (const at of people.values()) {
        const until = at + writingWindowMs;
        if (until > now && (next === null || until < next)) next = until;
      }
    }
    return next;
  }

  forget(docNames: (name: string) => boolean): void {
    for (const name of [...this.#last.keys()]) if (docNames(name)) this.#last.delete(name);
  }
}
