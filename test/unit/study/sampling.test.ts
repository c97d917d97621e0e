import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../../server/src/study/sampling';
import type { PoolMember } from '../../../server/src/study/event';

const regions = ['north', 'south', 'east'];
const genders = ['f', 'm', 'x'];

/** 211 people over uneven strata: region × gender, with an age band that is not a stratum. */
function pool(): PoolMember[] {
  return Array.from({ length: 211 }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    name: `Person ${i}`,
    languages: [i % 4 === 0 ? 'fr' : 'en'],
    role: 'participant' as const,
    attributes: { region: regions[i % 3]!, gender: genders[(i * 7) % 11 < 5 ? 0 : (i * 7) % 11 < 10 ? 1 : 2]!, age: i % 2 === 0 ? '18-34' : '35+' },
  }));
}

describe('stratified split of the pool', () => {
  it('keeps every stratum within one person of its share and the control arm at round(N × share)', () => {
    const people = pool();
    const { deliberation, control } = stratifiedSplit(people, { strata: ['region', 'gender'], controlShare: 0.3, seed: 7 });
    expect(deliberation.length + control.length).toBe(people.length);
    expect(new Set([...deliberation, ...control]).size).toBe(people.length);
    expect(control).toHaveLength(Math.round(people.length * 0.3));
    const inControl = new Set(control);
    for (const r of regions) {
      for (const g of genders) {
        const stratum = people.filter((p) => p.attributes.region === r && p.attributes.gender === g);
        const drawn = stratum.filter((p) => inControl.has(p.id)).length;
        expect(Math.abs(drawn - stratum.length * 0.3), `${r}/${g}`).toBeLessThan(1);
      }
    }
  });

  it('reports counts, shares and the largest gap per attribute', () => {
    const people = pool();
    const { balance, control } = stratifiedSplit(people, { strata: ['region', 'gender'], controlShare: 0.5, seed: 7 });
    expect(Object.keys(balance).sort()).toEqual(['age', 'gender', 'region']);
    const north = balance.region!.values.find((v) => v.value === 'north')!;
    expect(north.pool.count).toBe(people.filter((p) => p.attributes.region === 'north').length);
    expect(north.pool.share).toBeCloseTo(north.pool.count / people.length, 10);
    expect(north.control.count + north.deliberation.count).toBe(north.pool.count);
    expect(north.control.share).toBeCloseTo(north.control.count / control.length, 10);
    // Each stratum is split within one person, so a stratified attribute's shares barely move.
    expect(balance.region!.largestGap).toBeLessThan(0.03);
    const gaps = balance.region!.values.flatMap((v) => [Math.abs(v.control.share - v.pool.share), Math.abs(v.deliberation.share - v.pool.share)]);
    expect(balance.region!.largestGap).toBe(Math.max(...gaps));
  });

  it('gives the same arms for the same seed, whatever the order of the file, and others for another seed', () => {
    const people = pool();
    const body = { strata: ['region', 'gender'], controlShare: 0.5, seed: 7 };
    const first = stratifiedSplit(people, body);
    expect(stratifiedSplit([...people].reverse(), body)).toEqual(first);
    expect(stratifiedSplit(people, { ...body, seed: 8 }).control).not.toEqual(first.control);
  });

  it('puts nobody in control with a share of 0 and everybody with 1', () => {
    const people = pool();
    expect(stratifiedSplit(people, { strata: ['region'], controlShare: 0, seed: 1 }).control).toEqual([]);
    expect(stratifiedSplit(people, { strata: [], controlShare: 1, seed: 1 }).deliberation).toEqual([]);
  });
});
