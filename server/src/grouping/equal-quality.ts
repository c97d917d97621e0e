import type { Layout } from './construct';
import { randomInt, shuffleInPlace, type Random } from './prng';
import { apartPairs, groupObjective, type Scales } from './exchange';
import { RoleCode, type Problem } from './problem';

/**
 * Moves between assignments of exactly equal quality: trades that change no group's diversity,
 * same-value pairs, repeated or apart pairs, role cover or language. A search usually ends in one of
 * many such assignments; which one should depend on the seed, and a reshuffle must land on another
 * one when one exists.
 */
export class EqualQuality {
  private readonly members: number[][];
  private readonly apart: Set<number>;
  private readonly L: number;
  /** Same-value pairs count too: off only to find a reshuffle where nothing else is of equal quality. */
  private strict = true;

  constructor(
    private readonly p: Problem,
    private readonly layout: Layout,
    private readonly scales: Scales,
  ) {
    this.L = p.languages.length;
    this.members = Array.from({ length: layout.capacity.length }, () => []);
    layout.groupOf.forEach((g, i) => this.members[g]!.push(i));
    this.apart = apartPairs(p);
  }

  /**
   * A group's part of the objective, as `evaluate` counts it (same-value pairs only with
   * `this.strict`), with roles covered as an extra tier.
   */
  private value(group: number[]): [number, number] {
    const { p } = this;
    const value = groupObjective(p, group, this.scales, this.apart, this.strict);
    const roles = (group.some((i) => p.role[i] === RoleCode.Facilitator) ? 1 : 0) + (group.some((i) => p.role[i] === RoleCode.Notetaker) ? 1 : 0);
    return [value, roles];
  }

  private movable(i: number): boolean {
    return (this.p.units[this.p.unitOf[i] as number] as number[]).length === 1;
  }

  private fits(i: number, g: number): boolean {
    return this.p.speaks[i * this.L + (this.layout.groupLanguage[g] as number)] === 1;
  }

  /** True, and made, when trading i and j leaves the quality exactly as it was. */
  private tradeIfEqual(i: number, j: number): boolean {
    const g = this.layout.groupOf[i] as number;
    const h = this.layout.groupOf[j] as number;
    if (g === h || !this.movable(i) || !this.movable(j) || !this.fits(i, h) || !this.fits(j, g)) return false;
    const G = this.members[g] as number[];
    const H = this.members[h] as number[];
    const before = [this.value(G), this.value(H)];
    const G2 = G.map((x) => (x === i ? j : x));
    const H2 = H.map((x) => (x === j ? i : x));
    const after = [this.value(G2), this.value(H2)];
    const roles = before[0]![1] + before[1]![1] === after[0]![1] + after[1]![1];
    const change = after[0]![0] + after[1]![0] - before[0]![0] - before[1]![0];
    const scale = Math.max(1, Math.abs(before[0]![0]) + Math.abs(before[1]![0]));
    if (!roles || Math.abs(change) > 1e-9 * scale) return false;
    this.members[g] = G2;
    this.members[h] = H2;
    this.layout.groupOf[i] = h;
    this.layout.groupOf[j] = g;
    return true;
  }

  /** Random trades of equal quality, `tries` drawn: where the seed lands on the plateau. */
  wander(random: Random, tries: number): void {
    const n = this.p.n;
    if (n < 2 || this.members.length < 2) return;
    for (let t = 0; t < tries; t++) this.tradeIfEqual(randomInt(random, n), randomInt(random, n));
  }

  /**
   * Leaves the partition `avoid` (member indices per group) for another of equal quality when the
   * groups are that partition: any single trade, then, on small rosters, any two trades. A
   * reshuffle should show the moderator other groups, not the same ones with another seed.
   * Returns false when it found none (the assignment is then the only one of its quality it knows).
   */
  leave(avoid: number[][], random: Random): boolean {
    if (partitionKey(this.members) !== partitionKey(avoid)) return true;
    // Equal on everything first; else equal on what the preview reports as quality (diversity,
    // roles, sizes, repeated and apart pairs), with same-value pairs free to differ.
    for (const strict of [true, false]) {
      this.strict = strict;
      const found = this.leaveOnce(avoid, random);
      this.strict = true;
      if (found) return true;
    }
    return false;
  }

  private leaveOnce(avoid: number[][], random: Random): boolean {
    const n = this.p.n;
    const people = shuffleInPlace(Array.from({ length: n }, (_, i) => i), random);
    for (const i of people) for (const j of people) if (i < j && this.tradeIfEqual(i, j)) return true;
    if (n > maxForTwoTrades) return false;
    const pairs: Array<[number, number]> = [];
    for (const i of people) for (const j of people) if (i < j && this.layout.groupOf[i] !== this.layout.groupOf[j]) pairs.push([i, j]);
    for (const [i, j] of pairs) {
      if (!this.movable(i) || !this.movable(j) || !this.fits(i, this.layout.groupOf[j] as number) || !this.fits(j, this.layout.groupOf[i] as number)) continue;
      // A trade that costs quality, then one that wins it back exactly.
      const target = this.total();
      this.forceTrade(i, j);
      for (const [k, l] of pairs) {
        if (k === i || k === j || l === i || l === j || !this.tradeIfEqualTo(k, l, target)) continue;
        if (partitionKey(this.members) !== partitionKey(avoid)) return true;
        this.forceTrade(k, l);
      }
      this.forceTrade(i, j);
    }
    return false;
  }

  private total(): [number, number] {
    let value = 0;
    let roles = 0;
    for (const group of this.members) {
      const [v, r] = this.value(group);
      value += v;
      roles += r;
    }
    return [value, roles];
  }

  /** Trades i and j whatever it costs (a second call undoes it). */
  private forceTrade(i: number, j: number): void {
    const g = this.layout.groupOf[i] as number;
    const h = this.layout.groupOf[j] as number;
    this.members[g] = (this.members[g] as number[]).map((x) => (x === i ? j : x));
    this.members[h] = (this.members[h] as number[]).map((x) => (x === j ? i : x));
    this.layout.groupOf[i] = h;
    this.layout.groupOf[j] = g;
  }

  /** Trades k and l when that brings the whole assignment to exactly `target` quality. */
  private tradeIfEqualTo(k: number, l: number, target: [number, number]): boolean {
    const g = this.layout.groupOf[k] as number;
    const h = this.layout.groupOf[l] as number;
    if (g === h || !this.movable(k) || !this.movable(l) || !this.fits(k, h) || !this.fits(l, g)) return false;
    this.forceTrade(k, l);
    const [value, roles] = this.total();
    if (roles === target[1] && Math.abs(value - target[0]) <= 1e-9 * Math.max(1, Math.abs(target[0]))) return true;
    this.forceTrade(k, l);
    return false;
  }
}

/** Rosters up to this size also try pairs of trades to find another assignment of equal quality. */
const maxForTwoTrades = 24;

/** The same string for the same partition, whatever the order of groups and members. */
export function partitionKey(groups: number[][]): string {
  return groups
    .filter((g) => g.length > 0)
    .map((g) => [...g].sort((a, b) => a - b).join(','))
    .sort()
    .join('|');
}
