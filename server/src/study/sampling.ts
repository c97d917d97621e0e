import type { AttributeBalance, SampleBody, SampleResult } from '../../../shared/study';
import { createRandom, shuffleInPlace, type Random } from '../grouping/prng';
import type { PoolMember } from './event';

/** The stratum of a person: their values of the chosen attributes (a missing one counts as empty). */
const stratumOf = (person: PoolMember, strata: readonly string[]) => JSON.stringify(strata.map((s) => (Object.hasOwn(person.attributes, s) ? person.attributes[s] : '')));

/**
 * Splits the pool into deliberation and control, stratum by stratum. Each stratum sends
 * floor(n × share) people to control, and the people left over from rounding down go to the
 * strata with the largest remainders (ties drawn), so the control arm holds round(N × share)
 * people and every stratum is within one person of its exact share. Who goes where inside a
 * stratum is a seeded shuffle of the pool sorted by id: the same pool and seed give the same arms,
 * whatever order the file listed people in.
 */
export function stratifiedSplit(pool: readonly PoolMember[], body: SampleBody): SampleResult {
  const random = createRandom(body.seed);
  const byStratum = new Map<string, PoolMember[]>();
  for (const person of [...pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const key = stratumOf(person, body.strata);
    byStratum.set(key, [...(byStratum.get(key) ?? []), person]);
  }
  const strata = [...byStratum.keys()].sort();
  const exact = strata.map((k) => byStratum.get(k)!.length * body.controlShare);
  const counts = exact.map(Math.floor);
  const target = Math.round(pool.length * body.controlShare);
  const order = remainderOrder(exact, random);
  for (let i = 0; counts.reduce((a, b) => a + b, 0) < target && i < order.length; i++) counts[order[i]!]! += 1;
  const control: string[] = [];
  const deliberation: string[] = [];
  strata.forEach((key, i) => {
    const members = shuffleInPlace([...byStratum.get(key)!], random);
    members.forEach((m, j) => (j < counts[i]! ? control : deliberation).push(m.id));
  });
  return { deliberation: deliberation.sort(), control: control.sort(), balance: balanceOf(pool, new Set(deliberation), new Set(control)) };
}

/** Strata indexes by largest fractional part first; equal parts in a seeded order. */
function remainderOrder(exact: number[], random: Random): number[] {
  const ties = exact.map(() => random());
  return exact.map((_, i) => i).sort((a, b) => exact[b]! - Math.floor(exact[b]!) - (exact[a]! - Math.floor(exact[a]!)) || ties[a]! - ties[b]!);
}

/** How each arm matches the pool on every attribute the pool has. */
export function balanceOf(pool: readonly PoolMember[], deliberation: ReadonlySet<string>, control: ReadonlySet<string>): Record<string, AttributeBalance> {
  const attributes = [...new Set(pool.flatMap((p) => Object.keys(p.attributes)))].sort();
  const balance: Record<string, AttributeBalance> = Object.create(null);
  const inDeliberation = pool.filter((p) => deliberation.has(p.id));
  const inControl = pool.filter((p) => control.has(p.id));
  for (const attribute of attributes) {
    const value = (p: PoolMember) => (Object.hasOwn(p.attributes, attribute) ? p.attributes[attribute]! : '');
    const values = [...new Set(pool.map(value))].sort();
    const tally = (people: PoolMember[], v: string) => {
      const count = people.filter((p) => value(p) === v).length;
      return { count, share: people.length === 0 ? 0 : count / people.length };
    };
    const rows = values.map((v) => ({ value: v, pool: tally([...pool], v), deliberation: tally(inDeliberation, v), control: tally(inControl, v) }));
    const largestGap = Math.max(0, ...rows.flatMap((r) => [Math.abs(r.deliberation.share - r.pool.share), Math.abs(r.control.share - r.pool.share)]));
    balance[attribute] = { values: rows, largestGap };
  }
  return balance;
}
