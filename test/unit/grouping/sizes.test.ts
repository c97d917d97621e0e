import { describe, expect, it } from 'vitest';
import { groupCountByExhaustiveSearch, groupSizes, poolSizes, splitsWell } from '../../../server/src/grouping/sizes';

describe('group sizes', () => {
  it.each([
    [1, [1]],
    [4, [4]],
    [6, [6]],
    [7, [7]],
    [11, [6, 5]],
    [12, [6, 6]],
    [53, [5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4]],
  ])('splits %i people for a target of 5 as %j', (count, sizes) => {
    expect(groupSizes(count, 5)).toEqual(sizes);
  });

  it('never makes a group of 1 or 2 when the pool has 3 or more', () => {
    for (let target = 3; target <= 12; target++) {
      for (let count = 3; count <= 200; count++) expect(Math.min(...groupSizes(count, target))).toBeGreaterThanOrEqual(3);
    }
  });

  it('agrees with an exhaustive search over group counts', () => {
    for (let target = 3; target <= 12; target++) {
      for (let count = 1; count <= 400; count++) expect(groupSizes(count, target).length).toBe(groupCountByExhaustiveSearch(count, target));
    }
  });

  it('keeps every size within target ± 1 whenever the count allows it', () => {
    for (let target = 3; target <= 12; target++) {
      for (let count = 1; count <= 300; count++) {
        const sizes = groupSizes(count, target);
        expect(sizes.reduce((s, x) => s + x, 0)).toBe(count);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        if (splitsWell(count, target)) for (const s of sizes) expect(Math.abs(s - target)).toBeLessThanOrEqual(1);
        else expect(count < 3 || !sizes.every((s) => s >= 3 && Math.abs(s - target) <= 1)).toBe(true);
      }
    }
  });

  it('uses one band of two adjacent sizes across pools when every pool allows it', () => {
    const plan = poolSizes([23, 12], 5);
    const all = plan.flat();
    expect(Math.max(...all) - Math.min(...all)).toBeLessThanOrEqual(1);
    expect(plan.map((sizes) => sizes.reduce((s, x) => s + x, 0))).toEqual([23, 12]);
  });
});
