import { describe, expect, it } from 'vitest';
import { evenSizes, exactGroups, groupCountByExhaustiveSearch, groupSizes, splitsWell } from '../../../server/src/grouping/sizes';

describe('group sizes', () => {
  it.each([
    [1, [1]],
    [4, [4]],
    [6, [6]],
    [7, [7]],
    [11, [6, 5]],
    [12, [6, 6]],
    [13, [5, 4, 4]],
    [14, [5, 5, 4]],
    [16, [6, 5, 5]],
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

  it('makes as many groups of exactly the target as any split within target ± 1 could', () => {
    for (let target = 3; target <= 12; target++) {
      for (let count = 3; count <= 300; count++) {
        const sizes = groupSizes(count, target);
        if (!splitsWell(count, target)) continue;
        const best = Math.max(
          ...Array.from({ length: count }, (_, k) => k + 1)
            .filter((g) => evenSizes(count, g).every((s) => s >= Math.max(3, target - 1) && s <= target + 1))
            .map((g) => exactGroups(count, g, target)),
        );
        expect(exactGroups(count, sizes.length, target)).toBe(best);
      }
    }
  });

  it('never makes a group under the minimum the organizer set while the pool has that many', () => {
    for (const min of [1, 2, 3, 4, 5]) {
      for (let target = Math.max(3, min); target <= 8; target++) {
        for (let count = min; count <= 120; count++) {
          expect(Math.min(...groupSizes(count, target, min))).toBeGreaterThanOrEqual(min);
          expect(groupSizes(count, target, min).length).toBe(groupCountByExhaustiveSearch(count, target, min));
        }
      }
    }
  });
});
